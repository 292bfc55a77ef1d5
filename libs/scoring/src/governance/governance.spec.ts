import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { FACTOR_NAMES, type CreditRating, type FactorName, type HistoricalRating, type ScoringInput } from '@app/domain/scoring';
import { addDays } from '../common/calendar-date';
import { DEFAULT_RATING_MODEL } from '../rating/rating-model';
import { pdToGrade } from '../rating/master-scale';
import { rateCompany } from '../rating/stand-alone-rating';
import { emptyInput, soundStatement, trade, weakStatement, workedExample } from '../testing/company.fixture';
import { backtest, backtestFromPds, backtestObservations, type BacktestObservation } from './backtest';
import { discriminationMetrics } from './discrimination-metrics';
import { backtestUnder, fitLogistic, REFIT_FOLDS, refitFeatures, refitFolds, refitRatingModel } from './refit';

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

/** a seeded generator (Park-Miller), so that the data are the same on every run */
const generator = (seed: number) => {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
};

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
    // out of sample (5 folds by company): the proposal still separates and is better calibrated
    // than the live model, which it would not be on noise (below)
    expect(p.folds).toBe(REFIT_FOLDS);
    expect(p.proposed.n).toBe(400);
    expect(p.proposed.auc).toBeGreaterThan(0.95);
    expect(p.proposed.brier).toBeLessThan(p.current.brier);
  });

  /**
   * Pure noise: sub-scores independent of the outcome, `companies` companies with `months`
   * monthly observations each (a company's sub-scores move a little from month to month, its
   * outcome is the same), each company defaulting with probability 0.1, histories with fewer
   * than REFIT_FOLDS companies with a default drawn again (a refit refuses them).
   */
  const noise = (rnd: () => number, companies: number, months: number): BacktestObservation[] => {
    for (;;) {
      const out: BacktestObservation[] = [];
      let defaulted = 0;
      for (let c = 0; c < companies; c += 1) {
        const base = { PAYMENT_BEHAVIOUR: 20 + 70 * rnd(), FINANCIAL_STRENGTH: 20 + 70 * rnd(), OBLIGATIONS: 20 + 70 * rnd(), PUBLIC_RECORD: 40 + 60 * rnd(), SOFT_INFORMATION: 30 + 50 * rnd(), NETWORK: 30 + 60 * rnd() };
        const bad = rnd() < 0.1;
        if (bad) defaulted += 1;
        for (let m = 0; m < months; m += 1) {
          const subScores = Object.fromEntries(FACTOR_NAMES.map((f) => [f, base[f] + (months > 1 ? 4 * (rnd() - 0.5) : 0)])) as Record<FactorName, number>;
          out.push({ rating: { companyId: `n${c}`, asOf: addDays('2024-01-31', 30 * m), pd: 0.02, grade: 'B', subScores }, defaulted: bad });
        }
      }
      if (defaulted >= REFIT_FOLDS) return out;
    }
  };
  const meanAucs = (rnd: () => number, companies: number, months: number, repetitions: number) => {
    let proposed = 0;
    let current = 0;
    for (let r = 0; r < repetitions; r += 1) {
      const p = refitRatingModel(noise(rnd, companies, months), DEFAULT_RATING_MODEL, { l2: 1, iterations: 100, version: 'noise' });
      proposed += p.proposed.auc / repetitions;
      current += p.current.auc / repetitions;
    }
    return { proposed, current };
  };

  // On noise the proposal's AUC must not look better than 0.5 (scored on the data it was fitted
  // on it averaged 0.68 here). Pooled out-of-fold AUC is somewhat pessimistic with a handful of
  // defaults (a fold that holds out more of them was fitted on fewer, so its PDs are lower:
  // docs/scoring.md §6): it averages 0.43 and 0.45 here, hence the wider bound below 0.5.
  it('backtests the proposal out of sample: on noise its AUC is about 0.5, not the in-sample 0.68', () => {
    // 40 companies, one observation each, about 4-8 of them defaulting
    const { proposed, current } = meanAucs(generator(20240131), 40, 1, 200);
    expect(proposed).toBeLessThan(0.55);
    expect(proposed).toBeGreaterThan(0.4);
    expect(proposed).toBeLessThan(current + 0.02);
  });

  it("holds out all of a company's monthly observations together", () => {
    // 20 companies, 12 near-identical monthly observations each: held out month by month, a
    // company's other months would stay in the fit, and on noise its AUC would average 0.69
    const { proposed, current } = meanAucs(generator(7), 20, 12, 60);
    expect(proposed).toBeLessThan(0.55);
    expect(proposed).toBeGreaterThan(0.4);
    expect(proposed).toBeLessThan(current + 0.02);
  });

  it('assigns folds by company, stratified and fixed, and refuses too few companies with a default', () => {
    const observations = noise(generator(11), 60, 3);
    const folds = refitFolds(observations, REFIT_FOLDS);
    const foldOf = new Map<string, number>();
    observations.forEach((o, i) => {
      expect(foldOf.get(o.rating.companyId) ?? folds[i]).toBe(folds[i]);
      foldOf.set(o.rating.companyId, folds[i]);
    });
    const defaultedCompanies = new Set(observations.filter((o) => o.defaulted).map((o) => o.rating.companyId));
    const perFold = Array.from({ length: REFIT_FOLDS }, (_, k) => [...defaultedCompanies].filter((c) => foldOf.get(c) === k).length);
    expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    expect(Math.min(...perFold)).toBeGreaterThan(0);
    // the same history, in another order: the same folds, the same proposal
    const reversed = [...observations].reverse();
    expect(refitFolds(reversed, REFIT_FOLDS)).toEqual(reversed.map((o) => foldOf.get(o.rating.companyId)));
    const a = refitRatingModel(observations, DEFAULT_RATING_MODEL, { l2: 1, iterations: 100, version: 'v' });
    const b = refitRatingModel(reversed, DEFAULT_RATING_MODEL, { l2: 1, iterations: 100, version: 'v' });
    expect(b.proposed.auc).toBeCloseTo(a.proposed.auc, 9);
    expect(b.proposed.brier).toBeCloseTo(a.proposed.brier, 9);
    expect(b.spec.slope).toBeCloseTo(a.spec.slope, 9);
    // fewer companies with a default than folds: a fold would hold none out
    const four = observations.filter((o) => !o.defaulted || [...defaultedCompanies].slice(0, 4).includes(o.rating.companyId));
    expect(() => refitRatingModel(four, DEFAULT_RATING_MODEL, { l2: 1, iterations: 100, version: 'v' })).toThrow(RangeError);
  });

  it("scores each company by the spec refitted without its fold; the live model on the same observations", () => {
    const observations = noise(generator(5), 150, 2).map((o, i) => ({ ...o, defaulted: o.defaulted || i % 9 === 0 }));
    const p = refitRatingModel(observations, DEFAULT_RATING_MODEL, { l2: 1, iterations: 100, version: 'v' });
    const folds = refitFolds(observations, REFIT_FOLDS);
    const pds = observations.map(() => 0);
    for (let k = 0; k < REFIT_FOLDS; k += 1) {
      const spec = refitRatingModel(observations.filter((_, i) => folds[i] !== k), DEFAULT_RATING_MODEL, { l2: 1, iterations: 100, version: 'v' }).spec;
      observations.forEach((o, i) => {
        if (folds[i] === k) pds[i] = backtestUnder([o], spec).calibration[0].meanPd;
      });
    }
    const expected = backtestFromPds(pds, observations.map((o) => o.defaulted), pds.map((x) => pdToGrade(x)));
    expect(p.proposed.auc).toBeCloseTo(expected.auc, 12);
    expect(p.proposed.brier).toBeCloseTo(expected.brier, 12);
    expect(p.proposed.calibration).toEqual(expected.calibration.map((row) => ({ ...row, meanPd: expect.closeTo(row.meanPd, 12) })));
    expect(p.current).toEqual(backtestUnder(observations, DEFAULT_RATING_MODEL));
  });
});

