import { describe, expect, it } from '@jest/globals';
import { assessNegative, daysBeyondTerms, refuseExpiredNegative } from './negative-information';
import { apiInput } from './record-input';
import { BadInputError } from '../errors';
import type { LoanRecordPayload, TradeExperiencePayload } from './record.types';

const trade = (paidDate: string | null): TradeExperiencePayload => ({
  side: 'SUPPLIER',
  creditorId: 'c',
  invoiceNo: 'INV-1',
  amount: '100.00',
  invoiceDate: '2024-01-01',
  dueDate: '2024-01-31',
  paidDate,
});

describe('negative information', () => {
  it('measures days beyond terms as the contract says', () => {
    expect(daysBeyondTerms('2024-01-31', '2024-03-01', '2024-06-01')).toBe(30);
    expect(daysBeyondTerms('2024-01-31', '2024-01-21', '2024-06-01')).toBe(-10);
    expect(daysBeyondTerms('2024-01-31', null, '2024-02-10')).toBe(10);
    expect(daysBeyondTerms('2024-01-31', null, '2024-01-31')).toBeNull();
  });

  it('a trade paid 30 days beyond terms is negative and expires 5 years after payment; 29 days is not', () => {
    // 2024-01-31 + 30 days = 2024-03-01; + 5 years = 2029-03-01
    expect(assessNegative('TRADE_EXPERIENCE', trade('2024-03-01'), '2024-06-01')).toMatchObject({ negative: true, endedOn: '2024-03-01', expiresOn: '2029-03-01' });
    expect(assessNegative('TRADE_EXPERIENCE', trade('2024-02-29'), '2024-06-01').negative).toBe(false);
  });

  it('an unpaid invoice 30+ days overdue at filing is negative and lasts until paid', () => {
    expect(assessNegative('TRADE_EXPERIENCE', trade(null), '2024-03-15')).toMatchObject({ negative: true, endedOn: null, expiresOn: null });
    expect(assessNegative('TRADE_EXPERIENCE', trade(null), '2024-02-15').negative).toBe(false);
  });

  it('a loan default is negative until cured; every public record is negative', () => {
    const loan: LoanRecordPayload = {
      contractNo: 'L1',
      principal: '1000.00',
      outstanding: '500.00',
      startDate: '2022-01-01',
      maturityDate: null,
      repayments: [],
      daysPastDue: 0,
      defaultedOn: '2023-01-01',
      curedOn: '2023-06-30',
    };
    expect(assessNegative('LOAN_RECORD', loan, '2024-01-01')).toMatchObject({ negative: true, endedOn: '2023-06-30', expiresOn: '2028-06-30' });
    expect(assessNegative('LOAN_RECORD', { ...loan, defaultedOn: null, curedOn: null }, '2024-01-01').negative).toBe(false);
    expect(
      assessNegative('PUBLIC_RECORD', { publicKind: 'JUDGMENT', caseNo: '(2023)浙0302民初1号', authority: '鹿城区人民法院', eventDate: '2023-01-01', endedOn: null, amount: null }, '2024-01-01'),
    ).toMatchObject({ negative: true, endedOn: null });
  });

  it('29 February plus five years lands on 28 February', () => {
    const t = { ...trade('2024-02-29'), dueDate: '2024-01-01', invoiceDate: '2023-12-01' };
    expect(assessNegative('TRADE_EXPERIENCE', t, '2024-06-01').expiresOn).toBe('2029-02-28');
  });

  it('refuses negative information already past its 5 years, naming the date that ended it; on the last day before, it is filed', () => {
    const refusal = (kind: Parameters<typeof assessNegative>[0], payload: Parameters<typeof assessNegative>[1], today: string): string | null => {
      try {
        refuseExpiredNegative(apiInput(today), kind, payload, assessNegative(kind, payload, today));
        return null;
      } catch (e) {
        if (!(e instanceof BadInputError)) throw e;
        return e.field;
      }
    };
    // paid 2024-03-01, expires 2029-03-01
    expect(refusal('TRADE_EXPERIENCE', trade('2024-03-01'), '2029-02-28')).toBeNull();
    expect(refusal('TRADE_EXPERIENCE', trade('2024-03-01'), '2029-03-01')).toBe('input.paidDate');
    // on time, or unpaid (it lasts): never refused as expired
    expect(refusal('TRADE_EXPERIENCE', trade('2024-02-01'), '2035-01-01')).toBeNull();
    expect(refusal('TRADE_EXPERIENCE', trade(null), '2035-01-01')).toBeNull();
    const payment = { paymentKind: 'TAX' as const, reference: 'T1', payee: null, amount: '10.00', dueDate: '2018-01-31', paidDate: '2018-04-01' };
    expect(refusal('PAYMENT_RECORD', payment, '2025-01-01')).toBe('input.paidDate');
    const judgment = { publicKind: 'JUDGMENT' as const, caseNo: 'C1', authority: 'court', eventDate: '2018-01-01', endedOn: '2019-03-01', amount: null };
    expect(refusal('PUBLIC_RECORD', judgment, '2024-03-01')).toBe('input.endedOn');
    expect(refusal('PUBLIC_RECORD', { ...judgment, endedOn: null }, '2035-01-01')).toBeNull();
    const loan: LoanRecordPayload = {
      contractNo: 'L1',
      principal: '1000.00',
      outstanding: '0.00',
      startDate: '2017-01-01',
      maturityDate: null,
      repayments: [],
      daysPastDue: 0,
      defaultedOn: '2018-01-01',
      curedOn: '2019-06-30',
    };
    expect(refusal('LOAN_RECORD', loan, '2025-01-01')).toBe('input.curedOn');
    const late = {
      ...loan,
      defaultedOn: null,
      curedOn: null,
      repayments: [
        { dueDate: '2018-01-31', amount: '100.00', paidDate: '2018-04-15' },
        { dueDate: '2018-02-28', amount: '100.00', paidDate: '2018-02-28' },
        { dueDate: '2018-03-31', amount: '100.00', paidDate: '2018-06-01' },
      ],
    };
    expect(refusal('LOAN_RECORD', late, '2025-01-01')).toBe('input.repayments[2].paidDate');
    // a default cured and late instalments paid long ago, the latest ending in 2019: the cure names it
    expect(refusal('LOAN_RECORD', { ...late, defaultedOn: '2018-01-01', curedOn: '2019-06-30' }, '2025-01-01')).toBe('input.curedOn');
  });

  it("a loan's negative information lasts while any of its spells does: today's arrears after an old cure, or an old late instalment", () => {
    const old: LoanRecordPayload = {
      contractNo: 'L2',
      principal: '100000.00',
      outstanding: '90000.00',
      startDate: '2018-01-01',
      maturityDate: null,
      repayments: [{ dueDate: '2018-02-01', amount: '10000.00', paidDate: '2018-04-01' }],
      daysPastDue: 90,
      defaultedOn: null,
      curedOn: null,
    };
    // 90 days past due now, though its late instalment of 2018 was paid
    expect(assessNegative('LOAN_RECORD', old, '2025-06-01')).toMatchObject({ negative: true, endedOn: null, expiresOn: null });
    // a default cured in 2019, and an instalment unpaid since April
    const cured = { ...old, repayments: [{ dueDate: '2025-04-01', amount: '10000.00', paidDate: null }], daysPastDue: 60, defaultedOn: '2018-06-01', curedOn: '2019-01-01' };
    expect(assessNegative('LOAN_RECORD', cured, '2025-06-01')).toMatchObject({ negative: true, endedOn: null, expiresOn: null });
    // and with the arrears paid late in 2024 (nothing lasting): it ended with that payment, not the cure
    const paidLate = { ...cured, repayments: [{ dueDate: '2024-04-01', amount: '10000.00', paidDate: '2024-06-01' }], daysPastDue: 0 };
    expect(assessNegative('LOAN_RECORD', paidLate, '2025-06-01')).toMatchObject({ negative: true, endedOn: '2024-06-01', expiresOn: '2029-06-01' });
  });
});
