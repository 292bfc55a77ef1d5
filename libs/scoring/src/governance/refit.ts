import type { BacktestReport, FactorName, FactorResult, RatingModelSpec, RefitProposal } from '@app/domain/scoring';
import { FACTOR_NAMES } from '@app/domain/scoring';
import { sigmoid } from '../common/math';
import { pdToGrade } from '../rating/master-scale';
import { combineFactors, combinedPd } from '../rating/stand-alone-rating';
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
 * The features a refit sees: each factor's sub-score / 100, imputed so that under `spec` the
 * linear predictor Σ_f w_f·x_f is the rating's own combined score S / 100 (combineFactors),
 * and so the current spec's refit PD is the live PD:
 *
 * - a missing core factor sits at the neutral 50, as in the rating;
 * - a missing supplementary factor (soft information, network) sits at S itself: with
 *   weights adding up to 1, Σ_present w·s + W_missing_core·50 + W_missing_supp·S = S is what
 *   re-weighting it away and pulling the rest towards 50 by the share c amounts to;
 * - where the soft-information cap binds (its re-normalised weight above the cap, beside
 *   other factors that spoke), soft information is shrunk towards the weighted mean m of
 *   those others: x = m + λ·(s − m) with λ = cap · W_present / w_soft, so that it carries
 *   exactly the capped share.
 */
export function refitFeatures(sub: Readonly<Record<FactorName, number | null>>, spec: RatingModelSpec): number[] {
  const factors: FactorResult[] = FACTOR_NAMES.map((factor) => {
    const subScore = sub[factor];
    return subScore === null
      ? { factor, status: 'INSUFFICIENT_DATA', reasonCode: 'THIN_FILE', why: 'missing in the history', records: 0 }
      : { factor, status: 'SCORED', subScore, reasonCode: null, figures: {}, records: 0 };
  });
  const { combined } = combineFactors(factors, spec);
  let presentWeight = 0;
  let others = 0;
  let othersWeight = 0;
  for (const f of FACTOR_NAMES) {
    const s = sub[f];
    if (s === null) continue;
    presentWeight += spec.weights[f];
    if (f !== 'SOFT_INFORMATION') {
      others += spec.weights[f] * s;
      othersWeight += spec.weights[f];
    }
  }
  const soft = sub.SOFT_INFORMATION;
  // the condition of combineFactors: soft's re-normalised share above the cap, beside others
  const softShare = presentWeight > 0 ? spec.weights.SOFT_INFORMATION / presentWeight : 0;
  const capped = soft !== null && othersWeight > 0 && softShare > spec.softInformationCap && softShare < 1;
  return FACTOR_NAMES.map((f) => {
    const s = sub[f];
    if (s === null) return ((CORE_FACTORS as readonly string[]).includes(f) ? NEUTRAL_SUB_SCORE : combined) / 100;
    if (f === 'SOFT_INFORMATION' && capped) {
      const mean = others / othersWeight;
      const shrink = (spec.softInformationCap * presentWeight) / spec.weights.SOFT_INFORMATION;
      return (mean + shrink * (s - mean)) / 100;
    }
    return s / 100;
  });
}

/**
 * A model's backtest on the history: each observation scored as a rating under `spec` would
 * score it (its sub-scores, the missing factors imputed under `spec`, the rating's own link
 * `combinedPd`), whatever model rated it at the time. The live model's backtest and a
 * proposal's are so comparable on the same observations.
 */
export function backtestUnder(observations: readonly BacktestObservation[], spec: RatingModelSpec): BacktestReport {
  const pds = observations.map((o) => {
    const x = refitFeatures(o.rating.subScores, spec);
    return combinedPd(100 * FACTOR_NAMES.reduce((sum, f, j) => sum + spec.weights[f] * x[j], 0), spec);
  });
  return backtestFromPds(
    pds,
    observations.map((o) => o.defaulted),
    pds.map((p) => pdToGrade(p)),
  );
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
  const X = observations.map((o) => refitFeatures(o.rating.subScores, current));
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
  return {
    status: 'PROPOSED',
    basedOn: current.version,
    spec,
    current: backtestUnder(observations, current),
    proposed: backtestUnder(observations, spec),
    observations: X.length,
  };
}
