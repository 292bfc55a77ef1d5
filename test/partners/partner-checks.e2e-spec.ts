import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { addDays, type Company, type Consortium, toCalendarDate } from '@app/domain';
import { onlyError, randomCreditCode } from '@app/testing';
import { reportTrade, VERIFY } from '../records/records-support';
import { movableClock, type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';
import { insertRating } from './partners-support';

const CHECK = `query($c: String!) { partnerCheck(creditCode: $c) { creditCode companyName grade paymentIndex verifiedTradeLines asOf } }`;
const CHECKS = `query($id: ID!) { partnerChecks(companyId: $id) { id checker at } }`;
const ALLOWANCE = `query($id: ID!) {
  partnerCheckAllowance(companyId: $id) {
    companyId rules { contributionWindowMonths minTradeLines dailyCheckLimit custom } windowStart
    tradeLinesReported qualifies checksToday checksLeftToday checksMade dailyLimitResetsAt
  }
}`;
const ACTIVITY = `query($id: ID!) {
  partnerCheckActivity(consortiumId: $id) {
    rules { contributionWindowMonths minTradeLines dailyCheckLimit custom } windowStart
    members { company { id name } tradeLinesReported qualifies checksMade checksToday }
  }
}`;
const SET_RULES = `mutation($id: ID!, $i: PartnerCheckRulesInput!) {
  setPartnerCheckRules(consortiumId: $id, input: $i) { contributionWindowMonths minTradeLines dailyCheckLimit custom }
}`;

interface View {
  readonly creditCode: string;
  readonly companyName: string;
  readonly grade: string | null;
  readonly paymentIndex: number | null;
  readonly verifiedTradeLines: number;
  readonly asOf: string | null;
}

/** A fresh consortium with a coordinator and members, so that rule changes touch no other test. */
interface Cluster {
  readonly consortium: Consortium;
  readonly coordinator: SignedIn;
  readonly companies: Company[];
  readonly members: SignedIn[];
}

const today = (): string => toCalendarDate(new Date());

describe('partner checks: give to get', () => {
  let api: RunningApi;
  let world: World;

  async function cluster(size: number): Promise<Cluster> {
    const f = world.factories;
    const consortium = await f.consortium();
    const companies: Company[] = [];
    const members: SignedIn[] = [];
    for (let i = 0; i < size; i += 1) {
      const company = await f.company(consortium.id);
      companies.push(company);
      members.push(await world.signIn(await f.user('MEMBER', { companyId: company.id })));
    }
    return { consortium, companies, members, coordinator: await world.signIn(await f.user('COORDINATOR', { consortiumId: consortium.id })) };
  }

  /** A supplier's trade experience about `debtor`, due a month ago, paid `late` days beyond terms; verified unless told. */
  async function trade(supplier: SignedIn, debtor: Company, coordinator: SignedIn | null, late = 0, amount = '100000.00'): Promise<string> {
    const due = addDays(today(), -30);
    const record = await reportTrade(supplier.client, debtor.creditCode, {
      amount,
      invoiceDate: addDays(due, -30),
      dueDate: due,
      paidDate: addDays(due, late),
    });
    if (coordinator) await coordinator.client.ok(VERIFY, { id: record.id });
    return record.id;
  }

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await api.close();
  });

  it('refuses a member that has not contributed, saying why and how to qualify, and logs nothing', async () => {
    const c = await cluster(2);
    const [a, b] = c.members;
    const refused = onlyError(await a.client.request(CHECK, { c: c.companies[1].creditCode }));
    expect(refused.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'GIVE_TO_GET', tradeLinesReported: 0, required: 1, windowMonths: 12 });
    expect(refused.message).toMatch(/give to get/);
    expect(refused.message).toMatch(/last 12 months/);
    expect(refused.message).toMatch(/reportTradeExperience/);
    expect((await b.client.ok<{ partnerChecks: unknown[] }>(CHECKS, { id: c.companies[1].id })).partnerChecks).toEqual([]);

    // a buyer's own payables are not a contribution; a supplier's pending receivable is
    const payable = await a.client.request(
      `mutation($i: TradePayableInput!) { reportTradePayable(input: $i) { id } }`,
      { i: { creditorCreditCode: c.companies[1].creditCode, invoiceNo: `AP-${Date.now()}`, amount: '5000.00', invoiceDate: addDays(today(), -20), dueDate: addDays(today(), -5) } },
    );
    expect(payable.errors).toBeUndefined();
    expect(onlyError(await a.client.request(CHECK, { c: c.companies[1].creditCode })).extensions?.reason).toBe('GIVE_TO_GET');
    await trade(a, c.companies[1], null);
    expect((await a.client.request(CHECK, { c: c.companies[1].creditCode })).errors).toBeUndefined();
  });

  it('shows a contributor exactly the fields of PartnerView, from verified trade lines only', async () => {
    const c = await cluster(3);
    const [a, , third] = c.members;
    const partner = c.companies[1];
    // a's own contribution: receivables about the third member
    await trade(a, c.companies[2], null);
    // what the partner's suppliers filed about it: two paid on time (PAYDEX 80), one 15 days late (70), verified
    await trade(a, partner, c.coordinator, 0);
    await trade(third, partner, c.coordinator, 0);
    await trade(third, partner, c.coordinator, 15);
    // pending, and paid very late: it must not count
    await trade(a, partner, null, 25, '900000.00');
    await insertRating(api.dataSource, partner, 'BBB');
    const stored: { computed_at: Date }[] = await api.dataSource.query('SELECT computed_at FROM ratings WHERE company_id = $1', [partner.id]);

    const result = await a.client.request<{ partnerCheck: View }>(CHECK, { c: partner.creditCode.toLowerCase() });
    expect(result.errors).toBeUndefined();
    expect(result.data?.partnerCheck).toEqual({
      creditCode: partner.creditCode,
      companyName: partner.name,
      grade: 'BBB',
      // amount-weighted PAYDEX key: (80 + 80 + 70) / 3 = 76.7
      paymentIndex: 77,
      verifiedTradeLines: 3,
      asOf: stored[0].computed_at.toISOString(),
    });
    // nothing of who reported what, nor of the records themselves
    const text = JSON.stringify(result);
    for (const secret of [c.companies[0].name, c.companies[2].name, 'FP-', '100000']) expect(text).not.toContain(secret);

    // the type has exactly the contract's fields: no path to records, reporters, score or reasons
    const type = await a.client.ok<{ __type: { fields: { name: string }[] } }>('{ __type(name: "PartnerView") { fields { name } } }');
    expect(type.__type.fields.map((f) => f.name).sort()).toEqual(['asOf', 'companyName', 'creditCode', 'grade', 'paymentIndex', 'verifiedTradeLines']);
    for (const extra of ['score', 'pd', 'reasons', 'records', 'company { id }']) {
      const asked = await a.client.request(`query($c: String!) { partnerCheck(creditCode: $c) { grade ${extra} } }`, { c: partner.creditCode });
      expect(onlyError(asked).extensions?.code).toBe('BAD_USER_INPUT');
    }

    // before a first rating, and with fewer than 3 experiences: nulls, not defaults
    const fresh = await a.client.ok<{ partnerCheck: View }>(CHECK, { c: c.companies[2].creditCode });
    expect(fresh.partnerCheck).toMatchObject({ grade: null, paymentIndex: null, verifiedTradeLines: 0, asOf: null });
  });

  it('refuses another consortium, one itself, an unknown and a malformed code, and every role but MEMBER', async () => {
    const { home, other } = world;
    await trade(home.memberA, home.companyB, null);
    // credit codes are public: a company of another consortium is answered exactly as a code
    // no company is registered under, so a check reveals neither who is on the platform nor where
    const answer = async (code: string) => {
      const error = onlyError(await home.memberA.client.request(CHECK, { c: code }));
      return { extensions: error.extensions, message: error.message.replace(code, '<code>') };
    };
    const unknown = randomCreditCode();
    const foreign = await answer(other.companyA.creditCode);
    expect(foreign).toEqual(await answer(unknown));
    expect(foreign).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'creditCode' }, message: 'creditCode <code> is not a member of your consortium' });
    const self = onlyError(await home.memberA.client.request(CHECK, { c: home.companyA.creditCode }));
    expect(self.extensions?.code).toBe('FORBIDDEN');
    expect(self.message).toMatch(/own company/);
    for (const bad of ['', '123', `${home.companyB.creditCode.slice(0, 17)}I`, 'x'.repeat(200)]) {
      expect(onlyError(await home.memberA.client.request(CHECK, { c: bad })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'creditCode' });
    }
    // every other role is refused before the code is looked up: the same answer whatever it names
    for (const caller of [home.coordinator, world.admin, world.banker]) {
      const answers = [];
      for (const code of [home.companyB.creditCode, other.companyA.creditCode, unknown]) answers.push(onlyError(await caller.client.request(CHECK, { c: code })));
      expect(answers[0].extensions?.code).toBe('FORBIDDEN');
      for (const later of answers.slice(1)) expect({ message: later.message, extensions: later.extensions }).toEqual({ message: answers[0].message, extensions: answers[0].extensions });
    }
    const logged: { n: string }[] = await api.dataSource.query('SELECT count(*) AS n FROM partner_checks WHERE partner_company_id = $1', [other.companyA.id]);
    expect(Number(logged[0].n)).toBe(0);
  });

  it('logs every check where the partner and its coordinator see it, and in the audit log', async () => {
    const c = await cluster(3);
    const [a, b, third] = c.members;
    const partner = c.companies[1];
    await trade(a, c.companies[2], null);
    await trade(third, c.companies[0], null);
    const before = Date.now();
    await a.client.ok(CHECK, { c: partner.creditCode });
    await a.client.ok(CHECK, { c: partner.creditCode });
    await third.client.ok(CHECK, { c: partner.creditCode });

    const seen = (await b.client.ok<{ partnerChecks: { id: string; checker: string; at: string }[] }>(CHECKS, { id: partner.id })).partnerChecks;
    expect(seen.map((s) => s.checker)).toEqual([c.companies[2].name, c.companies[0].name, c.companies[0].name]);
    for (const s of seen) expect(Date.parse(s.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(new Set(seen.map((s) => s.id)).size).toBe(3);
    expect((await c.coordinator.client.ok<{ partnerChecks: unknown[] }>(CHECKS, { id: partner.id })).partnerChecks).toHaveLength(3);
    // another member does not read the partner's checks; nor does another consortium's coordinator
    expect(onlyError(await a.client.request(CHECKS, { id: partner.id })).extensions?.code).toBe('FORBIDDEN');
    expect(onlyError(await world.home.coordinator.client.request(CHECKS, { id: partner.id })).extensions?.code).toBe('FORBIDDEN');
    expect((await b.client.ok<{ partnerChecks: unknown[] }>(`query($id: ID!) { partnerChecks(companyId: $id, first: 1) { id } }`, { id: partner.id })).partnerChecks).toHaveLength(1);

    const audited: { details: { checkId: string; checkerCompanyId: string } }[] = await api.dataSource.query(
      `SELECT (content::json)->'details' AS details FROM audit_log WHERE company_id = $1 AND action = 'partner.checked' ORDER BY seq`,
      [partner.id],
    );
    expect(audited.map((e) => e.details.checkId).sort()).toEqual(seen.map((s) => s.id).sort());
    expect(audited.map((e) => e.details.checkerCompanyId)).toEqual([c.companies[0].id, c.companies[0].id, c.companies[2].id]);
    expect((await world.admin.client.ok<{ verifyAuditLog: { ok: boolean } }>('{ verifyAuditLog { ok } }')).verifyAuditLog.ok).toBe(true);
  });

  it('holds the daily limit, under concurrent checks too, and says when it resets', async () => {
    const c = await cluster(3);
    const [a] = c.members;
    await trade(a, c.companies[1], null);
    const set = await c.coordinator.client.ok<{ setPartnerCheckRules: Record<string, unknown> }>(SET_RULES, {
      id: c.consortium.id,
      i: { contributionWindowMonths: 12, minTradeLines: 1, dailyCheckLimit: 3 },
    });
    expect(set.setPartnerCheckRules).toEqual({ contributionWindowMonths: 12, minTradeLines: 1, dailyCheckLimit: 3, custom: true });

    const answers = await Promise.all(
      [1, 2, 1, 2, 1, 2].map((i) => a.client.request(CHECK, { c: c.companies[i].creditCode })),
    );
    const refused = answers.filter((r) => r.errors);
    expect(answers.filter((r) => !r.errors)).toHaveLength(3);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(onlyError(r).extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'DAILY_LIMIT', limit: 3 });
      expect(onlyError(r).message).toMatch(/00:00 China Standard Time/);
    }
    const logged: { n: string }[] = await api.dataSource.query('SELECT count(*) AS n FROM partner_checks WHERE checker_company_id = $1', [c.companies[0].id]);
    expect(Number(logged[0].n)).toBe(3);

    const allowance = await a.client.ok<{ partnerCheckAllowance: Record<string, unknown> }>(ALLOWANCE, { id: c.companies[0].id });
    expect(allowance.partnerCheckAllowance).toMatchObject({ qualifies: true, tradeLinesReported: 1, checksToday: 3, checksLeftToday: 0, checksMade: 3 });
    const resets = Date.parse(allowance.partnerCheckAllowance.dailyLimitResetsAt as string);
    expect(resets).toBeGreaterThan(Date.now());
    expect(resets - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect(new Date(resets).getUTCHours()).toBe(16); // 00:00 in Beijing

    // the next China day, the count starts again
    const nextDay = movableClock(api, new Date(resets + 60_000));
    try {
      expect((await a.client.request(CHECK, { c: c.companies[1].creditCode })).errors).toBeUndefined();
    } finally {
      nextDay.restore();
    }
  });

  it("follows the consortium's own window and minimum, and shows the coordinator each member's part", async () => {
    const c = await cluster(3);
    const [a, b] = c.members;
    await trade(a, c.companies[1], null);
    await trade(a, c.companies[2], null);
    await a.client.ok(CHECK, { c: c.companies[1].creditCode });

    await c.coordinator.client.ok(SET_RULES, { id: c.consortium.id, i: { contributionWindowMonths: 6, minTradeLines: 3, dailyCheckLimit: 50 } });
    const short = onlyError(await a.client.request(CHECK, { c: c.companies[1].creditCode }));
    expect(short.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'GIVE_TO_GET', tradeLinesReported: 2, required: 3, windowMonths: 6 });
    expect(short.message).toMatch(/2 trade experiences in the last 6 months.*at least 3/);

    const { partnerCheckActivity } = await c.coordinator.client.ok<{
      partnerCheckActivity: {
        rules: Record<string, unknown>;
        windowStart: string;
        members: { company: { id: string }; tradeLinesReported: number; qualifies: boolean; checksMade: number; checksToday: number }[];
      };
    }>(ACTIVITY, { id: c.consortium.id });
    expect(partnerCheckActivity.rules).toEqual({ contributionWindowMonths: 6, minTradeLines: 3, dailyCheckLimit: 50, custom: true });
    const sixMonthsAgo = new Date();
    sixMonthsAgo.setUTCMonth(sixMonthsAgo.getUTCMonth() - 6);
    expect(Math.abs(Date.parse(partnerCheckActivity.windowStart) - sixMonthsAgo.getTime())).toBeLessThan(3 * 86_400_000);
    const byId = new Map(partnerCheckActivity.members.map((m) => [m.company.id, m]));
    expect(byId.get(c.companies[0].id)).toMatchObject({ tradeLinesReported: 2, qualifies: false, checksMade: 1, checksToday: 1 });
    expect(byId.get(c.companies[1].id)).toMatchObject({ tradeLinesReported: 0, qualifies: false, checksMade: 0, checksToday: 0 });
    expect(partnerCheckActivity.members).toHaveLength(3);

    // a member reads its own allowance, not another's; the activity is the coordinator's
    expect(onlyError(await b.client.request(ALLOWANCE, { id: c.companies[0].id })).extensions?.code).toBe('FORBIDDEN');
    expect(onlyError(await a.client.request(ACTIVITY, { id: c.consortium.id })).extensions?.code).toBe('FORBIDDEN');
    expect(onlyError(await a.client.request(SET_RULES, { id: c.consortium.id, i: { contributionWindowMonths: 1, minTradeLines: 1, dailyCheckLimit: 1 } })).extensions?.code).toBe(
      'FORBIDDEN',
    );
    for (const [field, value] of [
      ['contributionWindowMonths', 0],
      ['minTradeLines', 10_001],
      ['dailyCheckLimit', -1],
    ] as const) {
      const bad = await c.coordinator.client.request(SET_RULES, {
        id: c.consortium.id,
        i: { contributionWindowMonths: 12, minTradeLines: 1, dailyCheckLimit: 20, [field]: value },
      });
      expect(onlyError(bad).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `input.${field}` });
    }

    // a contribution older than the window does not count: a year on, the two lines are 12 months old
    await c.coordinator.client.ok(SET_RULES, { id: c.consortium.id, i: { contributionWindowMonths: 6, minTradeLines: 1, dailyCheckLimit: 50 } });
    expect((await a.client.request(CHECK, { c: c.companies[2].creditCode })).errors).toBeUndefined();
    const later = movableClock(api, new Date(Date.now() + 200 * 86_400_000));
    try {
      expect(onlyError(await a.client.request(CHECK, { c: c.companies[2].creditCode })).extensions).toMatchObject({ reason: 'GIVE_TO_GET', tradeLinesReported: 0 });
    } finally {
      later.restore();
    }
  });
});
