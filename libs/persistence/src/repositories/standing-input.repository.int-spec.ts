import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Company, type RecordKind, type RecordPayloads, STATEMENT_OPTIONAL_ITEMS, STATEMENT_REQUIRED_ITEMS } from '@app/domain';
import { Factories, openTestDataSource } from '@app/testing';
import { ratingFixture } from '@app/testing/rating-fixtures';
import type { DataSource } from 'typeorm';
import { CreditRecordRepository } from './credit-record.repository';
import { RatingRepository } from './rating.repository';
import { StandingInputRepository } from './standing-input.repository';

const AS_OF = '2026-06-30';

describe('the standing input: overdue payables between members (real PostgreSQL)', () => {
  let ds: DataSource;
  let f: Factories;
  const records = new CreditRecordRepository();
  const inputs = new StandingInputRepository();

  async function file<K extends RecordKind>(kind: K, subject: Company, payload: RecordPayloads[K], reporter: Company) {
    const keys = payload as unknown as Record<string, unknown>;
    const recordId = await records.recordIdFor(ds.manager, kind, {
      subject_id: subject.id,
      side: keys.side,
      counterparty_id: keys.creditorId,
      invoice_no: keys.invoiceNo,
      fiscal_year: keys.fiscalYear,
      reporter_role: 'MEMBER',
      reporter_company_id: reporter.id,
    });
    return records.append(ds.manager, recordId, {
      kind,
      consortiumId: subject.consortiumId,
      subjectId: subject.id,
      reporterCompanyId: reporter.id,
      reporterBankId: null,
      reporterRole: 'MEMBER',
      filedStatus: 'VERIFIED',
      payload,
      evidence: null,
      negative: false,
      noticeId: null,
      countsFrom: new Date('2026-03-01T10:00:00Z'),
      endedOn: null,
      expiresOn: null,
      filedBy: null,
      createdAt: new Date('2026-03-01T10:00:00Z'),
    });
  }

  /** One invoice of `buyer` to `seller`, due 2026-04-01, filed by the seller (SUPPLIER) and/or the buyer (BUYER). */
  async function invoice(
    buyer: Company,
    seller: Company,
    invoiceNo: string,
    filings: { supplier?: { amount: string; paidDate: string | null }; buyer?: { amount: string; paidDate: string | null } },
  ) {
    const base = { creditorId: seller.id, invoiceNo, invoiceDate: '2026-03-01', dueDate: '2026-04-01' };
    if (filings.supplier) await file('TRADE_EXPERIENCE', buyer, { ...base, side: 'SUPPLIER', ...filings.supplier }, seller);
    if (filings.buyer) await file('TRADE_EXPERIENCE', buyer, { ...base, side: 'BUYER', ...filings.buyer }, buyer);
  }

  async function payables(consortiumId: string) {
    return (await inputs.load(ds.manager, consortiumId, AS_OF)).edges.filter((e) => e.kind === 'OVERDUE_PAYABLE');
  }

  async function pair(): Promise<[string, Company, Company]> {
    const consortium = await f.consortium();
    return [consortium.id, await f.company(consortium.id), await f.company(consortium.id)];
  }

  beforeAll(async () => {
    ds = await openTestDataSource();
    f = new Factories(ds);
  });
  afterAll(async () => ds.destroy());

  it('takes the supplier\'s "paid" over the buyer\'s "unpaid", as the rating does: no payable', async () => {
    const [consortiumId, buyer, seller] = await pair();
    await invoice(buyer, seller, 'I-1', { supplier: { amount: '1000.00', paidDate: '2026-05-01' }, buyer: { amount: '1000.00', paidDate: null } });
    expect(await payables(consortiumId)).toEqual([]);
  });

  it('takes the supplier\'s "unpaid" over the buyer\'s "paid": a payable of the supplier\'s amount', async () => {
    const [consortiumId, buyer, seller] = await pair();
    await invoice(buyer, seller, 'I-2', { supplier: { amount: '800.00', paidDate: null }, buyer: { amount: '750.00', paidDate: '2026-04-15' } });
    expect(await payables(consortiumId)).toEqual([{ from: buyer.id, to: seller.id, amount: 80000, kind: 'OVERDUE_PAYABLE' }]);
  });

  it('counts an invoice both sides call unpaid once, and the buyer\'s filing alone when it is the only one', async () => {
    const [consortiumId, buyer, seller] = await pair();
    await invoice(buyer, seller, 'I-3', { supplier: { amount: '300.00', paidDate: null }, buyer: { amount: '300.00', paidDate: null } });
    await invoice(buyer, seller, 'I-4', { buyer: { amount: '20.00', paidDate: null } });
    expect(await payables(consortiumId)).toEqual([{ from: buyer.id, to: seller.id, amount: 32000, kind: 'OVERDUE_PAYABLE' }]);
  });

  it('reads a payment made after the evaluation date as not yet made, as the rating does', async () => {
    const [consortiumId, buyer, seller] = await pair();
    await invoice(buyer, seller, 'I-5', { supplier: { amount: '100.00', paidDate: '2026-07-15' } });
    expect(await payables(consortiumId)).toEqual([{ from: buyer.id, to: seller.id, amount: 10000, kind: 'OVERDUE_PAYABLE' }]);
  });

  it("reads a member's equity from the statement the rating reads: a fiscal year ended, and not stale", async () => {
    const [consortiumId, member] = await pair();
    await new RatingRepository().insertMany(ds.manager, [{ consortiumId, rating: ratingFixture(member.id), backed: null, dataVersion: 'test' }]);
    const statement = async (fiscalYear: number, equity: string) => {
      const items = Object.fromEntries([...STATEMENT_REQUIRED_ITEMS, ...STATEMENT_OPTIONAL_ITEMS].map((k) => [k, null])) as Record<string, string | null>;
      const payload = { ...items, revenue: '1000.00', netIncome: '10.00', ebit: '20.00', totalAssets: '5000.00', currentAssets: '2000.00', totalLiabilities: '3000.00', currentLiabilities: '1000.00', retainedEarnings: '100.00', equity, fiscalYear, audited: false };
      await file('FINANCIAL_STATEMENT', member, payload as unknown as RecordPayloads['FINANCIAL_STATEMENT'], member);
    };
    const equity = async () => (await inputs.load(ds.manager, consortiumId, AS_OF)).members.find((m) => m.companyId === member.id)?.equity;
    // at 2026-06-30 the fiscal years 2024 and 2025 count: 2023 is stale, 2026 has not ended
    await statement(2023, '700.00');
    await statement(2026, '900.00');
    expect(await equity()).toBe(0);
    await statement(2024, '800.00');
    expect(await equity()).toBe(80_000);
  });
});

