import type { Writable } from 'node:stream';
import { type ImportKind, type ImportStatus, NEGATIVE_INFORMATION_YEARS, type RecordKind } from '@app/domain';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../database';
import { LEDGER_LOCK_KEY, recordLockSql } from './credit-record.repository';
import { headerColumnsOf, type KindSpec, recordIdSql, rowHashSql, sameFilingSql, sqlType } from './record-kinds';
import { CHANGES_DIGEST, VERSIONS_DIGEST } from './record-ledger.repository';

export interface ImportJob {
  readonly id: string;
  readonly kind: ImportKind;
  readonly consortiumId: string;
  /** the importing member's company; null for a coordinator's import */
  readonly companyId: string | null;
  readonly actorRole: 'MEMBER' | 'COORDINATOR';
  readonly createdBy: string;
  readonly status: ImportStatus;
  readonly fileBytes: number;
  readonly fileSha256: string | null;
  readonly processedBytes: number;
  readonly totalRows: number;
  readonly acceptedRows: number;
  readonly unchangedRows: number;
  readonly rejectedRows: number;
  readonly attempts: number;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

export interface ImportRejection {
  readonly line: number;
  readonly field: string | null;
  readonly reason: string;
}

interface ImportRow {
  id: string;
  kind: ImportKind;
  consortium_id: string;
  company_id: string | null;
  actor_role: 'MEMBER' | 'COORDINATOR';
  created_by: string;
  status: ImportStatus;
  file_bytes: string;
  file_sha256: Buffer | null;
  processed_bytes: string;
  total_rows: number;
  accepted_rows: number;
  unchanged_rows: number;
  rejected_rows: number;
  attempts: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/**
 * The most existing records an import's merge locks one by one; above, it takes the ledger's
 * lock exclusively instead (lockAndReread). Well under the default shared lock table.
 */
export const RECORD_LOCKS_MAX = 2_000;

const toJob = (r: ImportRow): ImportJob => ({
  id: r.id,
  kind: r.kind,
  consortiumId: r.consortium_id,
  companyId: r.company_id,
  actorRole: r.actor_role,
  createdBy: r.created_by,
  status: r.status,
  fileBytes: Number(r.file_bytes),
  fileSha256: r.file_sha256 ? r.file_sha256.toString('hex') : null,
  processedBytes: Number(r.processed_bytes),
  totalRows: r.total_rows,
  acceptedRows: r.accepted_rows,
  unchangedRows: r.unchanged_rows,
  rejectedRows: r.rejected_rows,
  attempts: r.attempts,
  error: r.error,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/** The record kind each import files, and the column a repeated record is reported against. */
export const IMPORT_TARGET: Readonly<Record<ImportKind, { readonly kind: RecordKind; readonly keyColumn: string }>> = {
  TRADE_EXPERIENCES: { kind: 'TRADE_EXPERIENCE', keyColumn: 'invoice_no' },
  PAYMENT_RECORDS: { kind: 'PAYMENT_RECORD', keyColumn: 'reference' },
  PUBLIC_RECORDS: { kind: 'PUBLIC_RECORD', keyColumn: 'case_no' },
};

/** The staging table's columns, in COPY order: the line, its verdict, then the version's values. */
export function stageColumns(spec: KindSpec): { readonly column: string; readonly type: string }[] {
  const payload = spec.payload.map((p) => ({ column: p.column, type: sqlType(p.type) }));
  const header = [
    { column: 'subject_id', type: 'uuid' },
    { column: 'negative', type: 'boolean' },
    { column: 'ended_on', type: 'date' },
    { column: 'expires_on', type: 'date' },
  ].filter((h) => !payload.some((p) => p.column === h.column));
  return [{ column: 'line', type: 'integer' }, { column: 'ok', type: 'boolean' }, { column: 'field', type: 'text' }, { column: 'reason', type: 'text' }, ...header, ...payload];
}

export interface MergeContext {
  readonly importId: string;
  readonly consortiumId: string;
  readonly reporterRole: 'MEMBER' | 'COORDINATOR';
  readonly reporterCompanyId: string | null;
  readonly filedStatus: 'PENDING' | 'VERIFIED';
  readonly filedBy: string;
  readonly now: Date;
  /** the records' calendar day of the import (negative information expired by then is not filed as a new record) */
  readonly today: string;
  /** when negative information of this import starts to count (after the notice period) */
  readonly negativeCountsFrom: Date;
}

export interface MergeResult {
  readonly accepted: number;
  readonly unchanged: number;
  /** every refused line: invalid ones (staged as such), repeats within the file, disputed records */
  readonly rejected: number;
  readonly negativeNotices: number;
  readonly matched: number;
  readonly mismatched: number;
  /** every company whose records this import changed */
  readonly companies: readonly string[];
  readonly versionsDigest: string | null;
  readonly changesDigest: string | null;
}

/**
 * CSV imports: the uploaded file in chunks, the job's progress, its rejected lines, and the
 * set-based merge of a staged file into the ledger (docs/records.md, "Imports").
 */
export class ImportRepository {
  /** RECORD_LOCKS_MAX, lowered by tests to take the ledger's lock with a few records */
  recordLocksMax = RECORD_LOCKS_MAX;

  async create(
    db: Db,
    i: { kind: ImportKind; consortiumId: string; companyId: string | null; actorRole: 'MEMBER' | 'COORDINATOR'; createdBy: string; createdAt: Date },
  ): Promise<ImportJob> {
    const rows: ImportRow[] = await db.query(
      `INSERT INTO imports (kind, consortium_id, company_id, actor_role, created_by, status, created_at)
       VALUES ($1, $2, $3, $4, $5, 'RECEIVING', $6) RETURNING *`,
      [i.kind, i.consortiumId, i.companyId, i.actorRole, i.createdBy, i.createdAt],
    );
    return toJob(rows[0]);
  }

  async appendChunk(db: Db, importId: string, seq: number, data: Buffer): Promise<void> {
    await db.query('INSERT INTO import_chunks (import_id, seq, data) VALUES ($1, $2, $3)', [importId, seq, data]);
  }

  async markQueued(db: Db, importId: string, bytes: number, sha256: Buffer): Promise<ImportJob> {
    const rows: ImportRow[] = await db.query(
      `WITH u AS (UPDATE imports SET status = 'QUEUED', file_bytes = $2, file_sha256 = $3 WHERE id = $1 RETURNING *) SELECT * FROM u`,
      [importId, bytes, sha256],
    );
    return toJob(rows[0]);
  }

  /** Ends an import for good (a bad file, retries spent); its chunks go. */
  async markFailed(db: Db, importId: string, error: string, at: Date): Promise<void> {
    await db.query(`UPDATE imports SET status = 'FAILED', error = $2, finished_at = $3 WHERE id = $1 AND status <> 'COMPLETED'`, [importId, error.slice(0, 2000), at]);
    await this.deleteChunks(db, importId);
  }

  /**
   * Forgets an upload refused or broken off before it was queued: its caller never learnt
   * its id, so a FAILED row would only be noise in the list of imports. One statement, so a
   * crash leaves either all of it or none.
   */
  async discardUpload(db: Db, importId: string): Promise<void> {
    await db.query(
      `WITH chunks AS (DELETE FROM import_chunks WHERE import_id = $1)
       DELETE FROM imports WHERE id = $1 AND status = 'RECEIVING'`,
      [importId],
    );
  }

  async findById(db: Db, id: string): Promise<ImportJob | null> {
    const rows: ImportRow[] = await db.query('SELECT * FROM imports WHERE id = $1', [id]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  /** A consortium's imports, or one member company's, newest first. */
  async list(db: Db, consortiumId: string, companyId: string | null, limit: number, offset: number): Promise<ImportJob[]> {
    const rows: ImportRow[] = await db.query(
      `SELECT * FROM imports WHERE consortium_id = $1 AND ($2::uuid IS NULL OR company_id = $2) ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
      [consortiumId, companyId, limit, offset],
    );
    return rows.map(toJob);
  }

  async rejections(db: Db, importId: string, limit: number, offset: number): Promise<ImportRejection[]> {
    return db.query('SELECT line, field, reason FROM import_rejections WHERE import_id = $1 ORDER BY line LIMIT $2 OFFSET $3', [importId, limit, offset]);
  }

  /** Takes a queued (or interrupted) import for processing; null when it is done, failed or unknown. */
  async claim(db: Db, importId: string, at: Date): Promise<ImportJob | null> {
    const rows: ImportRow[] = await db.query(
      `WITH u AS (UPDATE imports SET status = 'RUNNING', started_at = $2, attempts = attempts + 1, processed_bytes = 0, error = NULL
                  WHERE id = $1 AND status IN ('QUEUED', 'RUNNING') RETURNING *)
       SELECT * FROM u`,
      [importId, at],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  async readChunk(db: Db, importId: string, seq: number): Promise<Buffer | null> {
    const rows: { data: Buffer }[] = await db.query('SELECT data FROM import_chunks WHERE import_id = $1 AND seq = $2', [importId, seq]);
    return rows[0]?.data ?? null;
  }

  /** Progress while the file is read (outside the import's transaction, so it is seen at once). */
  async reportProgress(db: Db, importId: string, processedBytes: number, totalRows: number, rejectedRows: number): Promise<void> {
    await db.query(`UPDATE imports SET processed_bytes = $2, total_rows = $3, rejected_rows = $4 WHERE id = $1 AND status = 'RUNNING'`, [
      importId,
      processedBytes,
      totalRows,
      rejectedRows,
    ]);
  }

  async markCompleted(db: Db, importId: string, counts: { totalRows: number; accepted: number; unchanged: number; rejected: number; bytes: number }, at: Date): Promise<void> {
    await db.query(
      `UPDATE imports SET status = 'COMPLETED', processed_bytes = $2, total_rows = $3, accepted_rows = $4, unchanged_rows = $5, rejected_rows = $6, finished_at = $7
       WHERE id = $1`,
      [importId, counts.bytes, counts.totalRows, counts.accepted, counts.unchanged, counts.rejected, at],
    );
  }

  async deleteChunks(db: Db, importId: string): Promise<void> {
    await db.query('DELETE FROM import_chunks WHERE import_id = $1', [importId]);
  }

  // ---- staging and merge, inside the import's transaction --------------------------------

  /**
   * A temporary table for one import, dropped when its transaction ends. Runs with no
   * statement timeout (a large file takes longer than a request may) and memory to sort in.
   */
  async createStage(db: Db, spec: KindSpec): Promise<string> {
    // room for the staging table in memory; settable only before a session's first temporary table
    await db.query('SAVEPOINT stage_buffers');
    try {
      await db.query(`SET LOCAL temp_buffers = '256MB'`);
      await db.query('RELEASE SAVEPOINT stage_buffers');
    } catch {
      await db.query('ROLLBACK TO SAVEPOINT stage_buffers');
    }
    await db.query(`SET LOCAL statement_timeout = 0`);
    await db.query(`SET LOCAL work_mem = '256MB'`);
    await db.query(`SET LOCAL jit = off`);
    const columns = stageColumns(spec);
    await db.query(`CREATE TEMP TABLE import_stage (${columns.map((c) => `${c.column} ${c.type}`).join(', ')}) ON COMMIT DROP`);
    return `COPY import_stage (${columns.map((c) => c.column).join(', ')}) FROM STDIN`;
  }

  /**
   * The COPY stream into the stage, on the transaction's own connection: write lines in
   * PostgreSQL's text format (tab-separated, \\N for null), end it, and wait for 'finish'.
   */
  async openStageCopy(db: Db, copySql: string): Promise<Writable> {
    if (!db.queryRunner) throw new Error('the stage is written inside the import transaction (a query runner)');
    const client = (await db.queryRunner.connect()) as { query(stream: Writable): Writable };
    return client.query(copyFrom(copySql));
  }

  /**
   * Merges the staged lines into the ledger, set-based: a record's first line in the file
   * counts (a repeat is rejected), a line equal to the record's current version changes
   * nothing, a disputed record takes no new version, a new record of negative information
   * already past its 5 years is refused (a correction of an existing record is filed: it
   * makes the record expire); every other line becomes a version, with one notice per
   * subject for its negative information still in force. Trade experiences are then
   * compared with the buyers' own filings of the same invoices.
   */
  async mergeStaged(db: Db, spec: KindSpec, keyColumn: string, ctx: MergeContext): Promise<MergeResult> {
    await db.query('ANALYZE import_stage');
    const t = spec.table;
    // Existing records are looked up among those of the file's creditors (trade) or subjects,
    // through their index: a first import of a million lines finds nothing without a million
    // primary-key probes.
    const owner = spec.kind === 'TRADE_EXPERIENCE' ? 'counterparty_id' : 'subject_id';
    await db.query(
      `CREATE TEMP TABLE import_plan ON COMMIT DROP AS
       WITH s AS (
         SELECT st.*, $1::uuid AS consortium_id, $2::text AS reporter_role, $3::uuid AS reporter_company_id, NULL::uuid AS reporter_bank_id,
                $4::text AS filed_status, NULL::bytea AS evidence_sha256, NULL::text AS evidence_name
         FROM import_stage st WHERE st.ok
       ), k AS (
         SELECT s.*, ${recordIdSql(spec, 's')} AS record_id FROM s
       ), ranked AS (
         SELECT k.*, row_number() OVER w AS nth, min(k.line) OVER w AS first_line FROM k WINDOW w AS (PARTITION BY k.record_id ORDER BY k.line)
       ), existing AS (
         SELECT * FROM ${t} WHERE is_current AND ${owner} IN (SELECT DISTINCT ${owner} FROM import_stage WHERE ok)
       )
       SELECT r.*, cur.version AS cur_version, cur.status AS cur_status,
              (r.negative AND r.expires_on IS NOT NULL AND r.expires_on <= $5::date) AS expired,
              (cur.record_id IS NOT NULL AND ${sameFilingSql(spec, 'r', 'cur')}) AS unchanged,
              CASE WHEN cur.record_id IS NULL THEN 1 ELSE (SELECT max(l.version) + 1 FROM ${t} l WHERE l.record_id = r.record_id) END AS new_version
       FROM ranked r LEFT JOIN existing cur ON cur.record_id = r.record_id`,
      [ctx.consortiumId, ctx.reporterRole, ctx.reporterCompanyId, ctx.filedStatus, ctx.today],
    );
    await this.lockAndReread(db, spec);
    const NEW = `p.nth = 1 AND NOT p.unchanged AND p.cur_status IS DISTINCT FROM 'DISPUTED' AND NOT (p.expired AND p.cur_version IS NULL)`;
    const endedColumn = spec.kind === 'PUBLIC_RECORD' ? 'ended_on' : 'paid_date';

    const rejected: { n: number }[] = await db.query(
      `WITH ins AS (
         INSERT INTO import_rejections (import_id, line, field, reason)
         SELECT $1::uuid, line, field, reason FROM import_stage WHERE NOT ok
         UNION ALL
         SELECT $1::uuid, p.line, '${keyColumn}', 'repeats the record of line ' || p.first_line || ' in this file' FROM import_plan p WHERE p.nth > 1
         UNION ALL
         SELECT $1::uuid, p.line, '${keyColumn}', 'the record is disputed: it takes no new version until the coordinator settles the dispute'
         FROM import_plan p WHERE p.nth = 1 AND NOT p.unchanged AND p.cur_status = 'DISPUTED'
         UNION ALL
         SELECT $1::uuid, p.line, '${endedColumn}',
                '${endedColumn} ' || to_char(p.ended_on, 'YYYY-MM-DD') || ': this negative information expired on ' || to_char(p.expires_on, 'YYYY-MM-DD')
                  || ', ${NEGATIVE_INFORMATION_YEARS} years after it ended, and is not filed (it would count nowhere)'
         FROM import_plan p WHERE p.nth = 1 AND NOT p.unchanged AND p.expired AND p.cur_version IS NULL
         ON CONFLICT DO NOTHING RETURNING 1
       ) SELECT count(*)::int AS n FROM ins`,
      [ctx.importId],
    );

    await db.query(
      `CREATE TEMP TABLE import_notices ON COMMIT DROP AS
       SELECT p.subject_id, gen_random_uuid() AS notice_id, count(*)::int AS n FROM import_plan p WHERE ${NEW} AND p.negative AND NOT p.expired GROUP BY p.subject_id`,
    );
    const notices: { n: number }[] = await db.query(
      `WITH ins AS (
         INSERT INTO notices (id, kind, consortium_id, company_id, import_id, record_count, message, created_at, waiting_until)
         SELECT notice_id, 'NEGATIVE_INFORMATION', $1::uuid, subject_id, $2::uuid, n,
                n || ' ' || $3::text || ' filed about your company by an import are negative information. They count in ratings from '
                  || to_char($5::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD') || '; dispute any that is wrong before then.',
                $4::timestamptz, $5::timestamptz
         FROM import_notices RETURNING 1
       ) SELECT count(*)::int AS n FROM ins`,
      [ctx.consortiumId, ctx.importId, `${spec.kind.toLowerCase().replace(/_/g, ' ')}(s)`, ctx.now, ctx.negativeCountsFrom],
    );

    await db.query(
      `UPDATE ${t} v SET is_current = false, change_seq = nextval('record_change_seq')
       FROM import_plan p WHERE ${NEW} AND p.cur_version IS NOT NULL AND v.record_id = p.record_id AND v.is_current`,
    );

    const header = headerColumnsOf(spec);
    const values: Record<string, string> = {
      record_id: 'p.record_id',
      version: 'p.new_version',
      consortium_id: 'p.consortium_id',
      subject_id: 'p.subject_id',
      reporter_company_id: 'p.reporter_company_id',
      reporter_bank_id: 'p.reporter_bank_id',
      reporter_role: 'p.reporter_role',
      status: 'p.filed_status',
      filed_status: 'p.filed_status',
      is_current: 'true',
      evidence_sha256: 'p.evidence_sha256',
      evidence_name: 'p.evidence_name',
      negative: 'p.negative',
      notice_id: 'n.notice_id',
      counts_from: 'CASE WHEN p.negative THEN $3::timestamptz ELSE $2::timestamptz END',
      ended_on: 'p.ended_on',
      expires_on: 'p.expires_on',
      import_id: '$1::uuid',
      filed_by: '$4::uuid',
      created_at: '$2::timestamptz',
    };
    const columns = [...header.map((h) => h.column), ...spec.payload.map((p) => p.column)];
    const select = columns.map((c) => `${values[c] ?? `p.${c}`} AS ${c}`).join(', ');
    // the plan is in record id order already (its window sorted it), which keeps the primary
    // key's inserts local; one change number marks the whole import (a company's data version
    // only needs to move); the audit entry's digest is taken from what was inserted
    const inserted: { n: number; digest: string | null }[] = await db.query(
      `WITH seq AS (SELECT nextval('record_change_seq') AS change_seq),
       ins AS (
         INSERT INTO ${t} (${columns.join(', ')}, change_seq, row_hash)
         SELECT v.*, seq.change_seq, ${rowHashSql(spec, 'v')} FROM (
           SELECT ${select} FROM import_plan p LEFT JOIN import_notices n ON p.negative AND NOT p.expired AND n.subject_id = p.subject_id
           WHERE ${NEW}
         ) v CROSS JOIN seq
         RETURNING record_id, version, row_hash
       ) SELECT count(*)::int AS n, ${VERSIONS_DIGEST} AS digest FROM ins`,
      [ctx.importId, ctx.now, ctx.negativeCountsFrom, ctx.filedBy],
    );
    const unchanged: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM import_plan p WHERE p.nth = 1 AND p.unchanged`);

    const matching = spec.kind === 'TRADE_EXPERIENCE' ? await this.matchInvoices(db, ctx, NEW) : { matched: 0, mismatched: 0, changesDigest: null };

    const companyColumns = spec.kind === 'TRADE_EXPERIENCE' ? ['p.subject_id', 'p.counterparty_id'] : ['p.subject_id'];
    const companies: { id: string }[] = await db.query(companyColumns.map((c) => `SELECT ${c} AS id FROM import_plan p WHERE ${NEW}`).join(' UNION '));
    return {
      accepted: inserted[0].n,
      unchanged: unchanged[0].n,
      rejected: rejected[0].n,
      negativeNotices: notices[0].n,
      matched: matching.matched,
      mismatched: matching.mismatched,
      companies: companies.map((c) => c.id),
      versionsDigest: inserted[0].digest,
      changesDigest: matching.changesDigest,
    };
  }

  /**
   * The plan was read from a snapshot, and a dispute or a filing through the API may have
   * committed since. The API takes each record's lock (CreditRecordRepository.lock, keyed by
   * hashtextextended(record id, 3)) before it reads the record and holds it until it writes.
   * The merge takes the same locks on every existing record it would change and on the
   * buyer's side of every invoice it files (the buyer's payable, filed or not: its id derives
   * from the invoice's key), then reads their current versions again, so it decides on the
   * state it writes over. One statement takes them in record id order, the order the API
   * locks the two sides of an invoice in, so an import and a filing never wait on each other
   * in a cycle. A buyer filing its payable of an invoice the import files (the API locks both
   * sides) therefore either commits before the merge compares, which then sees the payable,
   * or waits for the import's commit and then sees the receivable: without the buyer's lock
   * on a new invoice, neither saw the other and the invoice stayed unmatched.
   *
   * Other records new to the ledger are not locked: a concurrent filing of the same new
   * record fails the import on the primary key, whose retry then finds it. Lines equal to the
   * current version are not locked either: they write nothing, as if merged just before any
   * change made meanwhile.
   *
   * Each advisory lock takes a slot of PostgreSQL's shared lock table (about
   * max_locks_per_transaction x max_connections: some 6,400 by default), so an import that
   * would take more than RECORD_LOCKS_MAX record locks (a first import of many invoices
   * too) takes the ledger's lock exclusively instead, one lock: filings and status changes
   * through the API (which hold it shared) wait for the merge's commit. Below that, the
   * ledger's lock is taken shared like the API's, so two imports exclude each other the same
   * way.
   */
  private async lockAndReread(db: Db, spec: KindSpec): Promise<void> {
    const t = spec.table;
    // the buyer's side of every invoice the import files, whether the buyer filed it yet or
    // not: its record id is derived from the invoice's key, as the API derives it
    const buyers =
      spec.kind === 'TRADE_EXPERIENCE'
        ? `UNION
           SELECT ${recordIdSql(spec, 'b')} FROM (
             SELECT 'BUYER'::text AS side, p.counterparty_id, p.subject_id, p.invoice_no FROM import_plan p WHERE p.nth = 1 AND NOT p.unchanged
           ) b`
        : '';
    const toLock = `SELECT p.record_id FROM import_plan p WHERE p.nth = 1 AND NOT p.unchanged AND p.cur_version IS NOT NULL ${buyers}`;
    const counted: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM (${toLock}) l`);
    const n = counted[0].n;
    if (n === 0) return;
    if (n > this.recordLocksMax) {
      await db.query(`SELECT pg_advisory_xact_lock(${LEDGER_LOCK_KEY})`);
    } else {
      await db.query(`SELECT pg_advisory_xact_lock_shared(${LEDGER_LOCK_KEY})`);
      await db.query(`SELECT count(${recordLockSql('l.record_id::text')}) FROM (${toLock} ORDER BY 1) l`);
    }
    await db.query(
      `UPDATE import_plan p SET cur_version = cur.version, cur_status = cur.status, unchanged = (${sameFilingSql(spec, 'p', 'cur')}),
              new_version = (SELECT max(l.version) + 1 FROM ${t} l WHERE l.record_id = p.record_id)
       FROM ${t} cur
       WHERE p.nth = 1 AND NOT p.unchanged AND p.cur_version IS NOT NULL AND cur.record_id = p.record_id AND cur.is_current`,
    );
  }

  /**
   * The new receivables against the buyers' payables of the same invoices: equal ones verify
   * each other, others are flagged. Every pair is compared, verified ones too, as the API's
   * filings are: two verified filings of one invoice that disagree are what the coordinator
   * most needs to see.
   */
  private async matchInvoices(db: Db, ctx: MergeContext, NEW: string): Promise<{ matched: number; mismatched: number; changesDigest: string | null }> {
    await db.query(
      `CREATE TEMP TABLE import_matches ON COMMIT DROP AS
       SELECT p.record_id AS supplier_record_id, p.new_version AS supplier_version, p.filed_status AS supplier_status,
              b.record_id AS buyer_record_id, b.version AS buyer_version, b.status AS buyer_status,
              array_remove(ARRAY[
                CASE WHEN b.amount <> p.amount THEN 'amount' END,
                CASE WHEN b.invoice_date <> p.invoice_date THEN 'invoiceDate' END,
                CASE WHEN b.due_date <> p.due_date THEN 'dueDate' END,
                CASE WHEN b.paid_date IS DISTINCT FROM p.paid_date THEN 'paidDate' END], NULL) AS differences
       FROM import_plan p
       JOIN trade_experiences b ON b.is_current AND b.side = 'BUYER' AND b.counterparty_id = p.counterparty_id
                                AND b.subject_id = p.subject_id AND b.invoice_no = p.invoice_no
       WHERE ${NEW} AND b.status IN ('PENDING', 'VERIFIED')`,
    );
    await db.query(
      `INSERT INTO trade_matches (supplier_record_id, supplier_version, buyer_record_id, buyer_version, outcome, differences, at)
       SELECT supplier_record_id, supplier_version, buyer_record_id, buyer_version,
              CASE WHEN cardinality(differences) = 0 THEN 'MATCHED' ELSE 'MISMATCHED' END, differences, $1::timestamptz
       FROM import_matches`,
      [ctx.now],
    );
    // both sides of a matched invoice: each pending one becomes VERIFIED, logged as a MATCH of this import
    const moves = `SELECT supplier_record_id AS record_id, supplier_version AS version FROM import_matches WHERE cardinality(differences) = 0 AND supplier_status = 'PENDING'
                   UNION ALL SELECT buyer_record_id, buyer_version FROM import_matches WHERE cardinality(differences) = 0 AND buyer_status = 'PENDING'`;
    const changes: { digest: string | null }[] = await db.query(
      `WITH ins AS (
         INSERT INTO record_status_changes (kind, record_id, version, from_status, to_status, action, actor_id, import_id, at)
         SELECT 'TRADE_EXPERIENCE', m.record_id, m.version, 'PENDING', 'VERIFIED', 'MATCH', $2::uuid, $1::uuid, $3::timestamptz FROM (${moves}) m ORDER BY m.record_id
         RETURNING id, record_id, version, from_status, to_status
       ) SELECT ${CHANGES_DIGEST} AS digest FROM ins`,
      [ctx.importId, ctx.filedBy, ctx.now],
    );
    await db.query(
      `UPDATE trade_experiences t SET status = 'VERIFIED', change_seq = nextval('record_change_seq')
       FROM (${moves}) m WHERE t.record_id = m.record_id AND t.version = m.version`,
    );
    const counts: { matched: number; mismatched: number }[] = await db.query(
      `SELECT count(*) FILTER (WHERE cardinality(differences) = 0)::int AS matched, count(*) FILTER (WHERE cardinality(differences) > 0)::int AS mismatched FROM import_matches`,
    );
    if (counts[0].mismatched > 0) {
      await db.query(
        `INSERT INTO notices (kind, consortium_id, company_id, import_id, record_count, message, created_at)
         VALUES ('TRADE_MISMATCH', $1::uuid, NULL, $2::uuid, $3::int, $3::int || ' invoice(s) of an import differ from the buyers'' own filings: verify the right side of each', $4::timestamptz)`,
        [ctx.consortiumId, ctx.importId, counts[0].mismatched, ctx.now],
      );
    }
    return { ...counts[0], changesDigest: changes[0].digest };
  }
}
