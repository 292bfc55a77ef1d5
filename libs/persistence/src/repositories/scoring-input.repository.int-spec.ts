import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, daysBetween, type Company, type RecordKind, type RecordPayloads } from '@app/domain';
import { paydexKeyThirds, paymentWindows, summariseTrade } from '@app/scoring';
import { Factories, openTestDataSource, withOwnTransaction } from '@app/testing';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import type { Db } from '../database';
import { CreditRecordRepository, type NewVersion } from './credit-record.repository';
import { paydexKeyThirdsSql, ScoringInputRepository } from './scoring-input.repository';

const AS_OF = '2025-06-30';

describe('loading scoring inputs (set-based, real PostgreSQL)', () => {
  let ds: DataSource;
  let f: Factories;
  let a: Company;
  let b: Company;
  let c: Company;
  const records = new CreditRecordRepository();
  const loader = new ScoringInputRepository();

  async function file<K extends RecordKind>(
    kind: K,
    subject: Company,
    payload: RecordPayloads[K],
    o: Partial<Pick<NewVersion<K>, 'filedStatus' | 'negative' | 'countsFrom' | 'expiresOn' | 'reporterCompanyId' | 'reporterRole' | 'reporterBankId'>> = {},
    db: Db = ds.manager,
  ) {
    const keys = payload as unknown as Record<string, unknown>;
    const recordId = await records.recordIdFor(db, kind, {
      subject_id: subject.id,
      side: keys.side,
      counterparty_id: keys.creditorId,
      invoice_no: keys.invoiceNo,
      fiscal_year: keys.fiscalYear,
      reporter_role: o.reporterRole ?? 'MEMBER',
      reporter_company_id: o.reporterCompanyId ?? null,
      payment_kind: keys.paymentKind,
      reference: keys.reference,
      public_kind: keys.publicKind,
      case_no: keys.caseNo,
      contract_no: keys.contractNo,
      signal_kind: keys.signalKind,
    });
    return records.append(db, recordId, {
      kind,
      consortiumId: subject.consortiumId,
      subjectId: subject.id,
      reporterCompanyId: o.reporterCompanyId ?? null,
      reporterBankId: o.reporterBankId ?? null,
      reporterRole: o.reporterRole ?? 'MEMBER',
      filedStatus: o.filedStatus ?? 'VERIFIED',
      payload,
      evidence: null,
      negative: o.negative ?? false,
      noticeId: null,
      countsFrom: o.countsFrom ?? new Date('2025-03-01T10:00:00Z'),
      endedOn: null,
      expiresOn: o.expiresOn ?? null,
      filedBy: null,
      createdAt: new Date('2025-03-01T10:00:00Z'),
    });
  }

  const trade = (creditor: Company, invoiceNo: string, amount = '1000.00', extra: Partial<RecordPayloads['TRADE_EXPERIENCE']> = {}): RecordPayloads['TRADE_EXPERIENCE'] => ({
    side: 'SUPPLIER',
    creditorId: creditor.id,
    invoiceNo,
    amount,
    invoiceDate: '2025-01-10',
    dueDate: '2025-02-09',
    paidDate: '2025-02-09',
    ...extra,
  });

  beforeAll(async () => {
    ds = await openTestDataSource();
    f = new Factories(ds);
    const consortium = await f.consortium();
    [a, b, c] = [await f.company(consortium.id), await f.company(consortium.id), await f.company(consortium.id)];
  });
  afterAll(async () => ds.destroy());

  /**
   * Runs `body` in a transaction rolled back afterwards: the property tests file thousands
   * of records without audit entries, which would otherwise fill the shared test database's
   * ledger checks (verifyRecordLedger reports the first 100 problems).
   */
  async function rolledBack(body: (tx: Db) => Promise<void>): Promise<void> {
    const rollback = new Error('rolled back on purpose');
    try {
      await ds.transaction(async (tx) => {
        await body(tx);
        throw rollback;
      });
    } catch (error) {
      if (error !== rollback) throw error;
    }
  }

  it('counts only the current VERIFIED version, past its notice period and before its expiry; money in exact fen', async () => {
    await file('TRADE_EXPERIENCE', a, trade(b, 'T-verified', '125000.50'), { reporterCompanyId: b.id });
    await file('TRADE_EXPERIENCE', a, trade(b, 'T-pending'), { reporterCompanyId: b.id, filedStatus: 'PENDING' });
    await file('TRADE_EXPERIENCE', a, trade(b, 'T-waiting', '10.00', { paidDate: '2025-04-01' }), {
      reporterCompanyId: b.id,
      negative: true,
      countsFrom: new Date('2025-07-01T00:00:00Z'),
    });
    await file('TRADE_EXPERIENCE', a, trade(b, 'T-expired', '20.00', { invoiceDate: '2019-01-01', dueDate: '2019-01-31', paidDate: '2019-05-01' }), {
      reporterCompanyId: b.id,
      negative: true,
      expiresOn: '2024-05-01',
    });
    // corrected: a new PENDING version hides the VERIFIED one until it is verified
    await file('TRADE_EXPERIENCE', a, trade(b, 'T-corrected', '30.00'), { reporterCompanyId: b.id });
    await file('TRADE_EXPERIENCE', a, trade(b, 'T-corrected', '31.00'), { reporterCompanyId: b.id, filedStatus: 'PENDING' });

    const input = (await loader.loadScoringInputs(ds.manager, [a.id], AS_OF)).get(a.id);
    expect(input?.tradeExperiences.map((t) => t.amount)).toEqual([12500050]);

    // the waiting period is over on 2025-07-01
    const later = (await loader.loadScoringInputs(ds.manager, [a.id], '2025-07-01')).get(a.id);
    expect(later?.tradeExperiences.map((t) => t.amount).sort()).toEqual([1000, 12500050]);
  });

  it('a disputed version counts nowhere; a rejected one hands "current" back to the version before it', async () => {
    await file('TRADE_EXPERIENCE', c, trade(b, 'D-1', '100.00'), { reporterCompanyId: b.id });
    const v2 = await file('TRADE_EXPERIENCE', c, trade(b, 'D-1', '900.00'), { reporterCompanyId: b.id });
    const amounts = async () => (await loader.loadScoringInputs(ds.manager, [c.id], AS_OF)).get(c.id)?.tradeExperiences.map((t) => t.amount);
    expect(await amounts()).toEqual([90000]);
    await records.setStatus(ds.manager, v2, 'DISPUTED', { action: 'DISPUTE', actorId: null, at: new Date() });
    expect(await amounts()).toEqual([]);
    await records.setStatus(ds.manager, { ...v2, status: 'DISPUTED' }, 'REJECTED', { action: 'RESOLVE_REJECTED', actorId: null, at: new Date() });
    expect(await amounts()).toEqual([10000]);
  });

  it('counts an invoice filed by both sides once, and gives both companies their counterparty volume', async () => {
    const consortium = await f.consortium();
    const [buyer, seller] = [await f.company(consortium.id), await f.company(consortium.id)];
    await file('TRADE_EXPERIENCE', buyer, trade(seller, 'B-1', '500.00'), { reporterCompanyId: seller.id });
    await file('TRADE_EXPERIENCE', buyer, { ...trade(seller, 'B-1', '500.00'), side: 'BUYER' }, { reporterCompanyId: buyer.id });
    await file('TRADE_EXPERIENCE', buyer, trade(seller, 'B-old', '700.00', { invoiceDate: '2023-01-01', dueDate: '2023-01-31', paidDate: '2023-01-31' }), { reporterCompanyId: seller.id });
    const inputs = await loader.loadScoringInputs(ds.manager, [buyer.id, seller.id], AS_OF);
    expect(inputs.get(buyer.id)?.tradeExperiences.map((t) => t.amount).sort()).toEqual([50000, 70000]);
    // the last 12 months only
    expect(inputs.get(buyer.id)?.counterparties).toEqual([{ counterpartyId: seller.id, role: 'SUPPLIER', tradeVolume: 50000, pd: null }]);
    expect(inputs.get(seller.id)?.counterparties).toEqual([{ counterpartyId: buyer.id, role: 'BUYER', tradeVolume: 50000, pd: null }]);
    expect(inputs.get(seller.id)?.tradeExperiences).toEqual([]);
  });

  it('loads every other kind into its scoring shape, guarantees on the guarantor', async () => {
    const consortium = await f.consortium();
    const [x, y] = [await f.company(consortium.id), await f.company(consortium.id)];
    const bank = await f.bank();
    await file('FINANCIAL_STATEMENT', x, {
      fiscalYear: 2024,
      audited: false,
      revenue: '1000.00',
      netIncome: '-5.50',
      ebit: '10.00',
      totalAssets: '800.00',
      currentAssets: '300.00',
      totalLiabilities: '500.00',
      currentLiabilities: '200.00',
      retainedEarnings: '100.00',
      equity: '300.00',
      cash: '50.00',
      receivables: null,
      inventory: null,
      fixedAssets: null,
      shortTermLiabilities: null,
      longTermLiabilities: null,
      shareCapital: null,
      grossProfit: null,
      operatingProfit: null,
      depreciation: null,
      interestExpense: null,
      costOfSales: null,
      operatingExpenses: null,
      priorYearRevenue: null,
    }, { reporterCompanyId: x.id });
    await file('PAYMENT_RECORD', x, { paymentKind: 'TAX', reference: '2025-03 增值税', payee: null, amount: '12.34', dueDate: '2025-04-15', paidDate: '2025-04-14' }, { reporterRole: 'COORDINATOR' });
    await file('TAX_CREDIT_GRADE', x, { taxYear: 2024, grade: 'B', publishedOn: '2025-04-20' }, { reporterRole: 'COORDINATOR' });
    await file('PUBLIC_RECORD', x, { publicKind: 'JUDGMENT', caseNo: '(2024)浙0302民初1号', authority: '鹿城区人民法院', eventDate: '2024-05-01', endedOn: null, amount: '1.00' }, { reporterRole: 'COORDINATOR', negative: true });
    await file(
      'LOAN_RECORD',
      x,
      {
        contractNo: 'L-1',
        principal: '10000.00',
        outstanding: '5000.00',
        startDate: '2024-01-01',
        maturityDate: null,
        repayments: [{ dueDate: '2024-02-01', amount: '5000.00', paidDate: '2024-02-01' }],
        daysPastDue: 0,
        defaultedOn: null,
        curedOn: null,
      },
      { reporterRole: 'BANK', reporterBankId: bank.id },
    );
    await file('GUARANTEE', y, { contractNo: 'G-1', amount: '300.00', startDate: '2024-06-01', endDate: null }, { reporterCompanyId: x.id });
    await file('SOFT_SIGNAL', x, { signalKind: 'REPUTATION', reference: '客户评价', value: 4, recordedOn: '2025-01-01', validUntil: null, ownerConsentId: null }, { reporterCompanyId: x.id });

    const input = (await loader.loadScoringInputs(ds.manager, [x.id, y.id], AS_OF)).get(x.id);
    expect(input?.financialStatements).toEqual([
      expect.objectContaining({ fiscalYear: 2024, revenue: 100000, netIncome: -550, totalAssets: 80000, cash: 5000 }),
    ]);
    expect(input?.financialStatements[0]).not.toHaveProperty('inventory');
    expect(input?.obligationPayments).toEqual([expect.objectContaining({ kind: 'TAX', amount: 1234, dueDate: '2025-04-15', paidDate: '2025-04-14' })]);
    expect(input?.taxCreditGrades).toEqual([{ year: 2024, grade: 'B', publishedOn: '2025-04-20' }]);
    expect(input?.publicRecords).toEqual([expect.objectContaining({ kind: 'JUDGMENT', eventDate: '2024-05-01', endedOn: null, amount: 100 })]);
    expect(input?.loans).toEqual([expect.objectContaining({ principal: 1000000, outstanding: 500000, repayments: [{ dueDate: '2024-02-01', amount: 500000, paidDate: '2024-02-01' }] })]);
    expect(input?.guaranteesGiven).toEqual([expect.objectContaining({ borrowerId: y.id, amount: 30000 })]);
    expect(input?.softSignals).toEqual([expect.objectContaining({ kind: 'REPUTATION', value: 4 })]);
  });

  it('gives a data version that moves with every change and when a notice period passes', async () => {
    const consortium = await f.consortium();
    const [p, q] = [await f.company(consortium.id), await f.company(consortium.id)];
    const versions = (asOf = AS_OF) => loader.dataVersions(ds.manager, [p.id, q.id], asOf);
    const empty = await versions();
    expect(empty.get(p.id)).toBe('0.0.0');
    const v = await file('TRADE_EXPERIENCE', p, trade(q, 'V-1'), { reporterCompanyId: q.id, filedStatus: 'PENDING', negative: true, countsFrom: new Date('2025-07-05T00:00:00Z') });
    const filed = await versions();
    expect(filed.get(p.id)).not.toBe('0.0.0');
    // the creditor's network depends on it too
    expect(filed.get(q.id)).toBe(filed.get(p.id));
    await records.setStatus(ds.manager, v, 'VERIFIED', { action: 'CONFIRM', actorId: null, at: new Date() });
    const confirmed = await versions();
    expect(confirmed.get(p.id)).not.toBe(filed.get(p.id));
    expect((await versions('2025-07-04')).get(p.id)).toBe(confirmed.get(p.id));
    expect((await versions('2025-07-05')).get(p.id)).not.toBe(confirmed.get(p.id));
  });

  it('moves the data version with a change that commits after a later one (change numbers are taken in one order, committed in another)', async () => {
    const consortium = await f.consortium();
    const [p, q] = [await f.company(consortium.id), await f.company(consortium.id)];
    const version = async () => (await loader.dataVersions(ds.manager, [p.id], AS_OF)).get(p.id);
    await file('TRADE_EXPERIENCE', p, trade(q, 'O-1'), { reporterCompanyId: q.id });
    // a long transaction (an import, say) takes its change number first and commits last;
    // a short one files meanwhile and a recompute reads the version in between
    await withOwnTransaction(ds, async (early) => {
      await file('TRADE_EXPERIENCE', p, trade(q, 'O-2', '5000.00', { paidDate: null }), { reporterCompanyId: q.id }, early.manager);
      await file('TRADE_EXPERIENCE', p, trade(q, 'O-3'), { reporterCompanyId: q.id });
      const between = await version();
      await early.commitTransaction();
      expect(await version()).not.toBe(between);
    });
  });

  it("reads live a company whose trade changed under the pass by a transaction that commits after a later one", async () => {
    const consortium = await f.consortium();
    const [p, q] = [await f.company(consortium.id), await f.company(consortium.id)];
    const windowsAt = paymentWindows(AS_OF);
    await file('TRADE_EXPERIENCE', p, trade(q, 'P-1'), { reporterCompanyId: q.id });
    await withOwnTransaction(ds, async (early) => {
      // the early transaction takes its change number first; the pass sees only the later one
      await file('TRADE_EXPERIENCE', p, trade(q, 'P-2', '7000.00', { paidDate: null }), { reporterCompanyId: q.id }, early.manager);
      await file('TRADE_EXPERIENCE', p, trade(q, 'P-3'), { reporterCompanyId: q.id });
      await rolledBack(async (tx) => {
        const runId = await new Factories(tx).tradePassRun(AS_OF);
        await loader.prepareTradePass([tx], runId, AS_OF, windowsAt);
        await early.commitTransaction();
        const live = await loader.fingerprints(tx, [p.id, q.id], AS_OF, windowsAt);
        expect(live.trade.get(p.id)?.counted).toBe(3);
        expect(await loader.fingerprintsFromTradePass(tx, runId, [p.id, q.id], AS_OF, windowsAt)).toEqual(live);
      });
    });
  });

  it('has the PAYDEX key in thirds in SQL exactly as the engine has it', async () => {
    const rows: { d: number; k: number }[] = await ds.query(`SELECT d, ${paydexKeyThirdsSql('d')} AS k FROM generate_series(-400, 400) d`);
    expect(rows).toHaveLength(801);
    for (const r of rows) expect([r.d, r.k]).toEqual([r.d, paydexKeyThirds(r.d)]);
  });

  it('sums a company\'s trade in SQL exactly as the engine sums its lines (property)', async () => {
    const windowsAt = paymentWindows(AS_OF);
    // due dates anywhere in 27 months, and often on a window's edge or a day off it
    const edges = [AS_OF, windowsAt.recentFrom, windowsAt.earlierFrom, windowsAt.from].map((d) => daysBetween(AS_OF, d));
    const due = fc.oneof(
      fc.integer({ min: -800, max: 40 }),
      fc.tuple(fc.constantFrom(...edges), fc.integer({ min: -1, max: 1 })).map(([edge, off]) => edge + off),
    );
    const line = fc.record({
      subject: fc.integer({ min: 0, max: 2 }),
      creditorStep: fc.integer({ min: 1, max: 2 }),
      buyerSide: fc.boolean(),
      invoiceNo: fc.integer({ min: 1, max: 6 }),
      fen: fc.oneof(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 9_000_000_000_000_000 })),
      due,
      // terms of a few months, or of decades (an invoice dated long before its due date, paid
      // on its date: days beyond terms in the tens of thousands below zero)
      terms: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 5_000, max: 40_000 })),
      paidAfterDue: fc.option(fc.oneof(fc.integer({ min: -60, max: 400 }), fc.constant(-40_000)), { nil: null }),
      pending: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 25 }), (lines) => rolledBack(async (tx) => {
        const f = new Factories(tx);
        const consortium = await f.consortium();
        const members = [await f.company(consortium.id), await f.company(consortium.id), await f.company(consortium.id)];
        for (const l of lines) {
          const subject = members[l.subject];
          const creditor = members[(l.subject + l.creditorStep) % 3];
          const dueDate = addDays(AS_OF, l.due);
          const invoiceDate = addDays(dueDate, -l.terms);
          const paid = l.paidAfterDue === null ? null : addDays(dueDate, l.paidAfterDue);
          const payload = trade(creditor, `P-${l.invoiceNo}`, `${Math.floor(l.fen / 100)}.${String(l.fen % 100).padStart(2, '0')}`, {
            invoiceDate,
            dueDate,
            paidDate: paid !== null && paid < invoiceDate ? invoiceDate : paid,
          });
          const reporter = l.buyerSide ? subject : creditor;
          await file('TRADE_EXPERIENCE', subject, { ...payload, side: l.buyerSide ? 'BUYER' : 'SUPPLIER' }, { reporterCompanyId: reporter.id, filedStatus: l.pending ? 'PENDING' : 'VERIFIED' }, tx);
        }
        const ids = members.map((m) => m.id);
        const { trade: summed } = await loader.fingerprints(tx, ids, AS_OF, windowsAt);
        const inputs = await loader.loadScoringInputs(tx, ids, AS_OF);
        for (const id of ids) expect(summed.get(id)).toEqual(summariseTrade(inputs.get(id)?.tradeExperiences ?? [], AS_OF));
      })),
      { numRuns: 40 },
    );
  });

  it('reads from a full run\'s trade pass what it reads live, and reads live what changed after the pass (property)', async () => {
    const line = fc.record({
      subject: fc.integer({ min: 0, max: 3 }),
      creditorStep: fc.integer({ min: 1, max: 3 }),
      buyerSide: fc.boolean(),
      invoiceNo: fc.integer({ min: 1, max: 4 }),
      fen: fc.integer({ min: 1, max: 100_000_000 }),
      due: fc.integer({ min: -800, max: 40 }),
      paidAfterDue: fc.option(fc.integer({ min: -20, max: 200 }), { nil: null }),
      pending: fc.boolean(),
      noticeUntil: fc.option(fc.integer({ min: -30, max: 30 }), { nil: null }),
    });
    const windowsAt = paymentWindows(AS_OF);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 20 }), fc.array(line, { maxLength: 3 }), fc.boolean(), (before, after, otherKind) => rolledBack(async (tx) => {
        const f = new Factories(tx);
        const consortium = await f.consortium();
        const members = [await f.company(consortium.id), await f.company(consortium.id), await f.company(consortium.id), await f.company(consortium.id)];
        const fileLine = async (l: typeof before[number]) => {
          const subject = members[l.subject];
          const creditor = members[(l.subject + l.creditorStep) % 4];
          const dueDate = addDays(AS_OF, l.due);
          const invoiceDate = addDays(dueDate, -30);
          const paid = l.paidAfterDue === null ? null : addDays(dueDate, l.paidAfterDue);
          const payload = trade(creditor, `R-${l.invoiceNo}`, `${Math.floor(l.fen / 100)}.${String(l.fen % 100).padStart(2, '0')}`, {
            invoiceDate,
            dueDate,
            paidDate: paid !== null && paid < invoiceDate ? invoiceDate : paid,
          });
          await file('TRADE_EXPERIENCE', subject, { ...payload, side: l.buyerSide ? 'BUYER' : 'SUPPLIER' }, {
            reporterCompanyId: (l.buyerSide ? subject : creditor).id,
            filedStatus: l.pending ? 'PENDING' : 'VERIFIED',
            countsFrom: l.noticeUntil === null ? undefined : new Date(`${addDays(AS_OF, l.noticeUntil)}T12:00:00Z`),
          }, tx);
        };
        for (const l of before) await fileLine(l);
        // another kind moves the fingerprint too
        if (otherKind)
          await file('PAYMENT_RECORD', members[0], { paymentKind: 'TAX', reference: '2025-05 增值税', payee: null, amount: '8.00', dueDate: '2025-05-15', paidDate: '2025-05-15' }, { reporterCompanyId: members[0].id }, tx);
        const runId = await f.tradePassRun(AS_OF);
        run++;
        await loader.prepareTradePass([tx], runId, AS_OF, windowsAt);
        const ids = members.map((m) => m.id);
        expect(await loader.fingerprintsFromTradePass(tx, runId, ids, AS_OF, windowsAt)).toEqual(await loader.fingerprints(tx, ids, AS_OF, windowsAt));
        for (const l of after) await fileLine(l);
        expect(await loader.fingerprintsFromTradePass(tx, runId, ids, AS_OF, windowsAt)).toEqual(await loader.fingerprints(tx, ids, AS_OF, windowsAt));
      })),
      {
        numRuns: 25,
        // an invoice filed by both sides, both counting: counted once, the supplier's filing
        examples: [
          [
            [
              { subject: 0, creditorStep: 1, buyerSide: false, invoiceNo: 1, fen: 100_00, due: -10, paidAfterDue: 5, pending: false, noticeUntil: null },
              { subject: 0, creditorStep: 1, buyerSide: true, invoiceNo: 1, fen: 100_00, due: -10, paidAfterDue: 40, pending: false, noticeUntil: null },
            ],
            [],
            false,
          ],
        ],
      },
    );
    expect(run).toBe(25);
  });
});
