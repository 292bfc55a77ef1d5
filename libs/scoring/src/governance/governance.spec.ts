import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { FACTOR_NAMES, type CreditRating, type FactorName, type HistoricalRating, type ScoringInput } from '@app/domain/scoring';
import { addDays } from '../common/calendar-date';
import { DEFAULT_RATING_MODEL } from '../rating/rating-model';
import { pdToGrade } from '../rating/master-scale';
import { rateCompany } from '../rating/stand-alone-rating';
import { emptyInput, soundStatement, trade, weakStatement, workedExample } from '../testing/company.fixture';
import { backtest, backtestObservations } from './backtest';
import { discriminationMetrics } from './discrimination-metrics';
import { refitFeatures, refitRatingModel } from './refit';

describe('discrimination metrics', () => {
  it('computes AUC, KS, Gini and Brier by hand', () => {
    // PDs 0.1 (no), 0.2 (yes), 0.3 (no), 0.4 (yes): defaulters' ranks 2 + 4 = 6; AUC = (6 - 3) / (2 x 2) = 0.75
    // KS: after 0.1 |0.5 - 0| = 0.5; after 0.2 0; after 0.3 0.5; KS 0.5. Gini 0.5.
    // Brier = (0.01 + 0.64 + 0.09 + 0.36) / 4 = 0.275
    const m = discriminationMetrics([0.1, 0.2, 0.3, 0.4], [false, true, false, true]);
    expect(m.auc).toBe(0.75);
    expect(m.ks).toBe(0.5);
    expect(m.gini).toBe(0.5);
    expect(m.brier).toBeCloseTo(0.275, 12);
  });

  it('counts ties as half', () => {
    expect(discriminationMetrics([0.2, 0.2], [true, false]).auc).toBe(0.5);
  });
});

const sub = (payment: number | null, financial: number | null): Record<FactorName, number | null> => ({
  PAYMENT_BEHAVIOUR: payment,
  FINANCIAL_STRENGTH: financial,
  OBLIGATIONS: 80,
  PUBLIC_RECORD: 100,
  SOFT_INFORMATION: null,
  NETWORK: null,
});

describe('the backtest', () => {
  const r = (companyId: string, asOf: string, pd: number): HistoricalRating => ({ companyId, asOf, pd, grade: pdToGrade(pd), subScores: sub(80, 60) });

  it('labels a rating by a default in the 12 months after it', () => {
    const obs = backtestObservations(
      [r('a', '2024-01-31', 0.05), r('b', '2024-01-31', 0.01), r('c', '2024-01-31', 0.01), r('d', '2025-12-31', 0.01)],
      [
        { companyId: 'a', defaultedOn: '2024-09-01' }, // within 12 months
        { companyId: 'b', defaultedOn: '2025-03-01' }, // 13 months after: not counted
      ],
      '2026-06-30',
    );
    expect(obs.map((o) => [o.rating.companyId, o.defaulted])).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
    ]); // d's 12 months have not passed
    const report = backtest(obs);
    expect(report.auc).toBe(1);
    expect(report.calibration).toEqual([
      { grade: 'BB', n: 2, defaults: 0, observedRate: 0, meanPd: 0.01 },
      { grade: 'CCC', n: 1, defaults: 1, observedRate: 1, meanPd: 0.05 },
    ]);
  });
});

