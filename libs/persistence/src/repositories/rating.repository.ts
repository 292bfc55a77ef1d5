import type { BackedRating, CreditRating, FactorResult, RatingFactor, RatingReason } from '@app/domain/scoring';
import type { StoredRating } from '@app/domain/ratings';
import type { Db } from '../database';

interface RatingRow {
  id: string;
  company_id: string;
  consortium_id: string;
  score: number;
  grade: CreditRating['grade'];
  pd: number;
  in_default: boolean;
  confidence: number;
  verified_records: number;
  model_version: string;
  as_of: string;
  reasons: RatingReason[];
  factors: RatingFactor[];
  factor_results: FactorResult[];
  backed: BackedRating | null;
  data_version: string;
  computed_at: Date;
}

/**
 * A rating row's columns, as read into a StoredRating (of the ratings aliased `alias`). The
 * engine's answer is stored once: its fields in their columns, and in `detail` only what
 * has no column, the factor results with their figures. Older rows repeat the whole answer
 * in `detail`; they read the same.
 */
const columns = (alias: string): string =>
  ['id', 'company_id', 'consortium_id', 'score', 'grade', 'pd', 'in_default', 'confidence', 'verified_records', 'model_version']
    .map((c) => `${alias}.${c}`)
    .concat([`${alias}.as_of::text AS as_of`, `${alias}.reasons`, `${alias}.factors`, `${alias}.detail->'factorResults' AS factor_results`])
    .concat(['backed', 'data_version', 'computed_at'].map((c) => `${alias}.${c}`))
    .join(', ');

const toStored = (r: RatingRow): StoredRating => ({
  id: r.id,
  companyId: r.company_id,
  consortiumId: r.consortium_id,
  score: r.score,
  grade: r.grade,
  pd: r.pd,
  inDefault: r.in_default,
  reasons: r.reasons,
  factors: r.factors,
  factorResults: r.factor_results,
  confidence: r.confidence,
  verifiedRecords: r.verified_records,
  modelVersion: r.model_version,
  asOf: r.as_of,
  backed: r.backed,
  dataVersion: r.data_version,
  computedAt: r.computed_at,
});

/** The few columns of a current rating that the recompute compares and the network factor reads. */
export interface RatingSummary {
  readonly id: string;
  readonly companyId: string;
  readonly score: number;
  readonly grade: string;
  readonly pd: number;
  readonly dataVersion: string;
  readonly computedAt: Date;
  /** the day the rating is computed as of (YYYY-MM-DD) */
  readonly asOf: string;
  /** reasons, factors and backing as stored: a recompute that would write the same writes nothing */
  readonly substance: string;
}

/** A company's current score and PD: what the network factor reads of a partner. */
export interface ScoreAndPd {
  readonly score: number;
  readonly pd: number;
}

export interface NewRating {
  readonly consortiumId: string;
  readonly rating: CreditRating;
  readonly backed: BackedRating | null;
  readonly dataVersion: string;
}

/** What a rating says, as one comparable string: equal strings, nothing new to write. */
export function ratingSubstance(
  rating: Pick<CreditRating, 'score' | 'grade' | 'pd' | 'factors' | 'verifiedRecords' | 'modelVersion'> & { readonly reasons: readonly Pick<RatingReason, 'code'>[] },
  backed: Pick<BackedRating, 'grade' | 'pd' | 'notchesUplift'> | null,
): string {
  return JSON.stringify([
    rating.score,
    rating.grade,
    rating.pd.toPrecision(6),
    rating.verifiedRecords,
    rating.modelVersion,
    rating.reasons.map((r) => r.code),
    rating.factors.map((f) => [f.name, Math.round(f.score * 100) / 100, f.weight]),
    backed ? [backed.grade, backed.pd.toPrecision(6), backed.notchesUplift] : null,
  ]);
}

/**
 * Ratings are appended, never updated: the current rating of a company is its latest row,
 * which `current_ratings` points to (kept by a trigger on every rating appended).
 */
