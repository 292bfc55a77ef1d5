import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays } from '../calendar';
import { BadInputError } from '../errors';
import { decimalToFen } from '../money';
import {
  apiInput,
  parseFinancialStatementInput,
  parseLoanRecordInput,
  parseSoftSignalInput,
  parseTradeExperienceInput,
} from './record-input';

const TODAY = '2025-06-15';
const ctx = apiInput(TODAY);

function fieldOf(work: () => unknown): string | null {
  try {
    work();
    return null;
  } catch (error) {
    if (error instanceof BadInputError) return error.field;
    throw error;
  }
}

const TRADE_FIELDS = ['input.invoiceNo', 'input.amount', 'input.currency', 'input.invoiceDate', 'input.dueDate', 'input.paidDate', 'input.evidence.sha256', 'input.evidence.name'];

const day = fc.integer({ min: -3000, max: 400 }).map((d) => addDays(TODAY, d));
const maybeBadDate = fc.oneof(day, fc.constantFrom('2024-02-30', '2024-13-01', '15/06/2025', '', 'yesterday'));
const amount = fc.oneof(
  fc.bigInt({ min: -(10n ** 6n), max: 10n ** 12n }).map((fen) => `${fen < 0n ? '-' : ''}${(fen < 0n ? -fen : fen) / 100n}.${String((fen < 0n ? -fen : fen) % 100n).padStart(2, '0')}`),
  fc.constantFrom('0', '0.00', '1e5', '12.345', 'abc', ' 15.5 ', '0012'),
);

