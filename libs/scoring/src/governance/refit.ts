import type { FactorName, RatingModelSpec, RefitProposal } from '@app/domain/scoring';
import { FACTOR_NAMES } from '@app/domain/scoring';
import { sigmoid } from '../common/math';
import { pdToGrade } from '../rating/master-scale';
import { CORE_FACTORS, NEUTRAL_SUB_SCORE } from '../rating/rating-model';
import { backtestFromPds, type BacktestObservation } from './backtest';

export interface RefitOptions {
  /** L2 penalty on the coefficients (ridge), in units of the log-likelihood of one observation each */
  readonly l2: number;
  readonly iterations: number;
  /** the version the proposal will carry */
  readonly version: string;
}

export const DEFAULT_REFIT_OPTIONS: Omit<RefitOptions, 'version'> = { l2: 1, iterations: 200 };

/**
 * The features a refit sees: each factor's sub-score / 100, a missing one imputed the way the
 * rating treats it (a core factor at the neutral 50; a supplementary one at the mean of the
 * present ones, which is what re-weighting amounts to).
 */
function features(sub: Readonly<Record<FactorName, number | null>>, spec: RatingModelSpec): number[] {
  let present = 0;
  let weight = 0;
  for (const f of FACTOR_NAMES) {
    const s = sub[f];
    if (s !== null) {
      present += spec.weights[f] * s;
      weight += spec.weights[f];
    }
  }
  const mean = weight > 0 ? present / weight : NEUTRAL_SUB_SCORE;
  return FACTOR_NAMES.map((f) => {
    const s = sub[f];
    if (s !== null) return s / 100;
    return ((CORE_FACTORS as readonly string[]).includes(f) ? NEUTRAL_SUB_SCORE : mean) / 100;
  });
}

/**
 * Refit from a consortium's own history: logistic regression of "defaulted within 12
 * months" on the sub-scores, ridge-regularised (L2, Hoerl & Kennard 1970) and with every
 * coefficient kept <= 0 (a better sub-score never raises the PD), by projected Newton-free
 * gradient steps. The coefficients become a proposed spec: slope = -Σβ, weights = -β/slope.
 * A proposal only: a coordinator reviews and activates it; nothing changes the live model.
 */
export function refitRatingModel(
  observations: readonly BacktestObservation[],
  current: RatingModelSpec,
  options: RefitOptions,
): RefitProposal {
  const X = observations.map((o) => features(o.rating.subScores, current));
  const y = observations.map((o) => (o.defaulted ? 1 : 0));
  const k = FACTOR_NAMES.length;
  // start from the current model: beta_f = -slope · w_f
  let intercept = current.intercept;
  const beta = FACTOR_NAMES.map((f) => -current.slope * current.weights[f]);
  const n = Math.max(1, X.length);
  // step size from the Lipschitz bound of the logistic loss: 1/4 · max ||x||^2 <= k/4 (x in [0,1])
  const step = 1 / ((k + 1) / 4 + options.l2 / n);
  for (let it = 0; it < options.iterations; it += 1) {
    let g0 = 0;
    const g = new Array<number>(k).fill(0);
    for (let i = 0; i < X.length; i += 1) {
      let z = intercept;
      for (let j = 0; j < k; j += 1) z += beta[j] * X[i][j];
      const r = sigmoid(z) - y[i];
      g0 += r;
      for (let j = 0; j < k; j += 1) g[j] += r * X[i][j];
    }
    intercept -= (step * g0) / n;
    for (let j = 0; j < k; j += 1) beta[j] = Math.min(0, beta[j] - step * (g[j] / n + (options.l2 / n) * beta[j]));
  }
  const slope = -beta.reduce((s, b) => s + b, 0);
  const usable = slope > 1e-9;
  const weights = Object.fromEntries(
    FACTOR_NAMES.map((f, j) => [f, usable ? -beta[j] / slope : current.weights[f]]),
  ) as Record<FactorName, number>;
  const spec: RatingModelSpec = {
    ...current,
    version: options.version,
    intercept: usable ? intercept : current.intercept,
    slope: usable ? slope : current.slope,
    weights,
  };
  const evaluate = (s: RatingModelSpec) => {
    const pds = X.map((x) => {
      let z = s.intercept;
      FACTOR_NAMES.forEach((f, j) => (z -= s.slope * s.weights[f] * x[j]));
      return Math.max(s.pdFloor, sigmoid(z));
    });
    return backtestFromPds(pds, y.map((v) => v === 1), pds.map((p) => pdToGrade(p)));
  };
  return {
    status: 'PROPOSED',
    basedOn: current.version,
    spec,
    current: evaluate(current),
    proposed: evaluate(spec),
    observations: X.length,
  };
}
