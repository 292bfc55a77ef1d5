import type { Dispute, DisputeResolution, RecordKind } from '@app/domain';
import type { Db } from '../database';

interface DisputeRow {
  id: string;
  kind: RecordKind;
  record_id: string;
  version: number;
  consortium_id: string;
  subject_id: string;
  reason: string;
  opened_by: string;
  opened_at: Date;
  deadline_at: Date;
  alerted_at: Date | null;
  escalated_at: Date | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: DisputeResolution | null;
  note: string | null;
}

const toDispute = (r: DisputeRow): Dispute => ({
  id: r.id,
  kind: r.kind,
  recordId: r.record_id,
  version: r.version,
  consortiumId: r.consortium_id,
  subjectId: r.subject_id,
  reason: r.reason,
  openedBy: r.opened_by,
  openedAt: r.opened_at,
  deadlineAt: r.deadline_at,
  alertedAt: r.alerted_at,
  escalatedAt: r.escalated_at,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
  resolution: r.resolution,
  note: r.note,
});

export interface NewDispute {
  readonly kind: RecordKind;
  readonly recordId: string;
  readonly version: number;
  readonly consortiumId: string;
  readonly subjectId: string;
  readonly reason: string;
  readonly openedBy: string;
  readonly openedAt: Date;
  readonly deadlineAt: Date;
}

/** Disputes: opened by the subject, settled by the coordinator within the deadline. */
export class DisputeRepository {
  async open(db: Db, d: NewDispute): Promise<Dispute> {
    const rows: DisputeRow[] = await db.query(
      `INSERT INTO disputes (kind, record_id, version, consortium_id, subject_id, reason, opened_by, opened_at, deadline_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [d.kind, d.recordId, d.version, d.consortiumId, d.subjectId, d.reason, d.openedBy, d.openedAt, d.deadlineAt],
    );
    return toDispute(rows[0]);
  }

  async findById(db: Db, id: string): Promise<Dispute | null> {
    const rows: DisputeRow[] = await db.query('SELECT * FROM disputes WHERE id = $1', [id]);
    return rows[0] ? toDispute(rows[0]) : null;
  }

  /** The record's open dispute, locked for the settling transaction. */
  async findOpenForUpdate(db: Db, recordId: string): Promise<Dispute | null> {
    const rows: DisputeRow[] = await db.query('SELECT * FROM disputes WHERE record_id = $1 AND resolved_at IS NULL FOR UPDATE', [recordId]);
    return rows[0] ? toDispute(rows[0]) : null;
  }

  async resolve(db: Db, id: string, by: string, resolution: DisputeResolution, note: string, at: Date): Promise<Dispute> {
    const rows: DisputeRow[] = await db.query(
      `WITH u AS (UPDATE disputes SET resolved_at = $4, resolved_by = $2, resolution = $3, note = $5 WHERE id = $1 AND resolved_at IS NULL RETURNING *)
       SELECT * FROM u`,
      [id, by, resolution, at, note],
    );
    return toDispute(rows[0]);
  }

  /** Marks the 15-day alert or the 20-day escalation once; false when it was already marked or the dispute is settled. */
  async markStage(db: Db, id: string, stage: 'alert' | 'escalate', at: Date): Promise<boolean> {
    const column = stage === 'alert' ? 'alerted_at' : 'escalated_at';
    const rows: { id: string }[] = await db.query(
      `WITH u AS (UPDATE disputes SET ${column} = $2 WHERE id = $1 AND ${column} IS NULL AND resolved_at IS NULL RETURNING id) SELECT id FROM u`,
      [id, at],
    );
    return rows.length === 1;
  }

  /** A consortium's disputes, open ones first by deadline, then settled ones newest first. */
  async listForConsortium(db: Db, consortiumId: string, openOnly: boolean, limit: number, offset: number): Promise<Dispute[]> {
    const rows: DisputeRow[] = await db.query(
      `SELECT * FROM disputes WHERE consortium_id = $1 ${openOnly ? 'AND resolved_at IS NULL' : ''}
       ORDER BY (resolved_at IS NULL) DESC, CASE WHEN resolved_at IS NULL THEN deadline_at END ASC, resolved_at DESC, id
       LIMIT $2 OFFSET $3`,
      [consortiumId, limit, offset],
    );
    return rows.map(toDispute);
  }

  /** The latest dispute of each record version named (for the record's view). */
  async latestFor(db: Db, recordIds: readonly string[]): Promise<Map<string, Dispute>> {
    if (recordIds.length === 0) return new Map();
    const rows: DisputeRow[] = await db.query(
      `SELECT DISTINCT ON (record_id) * FROM disputes WHERE record_id = ANY($1::uuid[]) ORDER BY record_id, opened_at DESC, id`,
      [recordIds],
    );
    return new Map(rows.map((r) => [r.record_id, toDispute(r)]));
  }
}