describe('reportTradeExperience input validation', () => {
  it('property: a trade experience is either refused naming one of its fields, or accepted with every rule holding', () => {
    fc.assert(
      fc.property(
        fc.record({
          invoiceNo: fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('FP-2025-0001', '发票 3302')),
          amount,
          invoiceDate: maybeBadDate,
          dueDate: maybeBadDate,
          paidDate: fc.option(maybeBadDate, { nil: null }),
          currency: fc.option(fc.constantFrom('CNY', 'cny', 'USD', 'XYZ', ''), { nil: undefined }),
        }),
        (raw) => {
          let values;
          try {
            values = parseTradeExperienceInput(ctx, raw);
          } catch (error) {
            expect(error).toBeInstanceOf(BadInputError);
            expect(TRADE_FIELDS).toContain((error as BadInputError).field);
            return;
          }
          expect(decimalToFen(values.amount)).toBeGreaterThan(0n);
          expect(values.amount).toMatch(/^\d+\.\d{2}$/);
          expect(values.invoiceDate <= TODAY).toBe(true);
          expect(values.dueDate >= values.invoiceDate).toBe(true);
          if (values.paidDate !== null) {
            expect(values.paidDate >= values.invoiceDate).toBe(true);
            expect(values.paidDate <= TODAY).toBe(true);
          }
          expect(values.invoiceNo.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: every well-formed invoice of the past is accepted unchanged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 120 }), fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }), fc.bigInt({ min: 1n, max: 10n ** 15n - 1n }), (ago, terms, paidAfter, fen) => {
        const invoiceDate = addDays(TODAY, -ago);
        const paidDate = paidAfter === null || paidAfter > ago ? null : addDays(invoiceDate, paidAfter);
        const decimal = `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;
        const values = parseTradeExperienceInput(ctx, { invoiceNo: 'FP-1', amount: decimal, invoiceDate, dueDate: addDays(invoiceDate, terms), paidDate });
        expect(values).toMatchObject({ amount: decimal, invoiceDate, paidDate });
      }),
      { numRuns: 500 },
    );
  });

  it('names the field of each rule of the issue', () => {
    const good = { invoiceNo: 'FP-1', amount: '100.00', invoiceDate: '2025-01-01', dueDate: '2025-02-01', paidDate: '2025-02-10' };
    expect(fieldOf(() => parseTradeExperienceInput(ctx, good))).toBeNull();
    expect(fieldOf(() => parseTradeExperienceInput(ctx, { ...good, amount: '0' }))).toBe('input.amount');
    expect(fieldOf(() => parseTradeExperienceInput(ctx, { ...good, amount: '-5.00' }))).toBe('input.amount');
    expect(fieldOf(() => parseTradeExperienceInput(ctx, { ...good, dueDate: '2024-12-31' }))).toBe('input.dueDate');
    expect(fieldOf(() => parseTradeExperienceInput(ctx, { ...good, paidDate: '2025-06-16' }))).toBe('input.paidDate');
    expect(fieldOf(() => parseTradeExperienceInput(ctx, { ...good, currency: 'XYZ' }))).toBe('input.currency');
  });
});

describe('the other record inputs', () => {
  const statement = {
    fiscalYear: 2024,
    revenue: '1000000.00',
    netIncome: '50000.00',
    ebit: '80000.00',
    totalAssets: '900000.00',
    currentAssets: '400000.00',
    totalLiabilities: '500000.00',
    currentLiabilities: '300000.00',
    retainedEarnings: '200000.00',
    equity: '400000.00',
  };

  it('a financial statement: future fiscal year and zero total assets are refused', () => {
    expect(parseFinancialStatementInput(ctx, { ...statement, cash: '1000.5' }).payload).toMatchObject({ fiscalYear: 2024, cash: '1000.50', inventory: null, audited: false });
    expect(fieldOf(() => parseFinancialStatementInput(ctx, { ...statement, fiscalYear: 2026 }))).toBe('input.fiscalYear');
    expect(fieldOf(() => parseFinancialStatementInput(ctx, { ...statement, totalAssets: '0.00' }))).toBe('input.totalAssets');
    expect(fieldOf(() => parseFinancialStatementInput(ctx, { ...statement, currentAssets: '900000.01' }))).toBe('input.currentAssets');
    expect(fieldOf(() => parseFinancialStatementInput(ctx, { ...statement, inventory: '-1.00' }))).toBe('input.inventory');
  });

  it('a financial statement: no optional part above its whole', () => {
    const full = { ...statement, cash: '100000.00', receivables: '150000.00', inventory: '150000.00', fixedAssets: '500000.00', shortTermLiabilities: '300000.00', longTermLiabilities: '200000.00', grossProfit: '300000.00' };
    expect(fieldOf(() => parseFinancialStatementInput(ctx, full))).toBeNull();
    expect(fieldOf(() => parseFinancialStatementInput(ctx, { ...full, inventory: '150000.01' }))).toBe('input.inventory');
    expect(fieldOf(() => parseFinancialStatementInput(ctx, { ...statement, cash: '5000000.00' }))).toBe('input.cash');
    expect(fieldOf(() => parseFinancialStatementInput(ctx, { ...full, fixedAssets: '900000.01' }))).toBe('input.fixedAssets');
    expect(fieldOf(() => parseFinancialStatementInput(ctx, { ...full, shortTermLiabilities: '300000.01' }))).toBe('input.shortTermLiabilities');
    expect(fieldOf(() => parseFinancialStatementInput(ctx, { ...full, longTermLiabilities: '500000.01' }))).toBe('input.longTermLiabilities');
    expect(fieldOf(() => parseFinancialStatementInput(ctx, { ...full, grossProfit: '1000000.01' }))).toBe('input.grossProfit');
  });

  it('a loan: repayments are checked one by one, and a cure needs a default', () => {
    const loan = { contractNo: 'L-1', principal: '100000.00', outstanding: '50000.00', startDate: '2024-01-01', repayments: [{ dueDate: '2024-02-01', amount: '5000.00', paidDate: '2024-02-01' }] };
    expect(parseLoanRecordInput(ctx, loan).payload.repayments).toHaveLength(1);
    expect(fieldOf(() => parseLoanRecordInput(ctx, { ...loan, repayments: [{ dueDate: '2023-12-01', amount: '1.00' }] }))).toBe('input.repayments[0].dueDate');
    expect(fieldOf(() => parseLoanRecordInput(ctx, { ...loan, curedOn: '2024-05-01' }))).toBe('input.curedOn');
    expect(fieldOf(() => parseLoanRecordInput(ctx, { ...loan, outstanding: '100000.01' }))).toBe('input.outstanding');
  });

  it('a loan: its schedule in order within its term, and days past due no more than the schedule and its age show', () => {
    const loan = { contractNo: 'L-2', principal: '100000.00', outstanding: '50000.00', startDate: '2024-01-01', maturityDate: '2024-12-31' };
    const instalment = (dueDate: string, paidDate: string | null = dueDate) => ({ dueDate, amount: '5000.00', paidDate });
    expect(fieldOf(() => parseLoanRecordInput(ctx, { ...loan, repayments: [instalment('2024-02-01'), instalment('2024-03-01')] }))).toBeNull();
    expect(fieldOf(() => parseLoanRecordInput(ctx, { ...loan, repayments: [instalment('2024-03-01'), instalment('2024-02-01')] }))).toBe('input.repayments[1].dueDate');
    expect(fieldOf(() => parseLoanRecordInput(ctx, { ...loan, repayments: [instalment('2024-02-01'), instalment('2024-02-01')] }))).toBe('input.repayments[1].dueDate');
    expect(fieldOf(() => parseLoanRecordInput(ctx, { ...loan, repayments: [instalment('2025-01-31')] }))).toBe('input.repayments[0].dueDate');
    // every instalment paid on time: no days past due
    expect(fieldOf(() => parseLoanRecordInput(ctx, { ...loan, repayments: [instalment('2024-02-01')], daysPastDue: 120 }))).toBe('input.daysPastDue');
    // one unpaid since 2024-11-01: at most as many days as that
    const unpaid = { ...loan, repayments: [instalment('2024-11-01', null)] };
    const overdue = (Date.parse(`${TODAY}T00:00:00Z`) - Date.parse('2024-11-01T00:00:00Z')) / 86_400_000;
    expect(fieldOf(() => parseLoanRecordInput(ctx, { ...unpaid, daysPastDue: overdue }))).toBeNull();
    expect(fieldOf(() => parseLoanRecordInput(ctx, { ...unpaid, daysPastDue: overdue + 1 }))).toBe('input.daysPastDue');
    // no schedule: no more than the loan's age
    expect(fieldOf(() => parseLoanRecordInput(ctx, { ...loan, startDate: '2025-05-01', maturityDate: null, daysPastDue: 36_500 }))).toBe('input.daysPastDue');
  });

  it("a soft signal needs its evidence, and the owner's band the owner's consent", () => {
    const evidence = { sha256: 'a'.repeat(64), name: 'ISO9001证书.pdf' };
    const signal = { signalKind: 'CERTIFICATION', reference: 'ISO 9001:2015', recordedOn: '2025-01-01', evidence };
    expect(parseSoftSignalInput(ctx, signal)).toMatchObject({ value: 1, ownerConsent: null });
    expect(fieldOf(() => parseSoftSignalInput(ctx, { ...signal, evidence: null }))).toBe('input.evidence');
    expect(fieldOf(() => parseSoftSignalInput(ctx, { ...signal, signalKind: 'OWNER_CREDIT_BAND', value: 2 }))).toBe('input.ownerConsent');
    expect(fieldOf(() => parseSoftSignalInput(ctx, { ...signal, signalKind: 'REPUTATION', value: 6 }))).toBe('input.value');
  });
});
