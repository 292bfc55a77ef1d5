import { sigmoid } from '../common/math';
import type { RatioValue } from './financial-ratios';

/**
 * The financial-strength model: a generalised additive logistic model (Hastie & Tibshirani
 * 1986), logit = intercept + sum_f shape_f(ratio_f). Each shape is a step function over
 * quantile bins of its ratio, monotone in the ratio's declared direction, with "missing"
 * (a zero denominator, as the data set leaves it empty) as its own bin; values beyond the
 * outermost edges fall in the end bins (winsorised). Shapes are centred on the training
 * data, so a ratio whose optional field was not filed contributes 0: the average firm.
 * The PD is Platt-calibrated to the one-year (5year file) horizon: pd = sigmoid(a + b·logit).
 * Fitted by tools/model/fit.ts; explained in docs/scoring.md.
 */
export interface ShapeFunction {
  readonly feature: string;
  readonly direction: 1 | -1;
  /** ascending bin edges; bin k holds edges[k-1] <= x < edges[k] */
  readonly edges: readonly number[];
  /** one log-odds contribution per bin: edges.length + 1 values */
  readonly values: readonly number[];
  /** the contribution of a missing (undefined) ratio */
  readonly missing: number;
}

/**
 * A pairwise term (GA2M, Lou et al. 2013): a table over coarse quantile bins of two ratios,
 * the missing bin last on each axis; monotone along a ratio that profit moves.
 */
export interface PairTerm {
  readonly features: readonly [string, string];
  readonly edges: readonly [readonly number[], readonly number[]];
  /** values[a][b]; a and b run over the bins, then the missing bin */
  readonly values: readonly (readonly number[])[];
  /** the training share of each bin (missing last) on each axis */
  readonly axisWeights: readonly [readonly number[], readonly number[]];
}

export interface FinancialModel {
  readonly version: string;
  readonly description: string;
  readonly intercept: number;
  readonly calibration: { readonly a: number; readonly b: number };
  readonly shapes: readonly ShapeFunction[];
  readonly pairs: readonly PairTerm[];
  readonly training: Readonly<Record<string, unknown>>;
}

export interface FinancialContribution {
  readonly feature: string;
  readonly value: RatioValue;
  readonly contribution: number;
}

/** The bin a value falls in (binary search over the edges). */
export function binIndex(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function shapeValue(shape: ShapeFunction, x: RatioValue): number {
  if (x === undefined) return 0; // not filed: the centred average
  if (x === null || Number.isNaN(x)) return shape.missing;
  return shape.values[binIndex(shape.edges, x)];
}

/**
 * A pair's contribution. A ratio that was not filed takes the training-weighted average
 * along its axis: the same "contributes as the average firm" rule as the shapes.
 */
export function pairValue(pair: PairTerm, xa: RatioValue, xb: RatioValue): number {
  const axis = (k: 0 | 1, x: RatioValue): (readonly [number, number])[] => {
    const edges = pair.edges[k];
    if (x === undefined) return pair.axisWeights[k].map((w, bin) => [bin, w] as const);
    if (x === null || Number.isNaN(x)) return [[edges.length + 1, 1]];
    return [[binIndex(edges, x), 1]];
  };
  let sum = 0;
  for (const [i, wi] of axis(0, xa)) for (const [j, wj] of axis(1, xb)) sum += wi * wj * pair.values[i][j];
  return sum;
}

/** The model's log-odds of bankruptcy and each ratio's contribution. */
export function financialLogit(
  model: FinancialModel,
  ratios: Readonly<Record<string, RatioValue>>,
): { readonly logit: number; readonly contributions: readonly FinancialContribution[] } {
  let logit = model.intercept;
  const contributions: FinancialContribution[] = [];
  for (const shape of model.shapes) {
    const value = ratios[shape.feature];
    const contribution = shapeValue(shape, value);
    logit += contribution;
    contributions.push({ feature: shape.feature, value, contribution });
  }
  for (const pair of model.pairs) {
    const contribution = pairValue(pair, ratios[pair.features[0]], ratios[pair.features[1]]);
    logit += contribution;
    contributions.push({ feature: `${pair.features[0]} x ${pair.features[1]}`, value: null, contribution });
  }
  return { logit, contributions };
}

/** The calibrated one-year PD of the financial model alone. */
export function financialPd(model: FinancialModel, ratios: Readonly<Record<string, RatioValue>>): number {
  const { logit } = financialLogit(model, ratios);
  return sigmoid(model.calibration.a + model.calibration.b * logit);
}
