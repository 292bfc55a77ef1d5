import type { Notice, NoticeKind } from '@app/domain';
import type { Db } from '../database';

interface NoticeRow {
  id: string;
  kind: NoticeKind;
  consortium_id: string;
  company_id: string | null;
  record_id: string | null;
  dispute_id: string | null;
  import_id: string | null;
  record_count: number;
  message: string;
  created_at: Date;
  waiting_until: Date | null;
  acknowledged_at: Date | null;
}

const toNotice = (r: NoticeRow): Notice => ({
  id: r.id,
  kind: r.kind,
  consortiumId: r.consortium_id,
  companyId: r.company_id,
  recordId: r.record_id,
  disputeId: r.dispute_id,
  importId: r.import_id,
  recordCount: r.record_count,
  message: r.message,
  createdAt: r.created_at,
  waitingUntil: r.waiting_until,
  acknowledgedAt: r.acknowledged_at,
});

export interface NewNotice {
  readonly kind: NoticeKind;
  readonly consortiumId: string;
  /** null: to the consortium's coordinator */
  readonly companyId: string | null;
  readonly recordId?: string | null;
  readonly disputeId?: string | null;
  readonly importId?: string | null;
  readonly recordCount?: number;
  readonly message: string;
  readonly createdAt: Date;
  readonly waitingUntil?: Date | null;
}

/** Notices to companies (negative information before it counts) and to coordinators. */
export class NoticeRepository {
  async insert(db: Db, n: NewNotice): Promise<Notice> {
    const rows: NoticeRow[] = await db.query(
      `INSERT INTO notices (kind, consortium_id, company_id, record_id, dispute_id, import_id, record_count, message, created_at, waiting_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [n.kind, n.consortiumId, n.companyId, n.recordId ?? null, n.disputeId ?? null, n.importId ?? null, n.recordCount ?? 1, n.message, n.createdAt, n.waitingUntil ?? null],
    );
    return toNotice(rows[0]);
  }

  /** A dispute's stage notice, once: null when that stage was already noticed. */
  async insertOnce(db: Db, n: NewNotice): Promise<Notice | null> {
    const rows: NoticeRow[] = await db.query(
      `INSERT INTO notices (kind, consortium_id, company_id, record_id, dispute_id, import_id, record_count, message, created_at, waiting_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (dispute_id, kind) WHERE dispute_id IS NOT NULL DO NOTHING RETURNING *`,
      [n.kind, n.consortiumId, n.companyId, n.recordId ?? null, n.disputeId ?? null, n.importId ?? null, n.recordCount ?? 1, n.message, n.createdAt, n.waitingUntil ?? null],
    );
    return rows[0] ? toNotice(rows[0]) : null;
  }

  async findById(db: Db, id: string): Promise<Notice | null> {
    const rows: NoticeRow[] = await db.query('SELECT * FROM notices WHERE id = $1', [id]);
    return rows[0] ? toNotice(rows[0]) : null;
  }

  /**
   * A company's notices, or (companyId null) the coordinator's of a consortium; newest first.
   * With `expiredBy` (a calendar day), a notice about a record whose current version expired
   * by that day is left out: it names negative information past its 5 years, which shows to
   * auditors only. An import's notice (no record id) counts lines and stays.
   */
  async list(
    db: Db,
    consortiumId: string,
    companyId: string | null,
    unacknowledgedOnly: boolean,
    limit: number,
    offset: number,
    expiredBy: string | null = null,
  ): Promise<Notice[]> {
    const params: unknown[] = [companyId ?? consortiumId, limit, offset];
    let expired = '';
    if (expiredBy !== null) {
      params.push(expiredBy);
      // the record id alone does not name its kind: the view of all kinds, probed by primary key per kind table
      expired = `AND (n.record_id IS NULL OR NOT EXISTS (
           SELECT 1 FROM credit_record_versions v WHERE v.record_id = n.record_id AND v.is_current AND v.expires_on <= $${params.length}::date))`;
    }
    const rows: NoticeRow[] = await db.query(
      `SELECT n.* FROM notices n
       WHERE ${companyId ? 'n.company_id = $1' : 'n.consortium_id = $1 AND n.company_id IS NULL'} ${unacknowledgedOnly ? 'AND n.acknowledged_at IS NULL' : ''}
       ${expired}
       ORDER BY n.created_at DESC, n.id LIMIT $2 OFFSET $3`,
      params,
    );
    return rows.map(toNotice);
  }

  /**
   * Marks a notice read, once: null when it already was (by this or a concurrent
   * transaction, whose acknowledgement stands). A concurrent one waits on the row and then
   * finds it acknowledged, so exactly one caller gets the row back.
   */
  async acknowledge(db: Db, id: string, by: string, at: Date): Promise<Notice | null> {
    const rows: NoticeRow[] = await db.query(
      // wrapped in a SELECT: TypeORM answers a bare UPDATE ... RETURNING with [rows, count]
      `WITH u AS (UPDATE notices SET acknowledged_at = $3, acknowledged_by = $2 WHERE id = $1 AND acknowledged_at IS NULL RETURNING *)
       SELECT * FROM u`,
      [id, by, at],
    );
    return rows[0] ? toNotice(rows[0]) : null;
  }
}
