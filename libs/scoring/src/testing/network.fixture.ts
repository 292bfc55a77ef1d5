import type { ExposureEdge, StandingMember } from '@app/domain/scoring';

export const member = (companyId: string, equity: number, size: number): StandingMember => ({
  companyId,
  pd: 0.01,
  grade: 'BB',
  exposure: 10_000_000,
  equity,
  size,
});

/**
 * Three members (Battiston et al. 2012 by hand). Equity a 10M, b 10M, c 20M fen; sizes 1:1:2,
 * so v = 0.25, 0.25, 0.5. If a defaults b loses 5M (W_ab = 0.5) and c loses 4M (W_ac = 0.2);
 * if b defaults c loses 10M (W_bc = 0.5).
 * Shock a: h = (1, 0, 0) -> a propagates: h_b = 0.5, h_c = 0.2; a inactive, b and c distressed
 * -> b propagates its 0.5: h_c = 0.2 + 0.5 x 0.5 = 0.45; c has no one to propagate to.
 * R_a = 0.25 x 1 + 0.25 x 0.5 + 0.5 x 0.45 - 0.25 x 1 = 0.35. Shock b: h_c = 0.5, R_b = 0.25. R_c = 0.
 */
export const threeMembers = [member('a', 10_000_000, 1), member('b', 10_000_000, 1), member('c', 20_000_000, 2)];
export const threeEdges: ExposureEdge[] = [
  { from: 'a', to: 'b', amount: 5_000_000, kind: 'GUARANTEE' },
  { from: 'a', to: 'c', amount: 4_000_000, kind: 'OVERDUE_PAYABLE' },
  { from: 'b', to: 'c', amount: 6_000_000, kind: 'GUARANTEE' },
  { from: 'b', to: 'c', amount: 4_000_000, kind: 'OVERDUE_PAYABLE' }, // parallel edges add up: 10M
];

