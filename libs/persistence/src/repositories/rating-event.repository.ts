import type { Db } from '../database';

/** A RatingChanged event: what moved, for whom. */
export interface RatingChangedEvent {
  readonly id: string;
  readonly companyId: string;
  readonly consortiumId: string;
  readonly ratingId: string;
  readonly previousRatingId: string | null;
  readonly oldGrade: string | null;
  readonly newGrade: string;
  readonly oldScore: number | null;
  readonly newScore: number;
  readonly createdAt: Date;
}

interface Row {
  id: string;
  company_id: string;
  consortium_id: string;
  rating_id: string;
  previous_rating_id: string | null;
  old_grade: string | null;
  new_grade: string;
  old_score: number | null;
  new_score: number;
  created_at: Date;
}

const toEvent = (r: Row): RatingChangedEvent => ({
  id: r.id,
  companyId: r.company_id,
  consortiumId: r.consortium_id,
  ratingId: r.rating_id,
  previousRatingId: r.previous_rating_id,
  oldGrade: r.old_grade,
  newGrade: r.new_grade,
  oldScore: r.old_score,
  newScore: r.new_score,
  createdAt: r.created_at,
});

export class RatingEventRepository {
  async insert(db: Db, event: Omit<RatingChangedEvent, 'id' | 'createdAt'>): Promise<RatingChangedEvent> {
    const rows: Row[] = await db.query(
      `INSERT INTO rating_events (company_id, consortium_id, rating_id, previous_rating_id, old_grade, new_grade, old_score, new_score)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [event.companyId, event.consortiumId, event.ratingId, event.previousRatingId, event.oldGrade, event.newGrade, event.oldScore, event.newScore],
    );
    return toEvent(rows[0]);
  }

  async findById(db: Db, id: string): Promise<RatingChangedEvent | null> {
    const rows: Row[] = await db.query('SELECT * FROM rating_events WHERE id = $1', [id]);
    return rows[0] ? toEvent(rows[0]) : null;
  }

  async listByCompany(db: Db, companyId: string, limit = 100): Promise<RatingChangedEvent[]> {
    const rows: Row[] = await db.query('SELECT * FROM rating_events WHERE company_id = $1 ORDER BY id DESC LIMIT $2', [companyId, limit]);
    return rows.map(toEvent);
  }
}