export class RatingRepository {
  /**
   * The current rating of each company that has one, in brief: its columns and its reasons'
   * codes, not its detail (a chunk of a full recompute reads 500; the detail is most of a
   * rating's bytes and nothing the comparison needs).
   */
  async currentSummaries(db: Db, companyIds: readonly string[]): Promise<Map<string, RatingSummary>> {
    if (companyIds.length === 0) return new Map();
    const rows: {
      id: string;
      company_id: string;
      score: number;
      grade: string;
      pd: number;
      verified_records: number;
      model_version: string;
      data_version: string;
      computed_at: Date;
      as_of: string;
      reason_codes: RatingReason['code'][];
      factors: RatingFactor[];
      backed: BackedRating | null;
    }[] = await db.query(
      `SELECT r.id, r.company_id, r.score, r.grade, r.pd, r.verified_records, r.model_version, r.data_version, r.computed_at,
              to_char(r.as_of, 'YYYY-MM-DD') AS as_of,
              jsonb_path_query_array(r.reasons, '$[*].code') AS reason_codes,
              r.factors, r.backed
       FROM current_ratings c JOIN ratings r ON r.id = c.rating_id WHERE c.company_id = ANY($1::uuid[])`,
      [[...new Set(companyIds)]],
    );
    return new Map(
      rows.map((r) => [
        r.company_id,
        {
          id: r.id,
          companyId: r.company_id,
          score: r.score,
          grade: r.grade,
          pd: r.pd,
          dataVersion: r.data_version,
          computedAt: r.computed_at,
          asOf: r.as_of,
          substance: ratingSubstance(
            {
              score: r.score,
              grade: r.grade as CreditRating['grade'],
              pd: r.pd,
              verifiedRecords: r.verified_records,
              modelVersion: r.model_version,
              factors: r.factors,
              reasons: r.reason_codes.map((code) => ({ code })),
            },
            r.backed,
          ),
        },
      ]),
    );
  }

  /** The score and PD of each company's current rating, for the network factor of its partners (no detail read). */
  async currentScores(db: Db, companyIds: readonly string[]): Promise<Map<string, ScoreAndPd>> {
    if (companyIds.length === 0) return new Map();
    const rows: { company_id: string; score: number; pd: number }[] = await db.query(
      `SELECT company_id, score, pd FROM current_ratings WHERE company_id = ANY($1::uuid[])`,
      [[...new Set(companyIds)]],
    );
    return new Map(rows.map((r) => [r.company_id, { score: r.score, pd: r.pd }]));
  }

  /**
   * The current score and PD of every company whose current rating was written by a
   * transaction not visible in `since` (a snapshot this method returned), or of every
   * company when `since` is null; with the snapshot of this read, for the next. Out-of-order
   * commits are caught: a transaction still running at the last read is not visible in its
   * snapshot, whatever its id. Ratings are never deleted, so nothing leaves the answer.
   */
  async currentScoresChangedSince(
    db: Db,
    since: string | null,
  ): Promise<{ scores: Map<string, ScoreAndPd>; snapshot: string }> {
    const changed = since === null ? 'true' : 'written_by >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(written_by, $1::pg_snapshot)';
    // the rows and the snapshot they were read in, from one statement
    const rows: { company_id: string | null; score: number; pd: number; snapshot: string | null }[] = await db.query(
      `SELECT company_id, score, pd, NULL AS snapshot FROM current_ratings WHERE ${changed}
       UNION ALL SELECT NULL, NULL, NULL, pg_current_snapshot()::text`,
      since === null ? [] : [since],
    );
    const scores = new Map<string, ScoreAndPd>();
    let snapshot = '';
    for (const r of rows) {
      if (r.company_id === null) snapshot = r.snapshot as string;
      else scores.set(r.company_id, { score: r.score, pd: r.pd });
    }
    return { scores, snapshot };
  }

