/**
 * Altman's Z''-score for private and non-manufacturing firms (Altman 2000; credit-anchors §5.3):
 * Z'' = 6.56·X1 + 3.26·X2 + 6.72·X3 + 1.05·X4 with X1 = working capital / total assets,
 * X2 = retained earnings / total assets, X3 = EBIT / total assets, X4 = book equity / total
 * liabilities. Zones: below 1.10 distress, 1.10..2.60 grey, above 2.60 safe.
 */
export const ALTMAN_Z2_COEFFICIENTS = { x1: 6.56, x2: 3.26, x3: 6.72, x4: 1.05 } as const;
export const ALTMAN_Z2_DISTRESS_BELOW = 1.1;
export const ALTMAN_Z2_SAFE_ABOVE = 2.6;

export type AltmanZone = 'DISTRESS' | 'GREY' | 'SAFE';

export function altmanZ2(x1: number, x2: number, x3: number, x4: number): number {
  const c = ALTMAN_Z2_COEFFICIENTS;
  return c.x1 * x1 + c.x2 * x2 + c.x3 * x3 + c.x4 * x4;
}

export function altmanZone(z: number): AltmanZone {
  if (z < ALTMAN_Z2_DISTRESS_BELOW) return 'DISTRESS';
  if (z > ALTMAN_Z2_SAFE_ABOVE) return 'SAFE';
  return 'GREY';
}
