import type { ConsortiumStanding } from '@app/domain/scoring';
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

/** Standings are appended like ratings; the current one is the latest. */
export class StandingRepository {
  async insert(db: Db, standing: ConsortiumStanding, dataVersion: string, modelVersion: string): Promise<StoredStanding> {
    const rows: StandingRow[] = await db.query(
      `INSERT INTO consortium_standings (consortium_id, grade, weighted_pd, expected_loss, concentration_hhi, guarantee_coverage,
                                         grade_distribution, systemic_risk, detail, data_version, model_version)
       VALUES ($1, $2, $3, $4::numeric / 100, $5, $6, $7, $8, $9, $10, $11)
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
      ],
    );
    return toStored(rows[0]);
  }

  async current(db: Db, consortiumIds: readonly string[]): Promise<Map<string, StoredStanding>> {
    if (consortiumIds.length === 0) return new Map();
    const rows: StandingRow[] = await db.query(
      `SELECT DISTINCT ON (consortium_id) id, detail, data_version, model_version, computed_at
       FROM consortium_standings WHERE consortium_id = ANY($1::uuid[]) ORDER BY consortium_id, id DESC`,
      [consortiumIds],
    );
    return new Map(rows.map((r) => [r.detail.consortiumId, toStored(r)]));
  }
}
