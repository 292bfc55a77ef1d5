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
  /** the most Newton steps a fit takes; one that has not converged by then says so (`converged`) */
  readonly iterations: number;
  /** converged when no coefficient's projected gradient (of the mean penalised log-loss) exceeds this */
  readonly tolerance?: number;
  /** the folds of the proposal's out-of-sample backtest, by company (REFIT_FOLDS) */
  readonly folds?: number;
  /** the version the proposal will carry */
  readonly version: string;
}

/** A refit's proposal, and whether its fit reached the optimum. */
export interface RefitResult extends RefitProposal {
  /** `proposed` is backtested on out-of-fold PDs from this many folds by company; `current` (the live model, not fitted here) on the same observations */
  readonly folds: number;
  /** whether the fit (and every fold's) reached its optimum: no projected gradient above `tolerance` within `iterations` Newton steps */
  readonly converged: boolean;
  readonly iterations: number;
}

export const DEFAULT_REFIT_OPTIONS: Omit<RefitOptions, 'version'> = { l2: 1, iterations: 100, tolerance: 1e-9 };

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
  const pds = observations.map((o) => pdUnder(o, spec));
  return backtestFromPds(
    pds,
    observations.map((o) => o.defaulted),
    pds.map((p) => pdToGrade(p)),
  );
}

/** A fitted logistic regression: logit(PD) = intercept + Σ beta_j · x_j, every beta_j <= 0. */
export interface LogisticFit {
  readonly intercept: number;
  readonly beta: readonly number[];
  readonly converged: boolean;
  readonly iterations: number;
  /** the largest projected gradient of the mean penalised log-loss at the fit */
  readonly projectedGradient: number;
}

/** log(1 + e^z) without overflow */
const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/**
 * Solves the symmetric positive definite system A·d = b (Cholesky); null when A is not
 * numerically positive definite.
 */
function solveSpd(A: number[][], b: number[]): number[] | null {
  const m = b.length;
  const L = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < m; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = A[i][j];
      for (let k = 0; k < j; k += 1) sum -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(sum > 1e-300)) return null;
        L[i][i] = Math.sqrt(sum);
      } else {
        L[i][j] = sum / L[j][j];
      }
    }
  }
  const z = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i += 1) {
    let sum = b[i];
    for (let k = 0; k < i; k += 1) sum -= L[i][k] * z[k];
    z[i] = sum / L[i][i];
  }
  const d = new Array<number>(m).fill(0);
  for (let i = m - 1; i >= 0; i -= 1) {
    let sum = z[i];
    for (let k = i + 1; k < m; k += 1) sum -= L[k][i] * d[k];
    d[i] = sum / L[i][i];
  }
  return d;
}

/**
 * A fit that ends short of its tolerance (rounding leaves no step that lowers the loss, or
 * the step cap) still counts as converged under this projected gradient: the optimum in
 * floating point, where no PD moves by a visible amount. Which fits stall depends on the
 * order of the observations' sums: a proposal was refused as "not converged" once in a CI run.
 */
const ACCEPTED_GRADIENT = 1e-6;

/**
 * Ridge-penalised logistic regression with every coefficient kept <= 0 (the intercept free
 * and unpenalised): minimises Σ_i [log(1 + e^{z_i}) − y_i·z_i] + l2/2 · Σ_j beta_j² by
 * projected Newton steps (Bertsekas 1982): coefficients at (or within ε of) 0 whose gradient
 * pushes them up stay at 0, a Newton step on the others (their block of the Hessian), then a
 * projected Armijo line search. The objective is strictly convex in the coefficients, so it
 * stops at the one optimum, when the largest projected gradient (of the mean over the
 * observations) is below `tolerance`, when rounding leaves no step that lowers the loss, or
 * after `iterations` steps; `converged` says whether it ended below `tolerance` or below
 * ACCEPTED_GRADIENT. Starts from `start`.
 */
