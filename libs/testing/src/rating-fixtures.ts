import type { StoredRating, StoredStanding } from '@app/domain';
import type { BackedRating, ConsortiumStanding, CreditRating, Grade } from '@app/domain/scoring';
import { RatingEventRepository, type RatingChangedEvent, RatingRepository, StandingRepository } from '@app/persistence';
import type { DataSource } from 'typeorm';

/** A plausible stand-alone rating for tests, as the engine would hand it over. */
export function ratingFixture(companyId: string, overrides: Partial<CreditRating> = {}): CreditRating {
  return {
    companyId,
    score: 712,
    grade: 'BBB',
    pd: 0.0123,
    inDefault: false,
    reasons: [
      {
        code: 'PAYMENT_DELAYS',
        factor: 'PAYMENT_BEHAVIOUR',
        description: 'Pays suppliers about 15 days beyond terms',
        descriptionZh: '平均逾期约15天付款',
        pointsLost: 18,
      },
      { code: 'HIGH_LEVERAGE', factor: 'FINANCIAL_STRENGTH', description: 'Liabilities are high against equity', descriptionZh: '负债相对权益偏高', pointsLost: 9 },
    ],
    factors: [
      { name: 'PAYMENT_BEHAVIOUR', score: 70, weight: 0.55 },
      { name: 'FINANCIAL_STRENGTH', score: 61.5, weight: 0.45 },
    ],
    factorResults: [],
    confidence: 0.8,
    verifiedRecords: 14,
    modelVersion: 'test-model-1',
    asOf: '2026-11-01',
    ...overrides,
  };
}

export function backedFixture(overrides: Partial<BackedRating> = {}): BackedRating {
  return {
    grade: 'A',
    pd: 0.0081,
    notchesUplift: 1,
    limitedBy: 'NONE',
    supportProbability: 0.5,
    correlation: 0.3,
    fundPd: 0.01,
    supportedPd: 0.0081,
    ...overrides,
  };
}

export function standingFixture(consortiumId: string, grade: Grade = 'A', overrides: Partial<ConsortiumStanding> = {}): ConsortiumStanding {
  return {
    consortiumId,
    grade,
    standingPd: 0.009,
    weightedPd: 0.011,
    expectedLoss: 1_234_500,
    stressedExpectedLoss: 3_703_500,
    totalExposure: 250_000_000,
    gradeDistribution: [
      { grade: 'A', count: 1 },
      { grade: 'BBB', count: 1 },
    ],
    concentrationHhi: 0.52,
    guaranteeCoverage: 1.4,
    systemicRisk: [],
    meanDebtRank: 0,
    notches: [],
    parameters: { lgd: 0.45, stressFactor: 3, supportProbability: 0.5, correlation: 0.3, distressThreshold: 0.5 },
    ...overrides,
  };
}

/** Writes what the recompute pipeline would: ratings, standings, RatingChanged events. */
export class RatingFixtures {
  constructor(private readonly dataSource: DataSource) {}

  rating(company: { id: string; consortiumId: string }, overrides: Partial<CreditRating> = {}, backed: BackedRating | null = backedFixture()): Promise<StoredRating> {
    return new RatingRepository().insert(this.dataSource.manager, company.consortiumId, ratingFixture(company.id, overrides), backed, `test-${Math.random()}`);
  }

  standing(consortiumId: string, grade: Grade = 'A', overrides: Partial<ConsortiumStanding> = {}): Promise<StoredStanding> {
    return new StandingRepository().insert(this.dataSource.manager, standingFixture(consortiumId, grade, overrides), `test-${Math.random()}`, 'test-model-1');
  }

  /** A new rating and the RatingChanged event of the move from `previous`. */
  async ratingChange(company: { id: string; consortiumId: string }, previous: StoredRating | null, overrides: Partial<CreditRating>): Promise<RatingChangedEvent> {
    const next = await this.rating(company, overrides);
    const [event] = await new RatingEventRepository().insertMany(this.dataSource.manager, [{
      companyId: company.id,
      consortiumId: company.consortiumId,
      ratingId: next.id,
      previousRatingId: previous?.id ?? null,
      oldGrade: previous?.grade ?? null,
      newGrade: next.grade,
      oldScore: previous?.score ?? null,
      newScore: next.score,
    }]);
    return event;
  }
}
