/**
 * The scale of PRODUCT.md (scorecard scaling, credit-anchors §5.4): score = offset + factor ·
 * ln(odds of not defaulting), factor = PDO / ln 2, offset = 600 - factor · ln 50, so 600
 * points at odds 50:1 and 40 more points each time the odds double; clamped to 300..900.
 */
export const SCORE_AT_ANCHOR = 600;
export const ANCHOR_ODDS = 50;
export const POINTS_TO_DOUBLE_ODDS = 40;
export const SCALE_FACTOR = POINTS_TO_DOUBLE_ODDS / Math.LN2; // 57.7078...
export const SCALE_OFFSET = SCORE_AT_ANCHOR - SCALE_FACTOR * Math.log(ANCHOR_ODDS); // 374.2458...
export const MIN_SCORE = 300;
export const MAX_SCORE = 900;

/** The unrounded, unclamped score of a PD. */
export function rawScore(pd: number): number {
  return SCALE_OFFSET + SCALE_FACTOR * Math.log((1 - pd) / pd);
}

/** The integer score 300..900 of a PD (a PD of 1, a company in default, scores 300). */
export function pdToScore(pd: number): number {
  if (pd >= 1) return MIN_SCORE;
  if (pd <= 0) return MAX_SCORE;
  return Math.min(MAX_SCORE, Math.max(MIN_SCORE, Math.round(rawScore(pd))));
}
