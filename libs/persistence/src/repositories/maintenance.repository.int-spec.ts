import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Company, TradeExperiencePayload } from '@app/domain';
import { Factories, openTestDataSource } from '@app/testing';
import type { DataSource } from 'typeorm';
import { CreditRecordRepository } from './credit-record.repository';
import { MaintenanceRepository } from './maintenance.repository';
import { StandingInputRepository } from './standing-input.repository';

/** the maintenance's window, (FROM, TO]: the days 2026-06-11 and 2026-06-12 */
const FROM = '2026-06-10';
const TO = '2026-06-12';
const DAY_MS = 86_400_000;
const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

describe('the daily maintenance: invoices between members that turn overdue unpaid (real PostgreSQL)', () => {
  let ds: DataSource;
  let f: Factories;
  const records = new CreditRecordRepository();
  const maintenance = new MaintenanceRepository();
  const inputs = new StandingInputRepository();

  /** One invoice of `buyer` to `seller`, filed by the seller. */
  async function invoice(buyer: Company, seller: Company, dueDate: string, paidDate: string | null, status: 'PENDING' | 'VERIFIED'): Promise<void> {
    const payload: TradeExperiencePayload = {
      side: 'SUPPLIER',
      creditorId: seller.id,
      invoiceNo: `I-${dueDate}-${paidDate ?? 'open'}`,
      amount: '1000.00',
      invoiceDate: '2026-05-01',
      dueDate,
      paidDate,
    };
    const recordId = await records.recordIdFor(ds.manager, 'TRADE_EXPERIENCE', {
      subject_id: buyer.id,
      side: 'SUPPLIER',
      counterparty_id: seller.id,
      invoice_no: payload.invoiceNo,
      reporter_role: 'MEMBER',
      reporter_company_id: seller.id,
    });
    await records.append(ds.manager, recordId, {
      kind: 'TRADE_EXPERIENCE',
      consortiumId: buyer.consortiumId,
      subjectId: buyer.id,
      reporterCompanyId: seller.id,
      reporterBankId: null,
      reporterRole: 'MEMBER',
      filedStatus: status,
      payload,
      evidence: null,
      negative: false,
      noticeId: null,
      countsFrom: new Date('2026-05-01T10:00:00Z'),
      endedOn: null,
      expiresOn: null,
      filedBy: null,
      createdAt: new Date('2026-05-01T10:00:00Z'),
    });
  }

  /** Whether the standing's edge query adds the payable on one of the window's days (absent the day before, present that day). */
  async function standingAddsPayable(consortiumId: string): Promise<boolean> {
    const payable = async (day: string) => (await inputs.load(ds.manager, consortiumId, day)).edges.some((e) => e.kind === 'OVERDUE_PAYABLE');
    for (let day = addDays(FROM, 1); day <= TO; day = addDays(day, 1)) if (!(await payable(addDays(day, -1))) && (await payable(day))) return true;
    return false;
  }

  beforeAll(async () => {
    ds = await openTestDataSource();
    f = new Factories(ds);
  });
  afterAll(async () => ds.destroy());

  it('queues exactly the consortia whose standing gains an overdue payable on one of the window\'s days: the same day comparison as the edge query', async () => {
    // due dates from well before the window to its last day and after; unpaid, paid the day
    // after the due date (never overdue) or two days after (overdue for one day); verified
    // between members, pending, or owed to a company of another consortium
    const cases: { consortiumId: string; label: string }[] = [];
    for (let dueDate = addDays(FROM, -3); dueDate <= addDays(TO, 1); dueDate = addDays(dueDate, 1)) {
      for (const paidDate of [null, addDays(dueDate, 1), addDays(dueDate, 2)]) {
        for (const variant of ['member', 'pending', 'outsider'] as const) {
          const consortium = await f.consortium();
          const buyer = await f.company(consortium.id);
          const seller = variant === 'outsider' ? await f.company((await f.consortium()).id) : await f.company(consortium.id);
          await invoice(buyer, seller, dueDate, paidDate, variant === 'pending' ? 'PENDING' : 'VERIFIED');
          cases.push({ consortiumId: consortium.id, label: `due ${dueDate}, paid ${paidDate ?? 'never'}, ${variant}` });
        }
      }
    }
    const queued = new Set(await maintenance.consortiaWithPayablesTurnedOverdue(ds.manager, FROM, TO));
    const got = cases.map((c) => `${c.label}: ${queued.has(c.consortiumId)}`);
    const expected = await Promise.all(cases.map(async (c) => `${c.label}: ${await standingAddsPayable(c.consortiumId)}`));
    expect(got).toEqual(expected);
    // and the cases are not all alike: unpaid and due the day before the window's first day, it
    // turns overdue in the window; due a day earlier, before it; paid the day after, never
    expect(got).toContain(`due ${FROM}, paid never, member: true`);
    expect(got).toContain(`due ${addDays(FROM, -1)}, paid never, member: false`);
    expect(got).toContain(`due ${addDays(TO, -1)}, paid ${TO}, member: false`);
    expect(got).toContain(`due ${addDays(TO, -1)}, paid ${addDays(TO, 1)}, member: true`);
  });
});