describe('the refit reaches its optimum', () => {
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

  it('counts a fit that ends at the optimum in floating point as converged, short of its tolerance or not, and one stopped early as not', () => {
    // separable: the 8 weakest of 40 default. A tolerance of 1e-18 is below rounding: the fit
    // ends at its step cap or when no step lowers the loss, at the optimum all the same
    const X = Array.from({ length: 40 }, (_, i) => [(95 - 2 * i) / 100, (90 - i) / 100]);
    const y = X.map((_, i) => (i >= 32 ? 1 : 0));
    const start = { intercept: 1, beta: [-4, -4] };
    const atRounding = fitLogistic(X, y, start, { l2: 1, iterations: 100, tolerance: 1e-18 });
    expect(atRounding.projectedGradient).toBeGreaterThanOrEqual(1e-18);
    expect(atRounding.projectedGradient).toBeLessThan(1e-6);
    expect(atRounding.converged).toBe(true);
    // one Newton step from the start is far from the optimum: not converged
    const short = fitLogistic(X, y, start, { l2: 1, iterations: 1, tolerance: 1e-9 });
    expect(short.projectedGradient).toBeGreaterThan(1e-6);
    expect(short.converged).toBe(false);
  });
});

describe('the refit imputes missing factors as the rating treats them', () => {
  const AS_OF = '2026-06-30';
  const subScoresOf = (r: CreditRating): Record<FactorName, number | null> =>
    Object.fromEntries(FACTOR_NAMES.map((f) => {
      const result = r.factorResults.find((x) => x.factor === f);
      return [f, result?.status === 'SCORED' ? result.subScore : null];
    })) as Record<FactorName, number | null>;
  /** The current spec's PD for one rating, as the refit's backtest of the live model computes it. */
  const refitPd = (r: CreditRating): number => {
    const report = backtestUnder([{ rating: { companyId: r.companyId, asOf: r.asOf, pd: r.pd, grade: r.grade, subScores: subScoresOf(r) }, defaulted: false }], DEFAULT_RATING_MODEL);
    expect(report.calibration).toHaveLength(1);
    return report.calibration[0].meanPd;
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

  it("a backtest under a proposed spec (the proposal's, a fold's) gives the PD a rating under it would have, whatever is missing (property)", () => {
    const input = fc
      .record({
        payments: fc.array(fc.record({ amount: fc.integer({ min: 1, max: 5_000_000 }), late: fc.option(fc.integer({ min: -30, max: 250 }), { nil: null }) }), { maxLength: 4 }),
        statement: fc.constantFrom('NONE', 'SOUND', 'WEAK'),
        judgment: fc.boolean(),
        soft: fc.array(fc.constantFrom('CERTIFICATION', 'COMMUNITY_WORK'), { maxLength: 2 }),
        weights: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: FACTOR_NAMES.length, maxLength: FACTOR_NAMES.length }),
        slope: fc.double({ min: 0.5, max: 15, noNaN: true }),
        intercept: fc.double({ min: -3, max: 4, noNaN: true }),
      })
      .map((x) => ({
        spec: {
          ...DEFAULT_RATING_MODEL,
          version: 'proposed',
          slope: x.slope,
          intercept: x.intercept,
          weights: Object.fromEntries(FACTOR_NAMES.map((f, j) => [f, (x.weights[j] + 1e-3) / x.weights.reduce((s, w) => s + w + 1e-3, 0)])) as Record<FactorName, number>,
        },
        input: {
          ...emptyInput(),
          tradeExperiences: x.payments.map((p, i) => trade(`p${i}`, p.amount, addDays(AS_OF, -60), p.late === null ? null : addDays(AS_OF, -60 + p.late), addDays(AS_OF, -90))),
          financialStatements: x.statement === 'NONE' ? [] : [x.statement === 'SOUND' ? soundStatement(2025) : weakStatement(2025)],
          publicRecords: x.judgment ? [{ id: 'j', kind: 'JUDGMENT' as const, eventDate: '2025-01-10', endedOn: null, amount: null }] : [],
          softSignals: x.soft.map((kind, i) => ({ id: `s${i}`, kind, recordedOn: '2026-01-01', validUntil: null, value: 1 })),
        } as ScoringInput,
      }));
    fc.assert(
      fc.property(input, ({ input: i, spec }) => {
        const r = rateCompany(i, AS_OF);
        const report = backtestUnder([{ rating: { companyId: r.companyId, asOf: r.asOf, pd: r.pd, grade: r.grade, subScores: subScoresOf(r) }, defaulted: false }], spec);
        expect(report.calibration).toHaveLength(1);
        expect(Math.abs(report.calibration[0].meanPd - rateCompany(i, AS_OF, spec).pd)).toBeLessThan(1e-9);
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
