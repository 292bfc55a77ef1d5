import type { RecordKind, RecordStatement } from '@app/domain';
import type { Db } from '../database';

interface RecordStatementRow {
  id: string;
  kind: RecordKind;
  record_id: string;
  subject_id: string;
  statement: string;
  made_by: string;
  made_at: Date;
}

const toStatement = (r: RecordStatementRow): RecordStatement => ({
  id: r.id,
  kind: r.kind,
  recordId: r.record_id,
  subjectId: r.subject_id,
  statement: r.statement,
  madeBy: r.made_by,
  madeAt: r.made_at,
});

/** Subjects' statements on negative information about them (Art. 16): appended, the latest shown. */
export class RecordStatementRepository {
  async add(db: Db, s: Omit<RecordStatement, 'id'>): Promise<RecordStatement> {
    const rows: RecordStatementRow[] = await db.query(
      `INSERT INTO record_statements (kind, record_id, subject_id, statement, made_by, made_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [s.kind, s.recordId, s.subjectId, s.statement, s.madeBy, s.madeAt],
    );
    return toStatement(rows[0]);
  }

  /** Each record's latest statement, by record id; records without one are absent. */
  async latestFor(db: Db, recordIds: readonly string[]): Promise<Map<string, RecordStatement>> {
    if (recordIds.length === 0) return new Map();
    const rows: RecordStatementRow[] = await db.query(
      `SELECT DISTINCT ON (record_id) * FROM record_statements WHERE record_id = ANY($1::uuid[]) ORDER BY record_id, made_at DESC, id DESC`,
      [recordIds],
    );
    return new Map(rows.map((r) => [r.record_id, toStatement(r)]));
  }
}
