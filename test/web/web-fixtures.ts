import type { CreditRating } from '@app/domain/scoring';
import { RatingRepository, StandingRepository } from '@app/persistence';
import { consortiumStanding } from '@app/scoring';
import type { DataSource } from 'typeorm';

/**
 * A stored rating as the recompute pipeline would write it (straight through the
 * repository, so the console can be tested before and apart from the worker).
 */
export async function insertRating(dataSource: DataSource, consortiumId: string, companyId: string, overrides: Partial<CreditRating> = {}): Promise<CreditRating> {
  const rating: CreditRating = {
    companyId,
    score: 712,
    grade: 'A',
    pd: 0.0123,
    inDefault: false,
    reasons: [
      {
        code: 'PAYMENT_DELAYS',
        factor: 'PAYMENT_BEHAVIOUR',
        description: 'Pays suppliers late: amount-weighted 18 days beyond terms',
        descriptionZh: '向供应商付款延迟：金额加权平均逾期 18 天',
        pointsLost: 21,
      },
      { code: 'HIGH_LEVERAGE', factor: 'FINANCIAL_STRENGTH', description: 'Liabilities are high against equity', descriptionZh: '负债相对所有者权益偏高', pointsLost: 9 },
    ],
    factors: [
      { name: 'PAYMENT_BEHAVIOUR', score: 64, weight: 0.45 },
      { name: 'FINANCIAL_STRENGTH', score: 71.5, weight: 0.35 },
      { name: 'OBLIGATIONS', score: 92, weight: 0.2 },
    ],
    factorResults: [],
    confidence: 0.8,
    verifiedRecords: 7,
    modelVersion: 'ca-rating-test',
    asOf: '2026-01-15',
    ...overrides,
  };
  await new RatingRepository().insert(dataSource.manager, consortiumId, rating, { grade: 'AA', pd: 0.008, notchesUplift: 1, limitedBy: 'NONE', supportProbability: 0.5, correlation: 0.3, fundPd: 0.01, supportedPd: 0.008 }, `test-${Date.now()}`);
  return rating;
}

/** A computed standing of the given members (their PDs), stored as the pipeline would. */
export async function insertStanding(dataSource: DataSource, consortiumId: string, members: readonly { companyId: string; pd: number; grade: CreditRating['grade'] }[]): Promise<void> {
  const standing = consortiumStanding({
    consortiumId,
    members: members.map((m, i) => ({ ...m, exposure: 1_000_000_00 * (i + 1), equity: 2_000_000_00, size: 8_000_000_00 })),
    edges: members.length > 1 ? [{ from: members[0].companyId, to: members[1].companyId, amount: 500_000_00, kind: 'GUARANTEE' }] : [],
    fund: { balance: 3_000_000_00, coverageShare: 0.8, contributions: [] },
  });
  await new StandingRepository().insert(dataSource.manager, standing, `test-${Date.now()}`, 'ca-standing-test');
}
