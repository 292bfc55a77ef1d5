import { clamp, logit } from './math';

/**
 * One meaning for every sub-score: sub-score s is the PD that a company would have if all
 * its factors stood at s, logit(PD) = 1.0 - 8.5·s/100 (the default combination of
 * rating/rating-model.ts): 100 -> 0.055 %, 80 -> 0.30 %, 50 -> 3.7 %, 20 -> 33 %, 0 -> 73 %.
 * Factors that are themselves PDs (the financial model, counterparties' ratings) map onto
 * sub-scores through it. Fixed: a refit of the combination does not move it.
 */
export const SUB_SCORE_SCALE = { intercept: 1.0, slope: 8.5 } as const;

export function pdToSubScore(pd: number): number {
  const p = clamp(pd, 1e-9, 1 - 1e-9);
  return clamp((100 * (SUB_SCORE_SCALE.intercept - logit(p))) / SUB_SCORE_SCALE.slope, 0, 100);
}