describe('the refit', () => {
  it('proposes weights that follow the consortium\'s own history, without touching the live model', () => {
    // history where payment behaviour separates defaulters and financial strength does not
    const observations = [];
    for (let i = 0; i < 400; i += 1) {
      const bad = i % 10 === 0;
      observations.push({
        rating: { companyId: `c${i}`, asOf: '2024-01-31', pd: 0.02, grade: 'B' as const, subScores: sub(bad ? 30 + (i % 7) : 70 + (i % 20), 40 + (i % 40)) },
        defaulted: bad,
      });
    }
    const before = JSON.stringify(DEFAULT_RATING_MODEL);
    const p = refitRatingModel(observations, DEFAULT_RATING_MODEL, { l2: 1, iterations: 300, version: 'rating-1.1.0-proposed' });
    expect(JSON.stringify(DEFAULT_RATING_MODEL)).toBe(before);
    expect(p.status).toBe('PROPOSED');
    expect(p.spec.version).toBe('rating-1.1.0-proposed');
    const w = p.spec.weights;
    expect(Object.values(w).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
    expect(Object.values(w).every((x) => x >= 0)).toBe(true);
    expect(w.PAYMENT_BEHAVIOUR).toBeGreaterThan(DEFAULT_RATING_MODEL.weights.PAYMENT_BEHAVIOUR);
    expect(p.proposed.auc).toBeGreaterThanOrEqual(p.current.auc - 1e-9);
    expect(p.proposed.brier).toBeLessThan(p.current.brier);
  });
});

describe('the refit reaches its optimum', () => {
  // a seeded generator (Park-Miller), so that the data are the same on every run
  const generator = (seed: number) => {
    let s = seed;
    return () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647;
    };
  };

  it('satisfies the KKT conditions of the constrained, ridge-penalised log-likelihood', () => {
    // truth: only obligations (strongly) and payment behaviour (a little) matter
    const rnd = generator(99);
    const observations = Array.from({ length: 3000 }, (_, i) => {
      const s = Object.fromEntries(FACTOR_NAMES.map((f) => [f, 100 * rnd()])) as Record<FactorName, number>;
      const z = 2 - (8 * s.OBLIGATIONS) / 100 - s.PAYMENT_BEHAVIOUR / 100;
      return { rating: { companyId: `c${i}`, asOf: '2024-01-31', pd: 0.02, grade: 'B' as const, subScores: s }, defaulted: rnd() < 1 / (1 + Math.exp(-z)) };
    });
    const l2 = 1;
    const p = refitRatingModel(observations, DEFAULT_RATING_MODEL, { l2, iterations: 100, version: 'kkt' });
    expect(p.converged).toBe(true);
    // the fit's coefficients: beta_f = -slope · w_f
    const beta = FACTOR_NAMES.map((f) => -p.spec.slope * p.spec.weights[f]);
    const n = observations.length;
    const g = new Array<number>(FACTOR_NAMES.length).fill(0);
    let g0 = 0;
    for (const o of observations) {
      const x = refitFeatures(o.rating.subScores, DEFAULT_RATING_MODEL);
      const z = p.spec.intercept + beta.reduce((s, b, j) => s + b * x[j], 0);
      const r = 1 / (1 + Math.exp(-z)) - (o.defaulted ? 1 : 0);
      g0 += r / n;
      x.forEach((xj, j) => (g[j] += (r * xj) / n));
    }
    // the gradient of the mean penalised log-loss, with the ridge term
    const gradient = g.map((gj, j) => gj + (l2 / n) * beta[j]);
    expect(Math.abs(g0)).toBeLessThan(1e-8);
    const atBound = FACTOR_NAMES.filter((_, j) => beta[j] === 0);
    expect(atBound.length).toBeGreaterThan(0);
    expect(atBound.length).toBeLessThan(FACTOR_NAMES.length);
    FACTOR_NAMES.forEach((f, j) => {
      if (beta[j] < 0) expect([f, Math.abs(gradient[j]) < 1e-8]).toEqual([f, true]);
      // at the bound beta = 0, descent points out of the region beta <= 0: the gradient is <= 0
      else expect([f, gradient[j] <= 1e-8]).toEqual([f, true]);
    });
    // the truth's factors carry the weight; those that do not matter are at the bound
    expect(p.spec.weights.OBLIGATIONS).toBeGreaterThan(0.75);
    expect(p.spec.weights.FINANCIAL_STRENGTH).toBe(0);
    expect(p.spec.weights.NETWORK).toBe(0);
  });
});

