import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Counterparty, FinancialStatement, GuaranteeGiven, ScoringInput } from '@app/domain/scoring';
import { addDays } from '../common/calendar-date';
import { rateCompany } from '../rating/stand-alone-rating';
import { emptyInput, soundStatement, trade, weakStatement } from '../testing/company.fixture';
import { networkFactor } from './network.factor';

const AS_OF = '2026-06-30';
/** A PD at sub-score 50 exactly: sigmoid(1 - 8.5 x 0.5) = sigmoid(-3.25) = 3.7 %. */
const PD_50 = 1 / (1 + Math.exp(3.25));
/** sub-score 80: sigmoid(1 - 6.8) = 0.30 % */
const PD_80 = 1 / (1 + Math.exp(5.8));

const supplier = (id: string, tradeVolume: number, pd: number | null): Counterparty => ({ counterpartyId: id, role: 'SUPPLIER', tradeVolume, pd });
const guarantee = (amount: number): GuaranteeGiven => ({ id: 'g', borrowerId: 'x', amount, startDate: '2025-01-01', endDate: null });

describe('network: what it needs to speak', () => {
  it('does not speak on unrated suppliers alone, guarantees or not', () => {
    for (const guarantees of [[], [guarantee(1_000)]]) {
      const f = networkFactor([supplier('s1', 5_000_000, null)], guarantees, [soundStatement()], AS_OF);
      expect(f.status).toBe('INSUFFICIENT_DATA');
      expect(f.reasonCode).toBe('NO_NETWORK_DATA');
    }
  });

  it('the reviewer\'s case: an unrated supplier rates as no counterparty at all, not a perfect network', () => {
    // three on-time trades and a sound 2025 statement: before the fix the unrated supplier let the
    // guarantee component (no guarantees: ratio 0 -> 100) speak alone at the factor's full weight,
    // 701 A against 689 A without counterparties
    const base: ScoringInput = {
      ...emptyInput(),
      tradeExperiences: [1, 2, 3].map((m) => trade(`t${m}`, 1_000_000, `2026-0${m}-15`, `2026-0${m}-15`, `2026-0${m}-01`)),
      financialStatements: [soundStatement(2025)],
    };
    const alone = rateCompany(base, AS_OF);
    const withUnrated = rateCompany({ ...base, counterparties: [supplier('s1', 5_000_000, null)] }, AS_OF);
    expect(alone.score).toBe(689);
    expect(withUnrated.score).toBe(689);
    expect(withUnrated.factorResults.find((f) => f.factor === 'NETWORK')?.status).toBe('INSUFFICIENT_DATA');
  });
});

describe('network: guarantees against equity', () => {
  it('scores guarantees outstanding without a usable statement as the worst ratio', () => {
    // one supplier at sub-score 80 (weight 0.5); guarantees with no equity known -> 0 (weight 0.25)
    // sub-score = (0.5 x 80 + 0.25 x 0) / 0.75 = 53.333; the guarantees cost 33.3 points, the supplier 13.3
    const f = networkFactor([supplier('s1', 1_000, PD_80)], [guarantee(1_000)], [], AS_OF);
    if (f.status !== 'SCORED') throw new Error('must speak');
    expect(f.subScore).toBeCloseTo(160 / 3, 9);
    expect(f.figures.guaranteeToEquity).toBeNull();
    expect(f.reasonCode).toBe('GUARANTEE_EXPOSURE');
  });

  it('scores them the same against negative equity, and a stale statement counts as none', () => {
    const negative: FinancialStatement = { ...weakStatement(2025), equity: -1 };
    const a = networkFactor([supplier('s1', 1_000, PD_50)], [guarantee(1_000)], [negative], AS_OF);
    const b = networkFactor([supplier('s1', 1_000, PD_50)], [guarantee(1_000)], [soundStatement(2022)], AS_OF);
    if (a.status !== 'SCORED' || b.status !== 'SCORED') throw new Error('must speak');
    expect(a.subScore).toBeCloseTo(100 / 3, 9);
    expect(b.subScore).toBeCloseTo(100 / 3, 9);
  });

  it('scores no guarantees given at 100 once the factor speaks', () => {
    // (0.5 x 50 + 0.25 x 100) / 0.75 = 66.667
    const f = networkFactor([supplier('s1', 1_000, PD_50)], [], [], AS_OF);
    if (f.status !== 'SCORED') throw new Error('must speak');
    expect(f.subScore).toBeCloseTo(200 / 3, 9);
    expect(f.figures.guaranteeToEquity).toBe(0);
  });
});

describe('network: properties', () => {
  const input = fc
    .record({
      payments: fc.array(
        fc.record({ amount: fc.integer({ min: 1, max: 5_000_000 }), due: fc.integer({ min: -700, max: 25 }), late: fc.option(fc.integer({ min: -30, max: 250 }), { nil: null }) }),
        { maxLength: 8 },
      ),
      statement: fc.constantFrom('NONE', 'SOUND', 'WEAK', 'STALE'),
      taxGrade: fc.option(fc.constantFrom('A', 'B', 'M', 'C', 'D'), { nil: null }),
      suppliers: fc.array(fc.integer({ min: 0, max: 50_000_000 }), { minLength: 1, maxLength: 5 }),
      guarantees: fc.array(fc.integer({ min: 1, max: 2_000_000_000 }), { maxLength: 3 }),
    })
    .map((x) => {
      const statements: Record<string, FinancialStatement[]> = { NONE: [], SOUND: [soundStatement(2025)], WEAK: [weakStatement(2025)], STALE: [soundStatement(2022)] };
      const base: ScoringInput = {
        ...emptyInput(),
        tradeExperiences: x.payments.map((p, i) => {
          const due = addDays(AS_OF, p.due);
          return trade(`p${i}`, p.amount, due, p.late === null ? null : addDays(due, p.late), addDays(due, -30));
        }),
        financialStatements: statements[x.statement],
        taxCreditGrades: x.taxGrade === null ? [] : [{ year: 2025, grade: x.taxGrade, publishedOn: '2026-04-15' }],
        guaranteesGiven: x.guarantees.map((amount, i) => ({ ...guarantee(amount), id: `g${i}` })),
      };
      return { base, unrated: x.suppliers.map((v, i) => supplier(`s${i}`, v, null)) };
    });

  it('unrated suppliers rate the company exactly as no counterparties, whatever its guarantees', () => {
    fc.assert(
      fc.property(input, ({ base, unrated }) => {
        const without = rateCompany({ ...base, counterparties: [] }, AS_OF);
        const withUnrated = rateCompany({ ...base, counterparties: unrated }, AS_OF);
        expect(withUnrated.score).toBe(without.score);
        expect(withUnrated.pd).toBe(without.pd);
      }),
    );
  });

  it('with no guarantees, unrated suppliers rate the company exactly as no counterparties', () => {
    fc.assert(
      fc.property(input, ({ base, unrated }) => {
        const noGuarantees = { ...base, guaranteesGiven: [] };
        expect(rateCompany({ ...noGuarantees, counterparties: unrated }, AS_OF).score).toBe(rateCompany({ ...noGuarantees, counterparties: [] }, AS_OF).score);
      }),
    );
  });
});