  /** Appends many ratings in one statement; their summaries, in the order given. */
  async insertMany(db: Db, ratings: readonly NewRating[]): Promise<RatingSummary[]> {
    if (ratings.length === 0) return [];
    const rows: { id: string; company_id: string; score: number; grade: string; pd: number; data_version: string; computed_at: Date; ord: number }[] = await db.query(
      `INSERT INTO ratings (company_id, consortium_id, score, grade, pd, in_default, confidence, verified_records,
                            model_version, data_version, reasons, factors, backed, detail, as_of)
       SELECT (d->>'companyId')::uuid, (x->>'consortiumId')::uuid, (d->>'score')::int, d->>'grade', (d->>'pd')::float8,
              (d->>'inDefault')::boolean, (d->>'confidence')::float8, (d->>'verifiedRecords')::int, d->>'modelVersion',
              x->>'dataVersion', d->'reasons', d->'factors', x->'backed', jsonb_build_object('factorResults', d->'factorResults'), (d->>'asOf')::date
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(x, ord), LATERAL (SELECT x->'rating' AS d) r
       ORDER BY ord
       RETURNING id, company_id, score, grade, pd, data_version, computed_at`,
      [JSON.stringify(ratings.map((r) => ({ consortiumId: r.consortiumId, rating: r.rating, backed: r.backed, dataVersion: r.dataVersion })))],
    );
    const byCompany = new Map(rows.map((r) => [r.company_id, r]));
    return ratings.map((n) => {
      const r = byCompany.get(n.rating.companyId);
      if (!r) throw new Error(`rating of ${n.rating.companyId} was not written`);
      return {
        id: r.id,
        companyId: r.company_id,
        score: r.score,
        grade: r.grade,
        pd: r.pd,
        dataVersion: r.data_version,
        computedAt: r.computed_at,
        asOf: n.rating.asOf,
        substance: ratingSubstance(n.rating, n.backed),
      };
    });
  }

  async insert(db: Db, consortiumId: string, rating: CreditRating, backed: BackedRating | null, dataVersion: string): Promise<StoredRating> {
    const rows: RatingRow[] = await db.query(
      `INSERT INTO ratings (company_id, consortium_id, score, grade, pd, in_default, confidence, verified_records,
                            model_version, data_version, reasons, factors, backed, detail, as_of)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       RETURNING ${columns('ratings')}`,
      [
        rating.companyId,
        consortiumId,
        rating.score,
        rating.grade,
        rating.pd,
        rating.inDefault,
        rating.confidence,
        rating.verifiedRecords,
        rating.modelVersion,
        dataVersion,
        JSON.stringify(rating.reasons),
        JSON.stringify(rating.factors),
        backed ? JSON.stringify(backed) : null,
        JSON.stringify({ factorResults: rating.factorResults }),
        rating.asOf,
      ],
    );
    return toStored(rows[0]);
  }

  /** The current rating of each company that has one. */
  async current(db: Db, companyIds: readonly string[]): Promise<Map<string, StoredRating>> {
    if (companyIds.length === 0) return new Map();
    const rows: RatingRow[] = await db.query(
      `SELECT ${columns('r')}
       FROM current_ratings c JOIN ratings r ON r.id = c.rating_id WHERE c.company_id = ANY($1::uuid[])`,
      [[...new Set(companyIds)]],
    );
    const ratings = rows.map(toStored);
    return new Map(ratings.map((r) => [r.companyId, r]));
  }

  /** The newest `limit` ratings of each company, newest first, in one statement. */
  async historyMany(db: Db, companyIds: readonly string[], limit: number): Promise<Map<string, StoredRating[]>> {
    if (companyIds.length === 0) return new Map();
    const rows: RatingRow[] = await db.query(
      `SELECT r.* FROM unnest($1::uuid[]) AS c(id)
       CROSS JOIN LATERAL (SELECT ${columns('ratings')} FROM ratings WHERE company_id = c.id ORDER BY id DESC LIMIT $2) r`,
      [[...new Set(companyIds)], limit],
    );
    const out = new Map<string, StoredRating[]>(companyIds.map((id) => [id, []]));
    for (const row of rows) out.get(row.company_id)?.push(toStored(row));
    return out;
  }

  /** A company's ratings, newest first. */
  async history(db: Db, companyId: string, limit = 100): Promise<StoredRating[]> {
    const rows: RatingRow[] = await db.query(`SELECT ${columns('ratings')} FROM ratings WHERE company_id = $1 ORDER BY id DESC LIMIT $2`, [companyId, limit]);
    return rows.map(toStored);
  }
}
