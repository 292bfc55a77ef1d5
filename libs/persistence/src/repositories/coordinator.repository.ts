import type { Db } from '../database';

/** A member as the coordinator's overview shows it: its current rating, if any. */
export interface MemberRatingRow {
  readonly companyId: string;
  readonly score: number | null;
  readonly grade: string | null;
  readonly pd: number | null;
  readonly backedGrade: string | null;
  readonly verifiedRecords: number | null;
  readonly ratedAt: Date | null;
}

export interface ScorePointRow {
  readonly companyId: string;
  /** the month, `YYYY-MM` */
  readonly month: string;
  readonly score: number;
  readonly grade: string;
}

export interface DowngradeRow {
  readonly eventId: string;
  readonly companyId: string;
  readonly oldGrade: string | null;
  readonly newGrade: string;
  readonly oldScore: number | null;
  readonly newScore: number;
  readonly at: Date;
}

/**
 * What the coordinator's view reads about a consortium's members: set-based, one statement
 * per kind of fact for all members at once (a cluster may have tens of thousands).
 */
export class CoordinatorRepository {
  /** Every member with its current rating (null columns when it has none yet), by name. */
  async memberRatings(db: Db, consortiumId: string): Promise<MemberRatingRow[]> {
    const rows: {
      company_id: string;
      score: number | null;
      grade: string | null;
      pd: number | null;
      backed_grade: string | null;
      verified_records: number | null;
      computed_at: Date | null;
    }[] = await db.query(
      `SELECT c.id AS company_id, r.score, r.grade, r.pd, r.backed->>'grade' AS backed_grade, r.verified_records, r.computed_at
       FROM companies c
       LEFT JOIN LATERAL (
         SELECT score, grade, pd, backed, verified_records, computed_at FROM ratings WHERE company_id = c.id ORDER BY id DESC LIMIT 1
       ) r ON true
       WHERE c.consortium_id = $1
       ORDER BY c.name, c.id`,
      [consortiumId],
    );
    return rows.map((r) => ({
      companyId: r.company_id,
      score: r.score,
      grade: r.grade,
      pd: r.pd,
      backedGrade: r.backed_grade,
      verifiedRecords: r.verified_records,
      ratedAt: r.computed_at,
    }));
  }

  /** Each member's last rating of each month since `since`: the score trend. */
  async monthlyScores(db: Db, consortiumId: string, since: Date): Promise<ScorePointRow[]> {
    const rows: { company_id: string; month: string; score: number; grade: string }[] = await db.query(
      `SELECT DISTINCT ON (company_id, month) company_id, to_char(date_trunc('month', computed_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
              score, grade
       FROM ratings WHERE consortium_id = $1 AND computed_at >= $2
       ORDER BY company_id, month, id DESC`,
      [consortiumId, since],
    );
    return rows.map((r) => ({ companyId: r.company_id, month: r.month, score: r.score, grade: r.grade }));
  }

  /** RatingChanged events of the consortium since `since`, newest first (the caller picks the downgrades). */
  async ratingChanges(db: Db, consortiumId: string, since: Date): Promise<DowngradeRow[]> {
    const rows: { id: string; company_id: string; old_grade: string | null; new_grade: string; old_score: number | null; new_score: number; created_at: Date }[] =
      await db.query(
        `SELECT id, company_id, old_grade, new_grade, old_score, new_score, created_at FROM rating_events
         WHERE consortium_id = $1 AND created_at >= $2 ORDER BY id DESC`,
        [consortiumId, since],
      );
    return rows.map((r) => ({
      eventId: String(r.id),
      companyId: r.company_id,
      oldGrade: r.old_grade,
      newGrade: r.new_grade,
      oldScore: r.old_score,
      newScore: r.new_score,
      at: r.created_at,
    }));
  }

  /**
   * Each member's amount-weighted days beyond terms on invoices due in the last 3 months and
   * in the 9 months before (counting trade experiences only), where both have some.
   */
  async paymentTrends(db: Db, consortiumId: string, asOf: string): Promise<{ companyId: string; recent: number; before: number; recentAmount: string }[]> {
    const rows: { subject_id: string; recent: string; before: string; recent_amount: string }[] = await db.query(
      `WITH counted AS (
         SELECT DISTINCT ON (subject_id, counterparty_id, invoice_no) subject_id, amount, due_date,
                CASE WHEN paid_date IS NOT NULL THEN greatest(paid_date - due_date, 0) ELSE $2::date - due_date END AS dbt
         FROM trade_experiences t
         WHERE t.consortium_id = $1 AND t.is_current AND t.status = 'VERIFIED'
           AND t.counts_from < (($2::date + 1)::timestamp AT TIME ZONE 'UTC') AND (t.expires_on IS NULL OR t.expires_on > $2::date)
           AND t.due_date > $2::date - interval '12 months' AND t.due_date <= $2::date
         ORDER BY subject_id, counterparty_id, invoice_no, (side = 'SUPPLIER') DESC, record_id
       )
       SELECT subject_id,
              sum(amount * dbt) FILTER (WHERE due_date > $2::date - interval '3 months') / sum(amount) FILTER (WHERE due_date > $2::date - interval '3 months') AS recent,
              sum(amount * dbt) FILTER (WHERE due_date <= $2::date - interval '3 months') / sum(amount) FILTER (WHERE due_date <= $2::date - interval '3 months') AS before,
              sum(amount) FILTER (WHERE due_date > $2::date - interval '3 months')::numeric(18, 2)::text AS recent_amount
       FROM counted GROUP BY subject_id
       HAVING count(*) FILTER (WHERE due_date > $2::date - interval '3 months') > 0 AND count(*) FILTER (WHERE due_date <= $2::date - interval '3 months') > 0`,
      [consortiumId, asOf],
    );
    return rows.map((r) => ({ companyId: r.subject_id, recent: Number(r.recent), before: Number(r.before), recentAmount: r.recent_amount }));
  }

  /** Open disputes of the consortium whose deadline falls before `horizon` (past ones too), soonest first. */
  async disputesDueBefore(db: Db, consortiumId: string, horizon: Date): Promise<{ companyId: string; kind: string; openedAt: Date; deadline: Date }[]> {
    const rows: { subject_id: string; kind: string; opened_at: Date; deadline_at: Date }[] = await db.query(
      `SELECT subject_id, kind, opened_at, deadline_at FROM disputes
       WHERE consortium_id = $1 AND resolved_at IS NULL AND deadline_at <= $2 ORDER BY deadline_at`,
      [consortiumId, horizon],
    );
    return rows.map((r) => ({ companyId: r.subject_id, kind: r.kind, openedAt: r.opened_at, deadline: r.deadline_at }));
  }
}
