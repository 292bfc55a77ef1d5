import { describe, expect, it } from '@jest/globals';
import type { FactorName, HistoricalRating } from '@app/domain/scoring';
import { DEFAULT_RATING_MODEL } from '../rating/rating-model';
import { pdToGrade } from '../rating/master-scale';
import { backtest, backtestObservations } from './backtest';
import { discriminationMetrics } from './discrimination-metrics';
import { refitRatingModel } from './refit';

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
