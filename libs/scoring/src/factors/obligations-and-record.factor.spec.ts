import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { ObligationPayment, PublicRecord } from '@app/domain/scoring';
import { obligationsFactor } from './obligations.factor';
import { publicRecordCounts, publicRecordFactor } from './public-record.factor';
import { softInformationFactor } from './soft-information.factor';
import { networkFactor } from './network.factor';
import { soundStatement } from '../testing/company.fixture';
import { addDays } from '../common/calendar-date';

const AS_OF = '2026-06-30';
const pay = (id: string, kind: ObligationPayment['kind'], dueDate: string, paidDate: string | null, amount = 100_000): ObligationPayment => ({
  id,
  kind,
  amount,
  dueDate,
  paidDate,
});

describe('obligations', () => {
  it('blends on-time payments (60 %) and the tax credit grade (40 %)', () => {
    // TAX: two on time (100) and one 30 days late (60), equal amounts -> 86.667
    // UTILITY: one 15 days late -> 100 - 40 x 15/30 = 80
    // payments = (0.4 x 86.667 + 0.15 x 80) / 0.55 = (34.667 + 12) / 0.55 = 84.848
    // grade B = 80; sub-score = 0.6 x 84.848 + 0.4 x 80 = 50.909 + 32 = 82.909
    const f = obligationsFactor(
      [
        pay('1', 'TAX', '2026-01-15', '2026-01-15'),
        pay('2', 'TAX', '2026-02-15', '2026-02-10'),
        pay('3', 'TAX', '2026-03-15', '2026-04-14'),
        pay('4', 'UTILITY', '2026-04-15', '2026-04-30'),
      ],
      [{ year: 2025, grade: 'B', publishedOn: '2026-04-15' }],
      AS_OF,
    );
    if (f.status !== 'SCORED') throw new Error('must speak');
    expect(f.subScore).toBeCloseTo(82.9091, 4);
    expect(f.reasonCode).toBe('LOW_TAX_CREDIT_GRADE'); // 0.4 x 20 = 8 points against TAX's 0.6 x 0.4 x 13.3 / 0.55 = 5.8
  });

  it('names tax arrears when an unpaid tax is what costs most', () => {
    const f = obligationsFactor(
      [pay('1', 'TAX', '2026-01-15', null), pay('2', 'TAX', '2026-02-15', '2026-02-15'), pay('3', 'RENT', '2026-03-01', '2026-03-01')],
      [],
      AS_OF,
    );
    if (f.status !== 'SCORED') throw new Error('must speak');
    // unpaid tax 166 days -> 0; TAX mean 50; RENT 100; (0.4 x 50 + 0.15 x 100) / 0.55 = 63.636
    expect(f.subScore).toBeCloseTo(63.6364, 4);
    expect(f.reasonCode).toBe('TAX_ARREARS');
  });

  it('does not speak without three payments or a grade', () => {
    expect(obligationsFactor([pay('1', 'TAX', '2026-01-15', '2026-01-15')], [], AS_OF).status).toBe('INSUFFICIENT_DATA');
  });

  it('names the same reason whatever the order of the payments, on an exact tie the heavier kind', () => {
    // 1 fen each, unpaid at 2026-06-30: rent due 06-06 (24 days: 100 - 40 x 24/30 = 68), tax
    // due 06-21 (9 days: 88), utility due 06-30 (on time: 100); grade A. Rent costs 0.15 x 32
    // = 4.8, tax 0.40 x 12 = 4.8 (each x 0.6 / 0.7): a tie, named by the kinds' fixed order
    // (tax first). It was RENT_ARREARS in one order and TAX_ARREARS in another.
    const rent = pay('r', 'RENT', '2026-06-06', null, 1);
    const tax = pay('t', 'TAX', '2026-06-21', null, 1);
    const utility = pay('u', 'UTILITY', '2026-06-30', null, 1);
    const grades = [{ year: 2025, grade: 'A' as const, publishedOn: '2026-04-15' }];
    const a = obligationsFactor([rent, utility, tax], grades, AS_OF);
    const b = obligationsFactor([tax, rent, utility], grades, AS_OF);
    expect(a.reasonCode).toBe('TAX_ARREARS');
    expect(b).toEqual(a);
  });

  it('does not depend on the order of the payments (property)', () => {
    // few kinds, amounts and days late, so that kinds often cost exactly the same
    const payment = fc.record({
      kind: fc.constantFrom<ObligationPayment['kind']>('TAX', 'SOCIAL_INSURANCE', 'UTILITY', 'RENT'),
      amount: fc.oneof(fc.constantFrom(0, 1, 100), fc.integer({ min: 1, max: 1_000_000_000_000 })),
      due: fc.integer({ min: -120, max: 0 }),
      late: fc.option(fc.constantFrom(-5, 0, 9, 12, 15, 24, 30, 45, 60, 90), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(payment, { minLength: 3, maxLength: 8 }).chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list.map((_, i) => i), { minLength: list.length, maxLength: list.length }))),
        fc.option(fc.constantFrom<'A' | 'B' | 'M' | 'C' | 'D'>('A', 'B', 'M', 'C', 'D'), { nil: null }),
        ([list, order], grade) => {
          const payments = list.map((p, i) => {
            const dueDate = addDays(AS_OF, p.due);
            const paid = p.late === null ? null : addDays(dueDate, p.late);
            return pay(`p${i}`, p.kind, dueDate, paid !== null && paid <= AS_OF ? paid : null, p.amount);
          });
          const grades = grade === null ? [] : [{ year: 2025, grade, publishedOn: '2026-04-15' }];
          const inOrder = obligationsFactor(payments, grades, AS_OF);
          const shuffled = obligationsFactor(order.map((i) => payments[i]), grades, AS_OF);
          expect(shuffled.reasonCode).toBe(inOrder.reasonCode);
          expect(shuffled).toEqual(inOrder);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('public record', () => {
  const rec = (id: string, kind: PublicRecord['kind'], eventDate: string, endedOn: string | null): PublicRecord => ({
    id,
    kind,
    eventDate,
    endedOn,
    amount: null,
  });

  it('is 100 when clean, and takes few, heavy penalties', () => {
    expect(publicRecordFactor([], AS_OF)).toMatchObject({ status: 'SCORED', subScore: 100, reasonCode: null });
    // listed as a dishonest debtor now (60) and a judgment that ended in 2024 (10): 100 - 70 = 30
    const f = publicRecordFactor([rec('d', 'DISHONEST_DEBTOR', '2026-01-10', null), rec('j', 'JUDGMENT', '2023-01-10', '2024-06-30')], AS_OF);
    expect(f).toMatchObject({ subScore: 30, reasonCode: 'DISHONEST_DEBTOR' });
  });

  it('forgets negative information 5 years after the event ended (Art. 16)', () => {
    const j = rec('j', 'JUDGMENT', '2020-01-10', '2021-06-30');
    expect(publicRecordCounts(j, '2026-06-29')).toBe('ENDED');
    expect(publicRecordCounts(j, '2026-06-30')).toBe('NOT_COUNTED');
    expect(publicRecordCounts(rec('o', 'ENFORCEMENT', '2010-01-01', null), AS_OF)).toBe('ONGOING');
  });
});

describe('soft information and network', () => {
  it('adds verified soft signals to a neutral 50', () => {
    // 50 + 2 certifications (20) + 1 community (5) + reputation 4 stars (+10) + owner band 2 (+10) = 95
    const f = softInformationFactor(
      [
        { id: '1', kind: 'CERTIFICATION', recordedOn: '2025-01-01', validUntil: '2027-01-01', value: 1 },
        { id: '2', kind: 'CERTIFICATION', recordedOn: '2025-01-01', validUntil: null, value: 1 },
        { id: '3', kind: 'CERTIFICATION', recordedOn: '2025-01-01', validUntil: '2026-01-01', value: 1 }, // expired
        { id: '4', kind: 'COMMUNITY_WORK', recordedOn: '2025-01-01', validUntil: null, value: 1 },
        { id: '5', kind: 'REPUTATION', recordedOn: '2025-01-01', validUntil: null, value: 4 },
        { id: '6', kind: 'OWNER_CREDIT_BAND', recordedOn: '2025-01-01', validUntil: null, value: 2 },
      ],
      AS_OF,
    );
    expect(f).toMatchObject({ status: 'SCORED', subScore: 95, reasonCode: null });
  });

  it('weighs counterparties by volume, the largest buyer and guarantees against equity', () => {
    // counterparties: both at PD 3.7 %... use sub-scores: pd = sigmoid(1 - 8.5 s/100);
    // a PD of sigmoid(1 - 4.25) = 3.7 % is sub-score 50 exactly.
    const pd50 = 1 / (1 + Math.exp(3.25));
    // buyers 60 / 40: largest share 0.6 -> 100 - 60 x 0.3/0.7 = 74.286
    // guarantees 275 of equity 550 = 0.5 -> 70
    // sub-score = 0.5 x 50 + 0.25 x 74.286 + 0.25 x 70 = 25 + 18.571 + 17.5 = 61.071
    const f = networkFactor(
      [
        { counterpartyId: 'a', role: 'BUYER', tradeVolume: 60_000, pd: pd50 },
        { counterpartyId: 'b', role: 'BUYER', tradeVolume: 40_000, pd: pd50 },
      ],
      [{ id: 'g', borrowerId: 'x', amount: 275_000_000, startDate: '2025-01-01', endDate: null }],
      [soundStatement()],
      AS_OF,
    );
    if (f.status !== 'SCORED') throw new Error('must speak');
    expect(f.subScore).toBeCloseTo(61.0714, 3);
    expect(f.reasonCode).toBe('WEAK_COUNTERPARTIES');
  });
});