export function fitLogistic(
  X: readonly (readonly number[])[],
  y: readonly number[],
  start: { readonly intercept: number; readonly beta: readonly number[] },
  options: { readonly l2: number; readonly iterations: number; readonly tolerance?: number },
): LogisticFit {
  const k = start.beta.length;
  const n = Math.max(1, X.length);
  const tolerance = options.tolerance ?? 1e-9;
  // theta = [intercept, beta_1..beta_k]
  let theta = [start.intercept, ...start.beta.map((b) => Math.min(0, b))];
  const objective = (t: readonly number[]): number => {
    let f = 0;
    for (let i = 0; i < X.length; i += 1) {
      let z = t[0];
      for (let j = 0; j < k; j += 1) z += t[j + 1] * X[i][j];
      f += softplus(z) - y[i] * z;
    }
    for (let j = 1; j <= k; j += 1) f += (options.l2 / 2) * t[j] * t[j];
    return f;
  };
  const derivatives = (t: readonly number[]): { g: number[]; H: number[][] } => {
    const g = new Array<number>(k + 1).fill(0);
    const H = Array.from({ length: k + 1 }, () => new Array<number>(k + 1).fill(0));
    const row = new Array<number>(k + 1).fill(1);
    for (let i = 0; i < X.length; i += 1) {
      let z = t[0];
      for (let j = 0; j < k; j += 1) {
        row[j + 1] = X[i][j];
        z += t[j + 1] * X[i][j];
      }
      const p = sigmoid(z);
      const r = p - y[i];
      const w = p * (1 - p);
      for (let a = 0; a <= k; a += 1) {
        g[a] += r * row[a];
        for (let b = 0; b <= a; b += 1) H[a][b] += w * row[a] * row[b];
      }
    }
    for (let j = 1; j <= k; j += 1) {
      g[j] += options.l2 * t[j];
      H[j][j] += options.l2;
    }
    for (let a = 0; a <= k; a += 1) for (let b = a + 1; b <= k; b += 1) H[a][b] = H[b][a];
    return { g, H };
  };
  /** the largest projected gradient, of the mean: a coefficient at 0 counts only if descent would lower it */
  const projected = (t: readonly number[], g: readonly number[]): number => {
    let worst = Math.abs(g[0]);
    for (let j = 1; j <= k; j += 1) worst = Math.max(worst, t[j] < 0 ? Math.abs(g[j]) : Math.max(0, g[j]));
    return worst / n;
  };
  const project = (t: readonly number[]): number[] => t.map((v, j) => (j === 0 ? v : Math.min(0, v)));

  let f = objective(theta);
  let iterations = 0;
  let { g, H } = derivatives(theta);
  let pg = projected(theta, g);
  while (pg >= tolerance && iterations < options.iterations) {
    iterations += 1;
    // ε-active: at or near 0 and pushed up by descent; they move by a scaled gradient step only
    const epsilon = Math.min(1e-3, pg * n);
    const active = theta.map((v, j) => j > 0 && v >= -epsilon && g[j] < 0);
    const free = theta.map((_, j) => j).filter((j) => !active[j]);
    const direction = new Array<number>(k + 1).fill(0);
    const dFree = solveSpd(
      free.map((a) => free.map((b) => H[a][b])),
      free.map((a) => -g[a]),
    );
    for (let j = 0; j <= k; j += 1) if (active[j]) direction[j] = -g[j] / H[j][j];
    if (dFree) free.forEach((a, i) => (direction[a] = dFree[i]));
    else for (const a of free) direction[a] = -g[a] / H[a][a];
    // projected Armijo search: f(P(θ + s·d)) <= f(θ) + σ·g·(P(θ + s·d) − θ)
    let step = 1;
    let next: number[] | null = null;
    let fNext = f;
    for (let halvings = 0; halvings < 60; halvings += 1) {
      const candidate = project(theta.map((v, j) => v + step * direction[j]));
      const decrease = candidate.reduce((s, v, j) => s + g[j] * (v - theta[j]), 0);
      const fCandidate = objective(candidate);
      if (decrease < 0 && fCandidate <= f + 1e-4 * decrease) {
        next = candidate;
        fNext = fCandidate;
        break;
      }
      step /= 2;
    }
    if (!next) {
      // no decrease along the Newton direction (rounding near the optimum): a projected gradient step
      const scale = 1 / Math.max(...H.map((r, j) => r[j]));
      const candidate = project(theta.map((v, j) => v - scale * g[j]));
      const fCandidate = objective(candidate);
      // no step lowers the loss any more: rounding, at (or next to) the optimum
      if (!(fCandidate < f)) break;
      next = candidate;
      fNext = fCandidate;
    }
    theta = next;
    f = fNext;
    ({ g, H } = derivatives(theta));
    pg = projected(theta, g);
  }
  const converged = pg < Math.max(tolerance, ACCEPTED_GRADIENT);
  return { intercept: theta[0], beta: theta.slice(1), converged, iterations, projectedGradient: pg };
}

/** The folds of a proposal's out-of-sample backtest (k-fold cross-validation by company). */
export const REFIT_FOLDS = 5;

/** 32-bit FNV-1a of a string: a fixed, platform-independent order of company ids */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i += 1) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** How much of a history a refit has to work with: observations, and companies with and without a default. */
export interface RefitHistory {
  readonly observations: number;
  readonly defaults: number;
  readonly companies: number;
  /** companies with at least one observation followed by a default */
  readonly defaultedCompanies: number;
}

const defaultedByCompany = (observations: readonly BacktestObservation[]): Map<string, boolean> => {
  const byCompany = new Map<string, boolean>();
  for (const o of observations) byCompany.set(o.rating.companyId, (byCompany.get(o.rating.companyId) ?? false) || o.defaulted);
  return byCompany;
};

export function refitHistory(observations: readonly BacktestObservation[]): RefitHistory {
  const byCompany = defaultedByCompany(observations);
  return {
    observations: observations.length,
    defaults: observations.filter((o) => o.defaulted).length,
    companies: byCompany.size,
    defaultedCompanies: [...byCompany.values()].filter(Boolean).length,
  };
}

