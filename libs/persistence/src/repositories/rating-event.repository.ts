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

export type NewRatingChangedEvent = Omit<RatingChangedEvent, 'id' | 'createdAt'>;

export class RatingEventRepository {
  /**
   * Appends events in one statement (a recompute can move many ratings at once); answers
   * them in the order given, with their ids in that order.
   */
  async insertMany(db: Db, events: readonly NewRatingChangedEvent[]): Promise<RatingChangedEvent[]> {
    if (events.length === 0) return [];
    const column = <T>(pick: (e: NewRatingChangedEvent) => T): T[] => events.map(pick);
    const rows: Row[] = await db.query(
      `INSERT INTO rating_events (company_id, consortium_id, rating_id, previous_rating_id, old_grade, new_grade, old_score, new_score)
       SELECT company_id, consortium_id, rating_id, previous_rating_id, old_grade, new_grade, old_score, new_score
       FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::int[], $8::int[])
            WITH ORDINALITY AS e (company_id, consortium_id, rating_id, previous_rating_id, old_grade, new_grade, old_score, new_score, ord)
       ORDER BY ord
       RETURNING *`,
      [
        column((e) => e.companyId),
        column((e) => e.consortiumId),
        column((e) => e.ratingId),
        column((e) => e.previousRatingId),
        column((e) => e.oldGrade),
        column((e) => e.newGrade),
        column((e) => e.oldScore),
        column((e) => e.newScore),
      ],
    );
    // RETURNING gives no order: each event is found again by its rating, which has one event at most
    const byRating = new Map(rows.map((r) => [String(r.rating_id), toEvent(r)]));
    return events.map((e) => {
      const event = byRating.get(String(e.ratingId));
      if (!event) throw new Error(`the event of rating ${e.ratingId} was not written`);
      return event;
    });
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
