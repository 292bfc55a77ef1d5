import type { BacktestReport, DefaultEvent, FactorName, Grade, HistoricalRating, RatingModelSpec } from '@app/domain/scoring';
import { FACTOR_NAMES } from '@app/domain/scoring';
import type { Db } from '../database';
import { returnedRows } from './query-result';
import { counting } from './scoring-input.repository';

export type RatingModelStatus = 'PROPOSED' | 'ACTIVE' | 'RETIRED';

export interface StoredRatingModel {
  readonly id: string;
  readonly consortiumId: string;
  readonly version: string;
  readonly spec: RatingModelSpec;
  readonly basedOn: string;
  readonly status: RatingModelStatus;
  /** the live model's backtest and the proposal's, on the same observations */
  readonly backtest: { readonly current: BacktestReport; readonly proposed: BacktestReport };
  readonly proposedBy: string | null;
  readonly proposedAt: Date;
  readonly activatedBy: string | null;
  readonly activatedAt: Date | null;
}

interface Row {
  id: string;
  consortium_id: string;
  version: string;
  spec: RatingModelSpec;
  based_on: string;
  status: RatingModelStatus;
  backtest: StoredRatingModel['backtest'];
  proposed_by: string | null;
  proposed_at: Date;
  activated_by: string | null;
  activated_at: Date | null;
}

const COLUMNS = 'id, consortium_id, version, spec, based_on, status, backtest, proposed_by, proposed_at, activated_by, activated_at';
const toModel = (r: Row): StoredRatingModel => ({
  id: r.id,
  consortiumId: r.consortium_id,
  version: r.version,
  spec: r.spec,
  basedOn: r.based_on,
  status: r.status,
  backtest: r.backtest,
  proposedBy: r.proposed_by,
  proposedAt: r.proposed_at,
  activatedBy: r.activated_by,
  activatedAt: r.activated_at,
});

/** A consortium's rating models (model governance), and the history a backtest reads. */
export class RatingModelRepository {
  async insert(db: Db, m: Omit<StoredRatingModel, 'id' | 'status' | 'activatedBy' | 'activatedAt'>): Promise<StoredRatingModel> {
    const rows: Row[] = await db.query(
      `INSERT INTO rating_models (consortium_id, version, spec, based_on, status, backtest, proposed_by, proposed_at)
       VALUES ($1, $2, $3, $4, 'PROPOSED', $5, $6, $7) RETURNING ${COLUMNS}`,
      [m.consortiumId, m.version, JSON.stringify(m.spec), m.basedOn, JSON.stringify(m.backtest), m.proposedBy, m.proposedAt],
    );
    return toModel(rows[0]);
  }

  async findById(db: Db, id: string, forUpdate = false): Promise<StoredRatingModel | null> {
    const rows: Row[] = await db.query(`SELECT ${COLUMNS} FROM rating_models WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [id]);
    return rows[0] ? toModel(rows[0]) : null;
  }

  /** A consortium's models, newest first. */
  async list(db: Db, consortiumId: string, limit = 100): Promise<StoredRatingModel[]> {
    const rows: Row[] = await db.query(`SELECT ${COLUMNS} FROM rating_models WHERE consortium_id = $1 ORDER BY proposed_at DESC, id LIMIT $2`, [consortiumId, limit]);
    return rows.map(toModel);
  }

  /** How many models a consortium has had (a new proposal's version number). */
  async count(db: Db, consortiumId: string): Promise<number> {
    const rows: { n: number }[] = await db.query('SELECT count(*)::int AS n FROM rating_models WHERE consortium_id = $1', [consortiumId]);
    return rows[0].n;
  }

  /** Makes a proposal the consortium's ACTIVE model; the one ACTIVE before is RETIRED. */
  async activate(db: Db, model: StoredRatingModel, by: string, at: Date): Promise<StoredRatingModel> {
    await db.query(`UPDATE rating_models SET status = 'RETIRED' WHERE consortium_id = $1 AND status = 'ACTIVE'`, [model.consortiumId]);
    const rows: Row[] = returnedRows(await db.query(`UPDATE rating_models SET status = 'ACTIVE', activated_by = $2, activated_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`, [model.id, by, at]));
    return toModel(rows[0]);
  }

  /** The ACTIVE model of each consortium that has one (the others are rated with the shipped model). */
  async activeSpecs(db: Db, consortiumIds: readonly string[]): Promise<Map<string, RatingModelSpec>> {
    if (consortiumIds.length === 0) return new Map();
    const rows: { consortium_id: string; spec: RatingModelSpec }[] = await db.query(
      `SELECT consortium_id, spec FROM rating_models WHERE status = 'ACTIVE' AND consortium_id = ANY($1::uuid[])`,
      [[...new Set(consortiumIds)]],
    );
    return new Map(rows.map((r) => [r.consortium_id, r.spec]));
  }

  /**
   * The consortium's rating history as a backtest reads it: each member's last rating of each
   * month in the last 5 years, with its sub-scores (null for a factor that did not speak).
   * Older ratings are left out: a default in the year after one may have expired by now
   * (negative information counts nowhere after 5 years), so it would read as no default.
   */
  async history(db: Db, consortiumId: string, today: string): Promise<HistoricalRating[]> {
    const rows: { company_id: string; as_of: string; pd: number; grade: Grade; factors: { name: FactorName; score: number }[] }[] = await db.query(
      `SELECT DISTINCT ON (r.company_id, date_trunc('month', r.as_of)) r.company_id, r.as_of::text AS as_of, r.pd, r.grade, r.factors
       FROM ratings r JOIN companies c ON c.id = r.company_id
       WHERE c.consortium_id = $1 AND r.as_of > $2::date - interval '5 years'
       ORDER BY r.company_id, date_trunc('month', r.as_of), r.as_of DESC, r.id DESC`,
      [consortiumId, today],
    );
    return rows.map((r) => {
      const scores = new Map((r.factors ?? []).map((f) => [f.name, f.score]));
      const subScores = Object.fromEntries(FACTOR_NAMES.map((f) => [f, scores.get(f) ?? null])) as Record<FactorName, number | null>;
      return { companyId: r.company_id, asOf: r.as_of, pd: r.pd, grade: r.grade, subScores };
    });
  }

  /** The members' defaults: the day each counting loan record of theirs went into default. */
  async defaults(db: Db, consortiumId: string, asOf: string): Promise<DefaultEvent[]> {
    const rows: { subject_id: string; defaulted_on: string }[] = await db.query(
      `SELECT DISTINCT l.subject_id, l.defaulted_on::text AS defaulted_on
       FROM loan_records l JOIN companies c ON c.id = l.subject_id AND c.consortium_id = $1
       WHERE ${counting('l')} AND l.defaulted_on IS NOT NULL ORDER BY 1, 2`,
      [consortiumId, asOf],
    );
    return rows.map((r) => ({ companyId: r.subject_id, defaultedOn: r.defaulted_on }));
  }
}
