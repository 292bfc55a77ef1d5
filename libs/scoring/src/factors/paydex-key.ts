import { interpolate } from '../common/math';

/**
 * The PAYDEX weighting key of PRODUCT.md (D&B; credit-anchors §1.1): days beyond terms ->
 * index. 30 days early = 100, on time = 80, 15 days late = 70, 30 = 50, 60 = 40, 90 = 30,
 * 120 = 20, linear in between. D&B's key stops at 120 days (20); we carry its last slope
 * (10 points per 30 days) on to 0 at 180 days, so that a debt left unpaid keeps getting
 * worse instead of freezing at 20.
 */
export const PAYDEX_KEY: readonly (readonly [number, number])[] = [
  [-30, 100],
  [0, 80],
  [15, 70],
  [30, 50],
  [60, 40],
  [90, 30],
  [120, 20],
  [180, 0],
];

/** The key value for one experience's days beyond terms (negative = paid early). */
export function paydexKey(daysBeyondTerms: number): number {
  return interpolate(PAYDEX_KEY, daysBeyondTerms);
}

/**
 * Three times the key, for whole days: an integer, because every slope of the key is a whole
 * number of thirds of a point a day. Sums of amount x keyThirds are exact in any order, in
 * JavaScript's bigint as in PostgreSQL's numeric; `PAYDEX_KEY_THIRDS_SQL` is the same function
 * in SQL, and a property test holds the three equal.
 */
export function paydexKeyThirds(daysBeyondTerms: number): number {
  if (!Number.isInteger(daysBeyondTerms)) throw new RangeError(`days beyond terms must be whole: ${daysBeyondTerms}`);
  const d = daysBeyondTerms;
  if (d <= -30) return 300;
  if (d <= 15) return 240 - 2 * d;
  if (d <= 30) return 270 - 4 * d;
  if (d <= 180) return 180 - d;
  return 0;
}

