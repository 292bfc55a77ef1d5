import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { onlyError } from '@app/testing';
import { movableClock, type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';
import { CONFIRM, reportTrade } from './records-support';

const WHAT_IF = `query($id: ID!, $changes: [WhatIfChangeInput!]!) {
  whatIf(companyId: $id, changes: $changes) {
    before { score grade pd factors { name score } verifiedRecords }
    after { score grade pd factors { name score } }
    scoreChange pdChange gradeNotches
  }
}`;

interface Rating {
  score: number;
  grade: string;
  pd: number;
  factors: { name: string; score: number }[];
}
interface WhatIf {
  before: Rating & { verifiedRecords: number };
  after: Rating;
  scoreChange: number;
  pdChange: number;
  gradeNotches: number;
}

/** "What if" (issue 4): a company asks about its own rating after hypothetical changes; nothing is written. */
describe('whatIf: a company asks about itself', () => {
  let api: RunningApi;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    const { home } = world;
    // B paid A's invoices 20 days late (not yet negative), confirmed: they count today
    const today = new Date();
    const day = (offset: number): string => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    for (const n of [1, 2, 3, 4]) {
      const r = await reportTrade(home.memberA.client, home.companyB.creditCode, { amount: `${n * 10000}.00`, invoiceDate: day(-100 - n), dueDate: day(-70 - n), paidDate: day(-50 - n) });
      await home.memberB.client.ok(CONFIRM, { id: r.id });
    }
  });
  afterAll(async () => api.close());

  const counts = async (): Promise<unknown> =>
    api.dataSource.query(`SELECT (SELECT count(*) FROM ratings) AS ratings, (SELECT count(*) FROM audit_log) AS audit, (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM inquiries) AS inquiries`);

  it('paying a supplier sooner raises the payment factor and the score; the answer is computed, never written', async () => {
    const { home } = world;
    const before = await counts();
    const { whatIf } = await home.memberB.client.ok<{ whatIf: WhatIf }>(WHAT_IF, {
      id: home.companyB.id,
      changes: [{ kind: 'PAY_SUPPLIER_SOONER', creditorId: home.companyA.id, days: 20 }],
    });
    const payment = (r: Rating) => r.factors.find((f) => f.name === 'PAYMENT_BEHAVIOUR')?.score as number;
    expect(whatIf.before.verifiedRecords).toBe(4);
    expect(payment(whatIf.after)).toBeGreaterThan(payment(whatIf.before));
    expect(whatIf.after.score).toBeGreaterThan(whatIf.before.score);
    expect(whatIf.scoreChange).toBe(whatIf.after.score - whatIf.before.score);
    expect(whatIf.pdChange).toBeCloseTo(whatIf.after.pd - whatIf.before.pd, 12);
    expect(whatIf.gradeNotches).toBeGreaterThanOrEqual(0);
    expect(await counts()).toEqual(before);
    // an ADMIN may ask too; the same question, the same answer
    const again = await world.admin.client.ok<{ whatIf: WhatIf }>(WHAT_IF, { id: home.companyB.id, changes: [{ kind: 'PAY_SUPPLIER_SOONER', creditorId: home.companyA.id, days: 20 }] });
    expect(again.whatIf).toEqual(whatIf);
  });

  it("is computed at the API's clock's now", async () => {
    const { home } = world;
    // a minute ago: the same records count, only the clock differs from the wall clock
    const instant = new Date(Date.now() - 60_000);
    const apiClock = movableClock(api, instant);
    try {
      const { whatIf } = await home.memberB.client.ok<{ whatIf: { before: { computedAt: string }; after: { computedAt: string } } }>(
        `query($id: ID!, $changes: [WhatIfChangeInput!]!) { whatIf(companyId: $id, changes: $changes) { before { computedAt } after { computedAt } } }`,
        { id: home.companyB.id, changes: [{ kind: 'PAY_SUPPLIER_SOONER', creditorId: home.companyA.id, days: 20 }] },
      );
      expect(whatIf).toEqual({ before: { computedAt: instant.toISOString() }, after: { computedAt: instant.toISOString() } });
    } finally {
      apiClock.restore();
    }
  });

  it('adds a statement checked as a filing is, and names the field of each bad change', async () => {
    const { home } = world;
    const statement = {
      fiscalYear: new Date().getUTCFullYear() - 1,
      revenue: '5000000.00',
      netIncome: '400000.00',
      ebit: '600000.00',
      totalAssets: '3000000.00',
      currentAssets: '1500000.00',
      totalLiabilities: '1200000.00',
      currentLiabilities: '800000.00',
      retainedEarnings: '900000.00',
      equity: '1800000.00',
    };
    const { whatIf } = await home.memberB.client.ok<{ whatIf: WhatIf }>(WHAT_IF, { id: home.companyB.id, changes: [{ kind: 'ADD_STATEMENT', statement }] });
    expect(whatIf.after.factors.map((f) => f.name)).toContain('FINANCIAL_STRENGTH');
    const refusals: [Record<string, unknown>[], string][] = [
      [[{ kind: 'ADD_STATEMENT', statement: { ...statement, totalAssets: '0.00' } }], 'changes[0].statement.totalAssets'],
      [[{ kind: 'SETTLE_OVERDUE_INVOICES' }, { kind: 'PAY_SUPPLIER_SOONER', days: 5 }], 'changes[1].creditorId'],
      [[{ kind: 'PAY_SUPPLIER_SOONER', creditorId: home.companyA.id, days: 0 }], 'changes[0].days'],
      [[{ kind: 'END_PUBLIC_RECORD', recordId: home.companyA.id, endedOn: '2999-01-01' }], 'changes[0].endedOn'],
      [[{ kind: 'ADD_STATEMENT' }], 'changes[0].statement'],
      // ids the company does not hold among its counted records: named, not a silent "no change"
      [[{ kind: 'PAY_SUPPLIER_SOONER', creditorId: home.companyB.id, days: 5 }], 'changes[0].creditorId'],
      [[{ kind: 'PAY_SUPPLIER_SOONER', creditorId: home.companyA.id, days: 5, invoiceId: home.companyA.id }], 'changes[0].invoiceId'],
      [[{ kind: 'END_PUBLIC_RECORD', recordId: home.companyA.id, endedOn: '2025-01-01' }], 'changes[0].recordId'],
      [[{ kind: 'RELEASE_GUARANTEE', guaranteeId: home.companyA.id }], 'changes[0].guaranteeId'],
      [[], 'changes'],
    ];
    for (const [changes, field] of refusals) {
      expect(onlyError(await home.memberB.client.request(WHAT_IF, { id: home.companyB.id, changes })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('is asked by a company about itself only', async () => {
    const { home } = world;
    const changes = [{ kind: 'SETTLE_OVERDUE_INVOICES' }];
    for (const other of [home.memberA, home.coordinator, world.banker, world.other.coordinator]) {
      expect(onlyError(await other.client.request(WHAT_IF, { id: home.companyB.id, changes })).extensions?.code).toBe('FORBIDDEN');
    }
  });
});