describe('the refit imputes missing factors as the rating treats them', () => {
  const AS_OF = '2026-06-30';
  const subScoresOf = (r: CreditRating): Record<FactorName, number | null> =>
    Object.fromEntries(FACTOR_NAMES.map((f) => {
      const result = r.factorResults.find((x) => x.factor === f);
      return [f, result?.status === 'SCORED' ? result.subScore : null];
    })) as Record<FactorName, number | null>;
  /** The current spec's PD for one rating, as the refit computes it: one observation, no iterations. */
  const refitPd = (r: CreditRating): number => {
    const p = refitRatingModel(
      [{ rating: { companyId: r.companyId, asOf: r.asOf, pd: r.pd, grade: r.grade, subScores: subScoresOf(r) }, defaulted: false }],
      DEFAULT_RATING_MODEL,
      { l2: 1, iterations: 0, version: 'same' },
    );
    expect(p.current.calibration).toHaveLength(1);
    return p.current.calibration[0].meanPd;
  };

  it('gives the live PD of the worked example of docs/scoring.md (0.796 %), not 0.722 %', () => {
    const r = rateCompany(workedExample(), AS_OF);
    // S = 68.529 (no statement: core at 50; soft and network re-weighted away): PD 0.7963 %
    expect(r.pd).toBeCloseTo(0.007963, 6);
    expect(Math.abs(refitPd(r) - r.pd)).toBeLessThan(1e-12);
  });

  it('applies the soft-information cap: a public record and soft information alone', () => {
    // public record 100 (w 0.15), soft 50 + 10 = 60 (w 0.05): soft's share 0.25 is capped at 0.10
    // inner = 0.9 x 100 + 0.1 x 60 = 96; c = 0.20 / 0.90; S = 0.2222 x 96 + 0.7778 x 50 = 60.222
    const r = rateCompany(
      { ...emptyInput(), softSignals: [{ id: 's', kind: 'CERTIFICATION', recordedOn: '2026-01-01', validUntil: null, value: 1 }] },
      AS_OF,
    );
    expect(r.factors.find((f) => f.name === 'SOFT_INFORMATION')?.weight).toBeCloseTo(0.1, 12);
    const logit = 1 - 8.5 * ((0.2 / 0.9) * 96 + (0.7 / 0.9) * 50) / 100;
    expect(r.pd).toBeCloseTo(1 / (1 + Math.exp(-logit)), 12);
    expect(Math.abs(refitPd(r) - r.pd)).toBeLessThan(1e-12);
  });

  it("the proposal's backtest PD is the PD a rating under the proposed spec would have, whatever is missing (property)", () => {
    const input = fc
      .record({
        payments: fc.array(fc.record({ amount: fc.integer({ min: 1, max: 5_000_000 }), late: fc.option(fc.integer({ min: -30, max: 250 }), { nil: null }) }), { maxLength: 4 }),
        statement: fc.constantFrom('NONE', 'SOUND', 'WEAK'),
        judgment: fc.boolean(),
        soft: fc.array(fc.constantFrom('CERTIFICATION', 'COMMUNITY_WORK'), { maxLength: 2 }),
        defaulted: fc.boolean(),
      })
      .map((x) => ({
        defaulted: x.defaulted,
        input: {
          ...emptyInput(),
          tradeExperiences: x.payments.map((p, i) => trade(`p${i}`, p.amount, addDays(AS_OF, -60), p.late === null ? null : addDays(AS_OF, -60 + p.late), addDays(AS_OF, -90))),
          financialStatements: x.statement === 'NONE' ? [] : [x.statement === 'SOUND' ? soundStatement(2025) : weakStatement(2025)],
          publicRecords: x.judgment ? [{ id: 'j', kind: 'JUDGMENT' as const, eventDate: '2025-01-10', endedOn: null, amount: null }] : [],
          softSignals: x.soft.map((kind, i) => ({ id: `s${i}`, kind, recordedOn: '2026-01-01', validUntil: null, value: 1 })),
        } as ScoringInput,
      }));
    fc.assert(
      fc.property(input, ({ input: i, defaulted }) => {
        const r = rateCompany(i, AS_OF);
        const p = refitRatingModel(
          [{ rating: { companyId: r.companyId, asOf: r.asOf, pd: r.pd, grade: r.grade, subScores: subScoresOf(r) }, defaulted }],
          DEFAULT_RATING_MODEL,
          { l2: 1, iterations: 25, version: 'proposed' },
        );
        expect(p.proposed.calibration).toHaveLength(1);
        expect(Math.abs(p.proposed.calibration[0].meanPd - rateCompany(i, AS_OF, p.spec).pd)).toBeLessThan(1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('the current spec\'s refit PD is the live PD, whatever is missing (property)', () => {
    const input = fc
      .record({
        payments: fc.array(
          fc.record({ amount: fc.integer({ min: 1, max: 5_000_000 }), due: fc.integer({ min: -700, max: 25 }), late: fc.option(fc.integer({ min: -30, max: 250 }), { nil: null }) }),
          { maxLength: 6 },
        ),
        statement: fc.constantFrom('NONE', 'SOUND', 'WEAK'),
        taxGrade: fc.option(fc.constantFrom('A', 'B', 'M', 'C', 'D'), { nil: null }),
        judgment: fc.boolean(),
        soft: fc.array(fc.constantFrom('CERTIFICATION', 'COMMUNITY_WORK', 'REPUTATION', 'OWNER_CREDIT_BAND'), { maxLength: 3 }),
        softValue: fc.integer({ min: 1, max: 5 }),
        counterparties: fc.array(
          fc.record({ role: fc.constantFrom('BUYER', 'SUPPLIER'), volume: fc.integer({ min: 1, max: 10_000_000 }), pd: fc.option(fc.double({ min: 0.0005, max: 0.5, noNaN: true }), { nil: null }) }),
          { maxLength: 3 },
        ),
      })
      .map((x): ScoringInput => ({
        ...emptyInput(),
        tradeExperiences: x.payments.map((p, i) => {
          const due = addDays(AS_OF, p.due);
          return trade(`p${i}`, p.amount, due, p.late === null ? null : addDays(due, p.late), addDays(due, -30));
        }),
        financialStatements: x.statement === 'NONE' ? [] : [x.statement === 'SOUND' ? soundStatement(2025) : weakStatement(2025)],
        taxCreditGrades: x.taxGrade === null ? [] : [{ year: 2025, grade: x.taxGrade, publishedOn: '2026-04-15' }],
        publicRecords: x.judgment ? [{ id: 'j', kind: 'JUDGMENT', eventDate: '2025-01-10', endedOn: null, amount: null }] : [],
        softSignals: x.soft.map((kind, i) => ({ id: `s${i}`, kind, recordedOn: '2026-01-01', validUntil: null, value: x.softValue })),
        counterparties: x.counterparties.map((c, i) => ({ counterpartyId: `c${i}`, role: c.role, tradeVolume: c.volume, pd: c.pd })),
      }));
    fc.assert(
      fc.property(input, (i) => {
        const r = rateCompany(i, AS_OF);
        expect(Math.abs(refitPd(r) - r.pd)).toBeLessThan(1e-12);
      }),
      { numRuns: 300 },
    );
  });
});
