import type { BackedRating, CreditRating } from '@app/domain/scoring';
import type { StoredRating } from '@app/domain/ratings';
import type { Db } from '../database';

interface RatingRow {
  id: string;
  consortium_id: string;
  detail: CreditRating;
  backed: BackedRating | null;
  data_version: string;
  computed_at: Date;
}

const toStored = (r: RatingRow): StoredRating => ({
  ...r.detail,
  id: r.id,
  consortiumId: r.consortium_id,
  backed: r.backed,
  dataVersion: r.data_version,
  computedAt: r.computed_at,
});

const COLUMNS = 'id, consortium_id, detail, backed, data_version, computed_at';

/** Ratings are appended, never updated: the current rating of a company is its latest row. */
export class RatingRepository {
  async insert(db: Db, consortiumId: string, rating: CreditRating, backed: BackedRating | null, dataVersion: string): Promise<StoredRating> {
    const rows: RatingRow[] = await db.query(
      `INSERT INTO ratings (company_id, consortium_id, score, grade, pd, in_default, confidence, verified_records,
                            model_version, data_version, reasons, factors, backed, detail, as_of)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       RETURNING ${COLUMNS}`,
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
        JSON.stringify(rating),
        rating.asOf,
      ],
    );
    return toStored(rows[0]);
  }

  /** The current rating of each company that has one. */
  async current(db: Db, companyIds: readonly string[]): Promise<Map<string, StoredRating>> {
    if (companyIds.length === 0) return new Map();
    const rows: RatingRow[] = await db.query(
      `SELECT DISTINCT ON (company_id) ${COLUMNS} FROM ratings
       WHERE company_id = ANY($1::uuid[]) ORDER BY company_id, id DESC`,
      [companyIds],
    );
    const ratings = rows.map(toStored);
    return new Map(ratings.map((r) => [r.companyId, r]));
  }

  /** A company's ratings, newest first. */
  async history(db: Db, companyId: string, limit = 100): Promise<StoredRating[]> {
    const rows: RatingRow[] = await db.query(`SELECT ${COLUMNS} FROM ratings WHERE company_id = $1 ORDER BY id DESC LIMIT $2`, [companyId, limit]);
    return rows.map(toStored);
  }
}