/**
 * The fold (0 .. folds − 1) of each observation, for cross-validation grouped by company: a
 * firm's monthly observations share its outcome, so all of them are held out together (else
 * the model would be scored on near-copies of what it was fitted on). Stratified and fixed:
 * the companies with a default, then the others, each in the order of a hash of their id,
 * are dealt to the folds in turn, so that every fold holds out ⌊D/k⌋ or ⌈D/k⌉ of the D
 * companies with a default, and the same history always gets the same folds, whatever the
 * order of its observations.
 */
export function refitFolds(observations: readonly BacktestObservation[], folds: number): number[] {
  const byCompany = defaultedByCompany(observations);
  const order = (ids: string[]) => ids.sort((a, b) => fnv1a(a) - fnv1a(b) || (a < b ? -1 : a > b ? 1 : 0));
  const ids = [...byCompany.keys()];
  const dealt = [...order(ids.filter((id) => byCompany.get(id))), ...order(ids.filter((id) => !byCompany.get(id)))];
  const foldOf = new Map(dealt.map((id, i) => [id, i % folds]));
  return observations.map((o) => foldOf.get(o.rating.companyId) ?? 0);
}

/** The spec a fit proposes: slope = -Σβ, weights = -β/slope; the current one's where no coefficient is left. */
function specOf(fit: LogisticFit, current: RatingModelSpec, version: string): RatingModelSpec {
  const slope = -fit.beta.reduce((s, b) => s + b, 0);
  const usable = slope > 1e-9;
  const weights = Object.fromEntries(
    FACTOR_NAMES.map((f, j) => [f, usable ? Math.max(0, -fit.beta[j] / slope) : current.weights[f]]),
  ) as Record<FactorName, number>;
  return {
    ...current,
    version,
    intercept: usable ? fit.intercept : current.intercept,
    slope: usable ? slope : current.slope,
    weights,
  };
}

/** The PD a rating under `spec` gives an observation: its missing factors imputed under `spec`, the rating's link. */
function pdUnder(o: BacktestObservation, spec: RatingModelSpec): number {
  const x = refitFeatures(o.rating.subScores, spec);
  return combinedPd(100 * FACTOR_NAMES.reduce((sum, f, j) => sum + spec.weights[f] * x[j], 0), spec);
}

/**
 * Refit from a consortium's own history: logistic regression of "defaulted within 12
 * months" on the sub-scores, ridge-regularised (L2, Hoerl & Kennard 1970) and with every
 * coefficient kept <= 0 (a better sub-score never raises the PD), fitted to its optimum by
 * projected Newton steps (`fitLogistic`). The coefficients become a proposed spec:
 * slope = -Σβ, weights = -β/slope. A proposal only: a coordinator reviews and activates it;
 * nothing changes the live model.
 *
 * The proposal is fitted on all the history, but its backtest is out-of-sample: k-fold
 * cross-validation by company (`refitFolds`), each company's observations scored by the
 * spec refitted without its fold, and the live model's backtest on the same observations.
 * Scored on the data it was fitted on, a refit of 7 parameters to a few dozen observations
 * looks better than the live model even when the sub-scores say nothing (AUC 0.66 on pure
 * noise). Needs at least `folds` companies with a default and as many without (RangeError).
 */
export function refitRatingModel(
  observations: readonly BacktestObservation[],
  current: RatingModelSpec,
  options: RefitOptions,
): RefitResult {
  const folds = options.folds ?? REFIT_FOLDS;
  const history = refitHistory(observations);
  if (history.defaultedCompanies < folds || history.companies - history.defaultedCompanies < folds) {
    throw new RangeError(
      `A refit backtested in ${folds} folds by company needs ${folds} companies with a default and ${folds} without: ${history.defaultedCompanies} and ${history.companies - history.defaultedCompanies}`,
    );
  }
  const X = observations.map((o) => refitFeatures(o.rating.subScores, current));
  const y = observations.map((o) => (o.defaulted ? 1 : 0));
  // start from the current model: beta_f = -slope · w_f
  const start = { intercept: current.intercept, beta: FACTOR_NAMES.map((f) => -current.slope * current.weights[f]) };
  const fit = fitLogistic(X, y, start, options);
  const spec = specOf(fit, current, options.version);

  // out of sample: each fold scored by the spec refitted on the other folds
  const foldOf = refitFolds(observations, folds);
  const pds = new Array<number>(observations.length).fill(0);
  let converged = fit.converged;
  for (let fold = 0; fold < folds; fold += 1) {
    const train = observations.map((_, i) => i).filter((i) => foldOf[i] !== fold);
    const foldFit = fitLogistic(
      train.map((i) => X[i]),
      train.map((i) => y[i]),
      start,
      options,
    );
    converged &&= foldFit.converged;
    const foldSpec = specOf(foldFit, current, options.version);
    observations.forEach((o, i) => {
      if (foldOf[i] === fold) pds[i] = pdUnder(o, foldSpec);
    });
  }
  return {
    status: 'PROPOSED',
    basedOn: current.version,
    spec,
    current: backtestUnder(observations, current),
    proposed: backtestFromPds(
      pds,
      observations.map((o) => o.defaulted),
      pds.map((p) => pdToGrade(p)),
    ),
    observations: X.length,
    folds,
    converged,
    iterations: fit.iterations,
  };
}
