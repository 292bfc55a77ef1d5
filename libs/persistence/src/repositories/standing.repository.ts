import type { ConsortiumRiskParameters, ConsortiumStanding, Grade } from '@app/domain/scoring';
import type { StoredStanding } from '@app/domain/ratings';
import type { Db } from '../database';

interface StandingRow {
  id: string;
  detail: ConsortiumStanding;
  data_version: string;
  model_version: string;
  computed_at: Date;
}

const toStored = (r: StandingRow): StoredStanding => ({
  ...r.detail,
  id: r.id,
  dataVersion: r.data_version,
  modelVersion: r.model_version,
  computedAt: r.computed_at,
});

/** What a member's backed rating reads of its consortium's current standing. */
export interface StandingBrief {
  readonly id: string;
  readonly consortiumId: string;
  readonly grade: Grade;
  readonly standingPd: number;
  readonly guaranteeCoverage: number;
  readonly parameters: ConsortiumRiskParameters | null;
  readonly dataVersion: string;
}

/** Standings are appended like ratings; the current one is the latest. */
export class StandingRepository {
  /** Serialises computing one consortium's standing: an advisory lock held until the transaction ends. */
  async lockConsortium(db: Db, consortiumId: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('standing:' || $1, 0))`, [consortiumId]);
  }

  async currentBriefs(db: Db, consortiumIds: readonly string[]): Promise<Map<string, StandingBrief>> {
    if (consortiumIds.length === 0) return new Map();
    const rows: { id: string; consortium_id: string; grade: Grade; standing_pd: number | null; weighted_pd: number; guarantee_coverage: number; parameters: ConsortiumRiskParameters | null; data_version: string }[] =
      await db.query(
        `SELECT s.* FROM unnest($1::uuid[]) c (id) CROSS JOIN LATERAL (
           SELECT id, consortium_id, grade, standing_pd, weighted_pd, guarantee_coverage, parameters, data_version
           FROM consortium_standings WHERE consortium_id = c.id ORDER BY id DESC LIMIT 1) s`,
        [[...new Set(consortiumIds)]],
      );
    return new Map(
      rows.map((r) => [
        r.consortium_id,
        {
          id: r.id,
          consortiumId: r.consortium_id,
          grade: r.grade,
          standingPd: r.standing_pd ?? r.weighted_pd,
          guaranteeCoverage: r.guarantee_coverage,
          parameters: r.parameters,
          dataVersion: r.data_version,
        },
      ]),
    );
  }

  async insert(db: Db, standing: ConsortiumStanding, dataVersion: string, modelVersion: string): Promise<StoredStanding> {
    const rows: StandingRow[] = await db.query(
      `INSERT INTO consortium_standings (consortium_id, grade, weighted_pd, expected_loss, concentration_hhi, guarantee_coverage,
                                         grade_distribution, systemic_risk, detail, data_version, model_version, standing_pd, parameters)
       VALUES ($1, $2, $3, $4::numeric / 100, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       RETURNING id, detail, data_version, model_version, computed_at`,
      [
        standing.consortiumId,
        standing.grade,
        standing.weightedPd,
        String(standing.expectedLoss),
        standing.concentrationHhi,
        standing.guaranteeCoverage,
        JSON.stringify(standing.gradeDistribution),
        JSON.stringify(standing.systemicRisk),
        JSON.stringify(standing),
        dataVersion,
        modelVersion,
        standing.standingPd,
        JSON.stringify(standing.parameters),
      ],
    );
    return toStored(rows[0]);
  }

  async current(db: Db, consortiumIds: readonly string[]): Promise<Map<string, StoredStanding>> {
    if (consortiumIds.length === 0) return new Map();
    const rows: StandingRow[] = await db.query(
      `SELECT s.* FROM unnest($1::uuid[]) c (id) CROSS JOIN LATERAL (
         SELECT id, detail, data_version, model_version, computed_at FROM consortium_standings WHERE consortium_id = c.id ORDER BY id DESC LIMIT 1) s`,
      [[...new Set(consortiumIds)]],
    );
    return new Map(rows.map((r) => [r.detail.consortiumId, toStored(r)]));
  }
}
