import {
  type CreditRecordVersion,
  type Evidence,
  RECORD_KINDS,
  type RecordKind,
  type RecordPayloads,
  type ReporterRole,
  type StatusAction,
  type VerificationStatus,
} from '@app/domain';
import type { Db } from '../database';
import { headerColumnsOf, KIND_SPECS, type KindSpec, recordIdSql, rowHashSql, selectListSql, sqlType } from './record-kinds';
import { VERSIONS_DIGEST } from './record-ledger.repository';

type Row = Record<string, unknown>;

/** What a filer adds: everything of a version but its number, status bookkeeping and hash. */
export interface NewVersion<K extends RecordKind = RecordKind> {
  readonly kind: K;
  readonly consortiumId: string;
  readonly subjectId: string;
  readonly reporterCompanyId: string | null;
  readonly reporterBankId: string | null;
  readonly reporterRole: ReporterRole;
  readonly filedStatus: 'PENDING' | 'VERIFIED';
  readonly payload: RecordPayloads[K];
  readonly evidence: Evidence | null;
  readonly negative: boolean;
  readonly noticeId: string | null;
  readonly countsFrom: Date;
  readonly endedOn: string | null;
  readonly expiresOn: string | null;
  readonly filedBy: string | null;
  readonly createdAt: Date;
}

export interface StatusChange {
  readonly action: StatusAction;
  readonly actorId: string | null;
  readonly at: Date;
  readonly disputeId?: string | null;
  readonly importId?: string | null;
}

export interface RecordListOptions {
  readonly status?: VerificationStatus | null;
  readonly kind?: RecordKind | null;
  /** negative information whose 5 years are over shows only to auditors */
  readonly includeExpired: boolean;
  readonly today: string;
  readonly limit: number;
  readonly offset: number;
}

export interface VersionRef {
  readonly kind: RecordKind;
  readonly recordId: string;
  readonly version: number;
}

/** The payload values of a version, in the order of its spec's columns. */
function payloadValues(spec: KindSpec, payload: Readonly<Record<string, unknown>>): unknown[] {
  return spec.payload.map((p) => {
    const value = payload[p.prop];
    if (value === undefined) return null;
    return p.type === 'jsonb' ? JSON.stringify(value) : value;
  });
}

function toVersion(kind: RecordKind, r: Row): CreditRecordVersion {
  const spec = KIND_SPECS[kind];
  const payload: Record<string, unknown> = {};
  for (const p of spec.payload) payload[p.prop] = r[p.column] ?? null;
  return {
    kind,
    recordId: r.record_id as string,
    version: r.version as number,
    consortiumId: r.consortium_id as string,
    subjectId: r.subject_id as string,
    reporterCompanyId: (r.reporter_company_id as string | null) ?? null,
    reporterBankId: (r.reporter_bank_id as string | null) ?? null,
    reporterRole: r.reporter_role as ReporterRole,
    status: r.status as VerificationStatus,
    filedStatus: r.filed_status as VerificationStatus,
    isCurrent: r.is_current as boolean,
    changeSeq: String(r.change_seq),
    negative: r.negative as boolean,
    noticeId: (r.notice_id as string | null) ?? null,
    countsFrom: r.counts_from as Date,
    endedOn: (r.ended_on as string | null) ?? null,
    expiresOn: (r.expires_on as string | null) ?? null,
    evidence: r.evidence_sha256 ? { sha256: r.evidence_sha256 as string, name: r.evidence_name as string } : null,
    rowHash: r.row_hash as string,
    importId: (r.import_id as string | null) ?? null,
    filedBy: (r.filed_by as string | null) ?? null,
    createdAt: r.created_at as Date,
    payload,
  } as CreditRecordVersion;
}

/**
 * The ledger of record versions, one table per kind (docs/records.md). Versions are
 * appended; only their status and current flag change, each change bumping `change_seq`.
 * Tenancy: every read that a caller can reach is filtered by the caller's company or
 * consortium in the service, which asks the policy with the version's subject.
 */
/**
 * The ledger's advisory lock: every transaction that changes a record holds it in shared
 * mode under the record's own lock; an import changing more records than its lock table
 * can hold one by one takes it exclusively instead (ImportRepository).
 */
export const LEDGER_LOCK_KEY = `hashtextextended('credit-records:ledger', 3)`;

/** SQL taking the advisory lock of one record, by the SQL of its id (one key space for the API and imports). */
export const recordLockSql = (recordIdSql: string): string => `pg_advisory_xact_lock(hashtextextended(${recordIdSql}, 3))`;

export class CreditRecordRepository {
  /** The id of the record a version with these key values belongs to (see KindSpec.key). */
  async recordIdFor(db: Db, kind: RecordKind, keyValues: Readonly<Record<string, unknown>>): Promise<string> {
    const spec = KIND_SPECS[kind];
    const params = spec.key.map((k) => (keyValues[k] === undefined || keyValues[k] === null ? null : String(keyValues[k])));
    const columns = spec.key.map((k, i) => `$${i + 1}::text AS ${k}`).join(', ');
    const rows: { id: string }[] = await db.query(`SELECT ${recordIdSql(spec, 'k')} AS id FROM (SELECT ${columns}) k`, params);
    return rows[0].id;
  }

  /**
   * Serialises filings and status changes of one record until the transaction ends: the
   * record's own lock, taken after the ledger's lock in shared mode, which a large import
   * takes alone (ImportRepository: one lock instead of one per record it changes).
   */
  async lock(db: Db, recordId: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock_shared(${LEDGER_LOCK_KEY})`);
    await db.query(`SELECT ${recordLockSql('$1::text')}`, [recordId]);
  }

  /** Which kind a record is, from its id alone (one primary-key probe per kind table). */
  async kindOf(db: Db, recordId: string): Promise<RecordKind | null> {
    const rows: { kind: RecordKind }[] = await db.query(`SELECT kind FROM credit_record_versions WHERE record_id = $1 LIMIT 1`, [recordId]);
    return rows[0]?.kind ?? null;
  }

  /** The version that counts (or, when all are rejected, the latest). */
  async findCurrent(db: Db, recordId: string, kind?: RecordKind): Promise<CreditRecordVersion | null> {
    const k = kind ?? (await this.kindOf(db, recordId));
    if (!k) return null;
    const spec = KIND_SPECS[k];
    const rows: Row[] = await db.query(`SELECT ${selectListSql(spec, 't')} FROM ${spec.table} t WHERE t.record_id = $1 AND t.is_current`, [recordId]);
    return rows[0] ? toVersion(k, rows[0]) : null;
  }

  async findVersion(db: Db, kind: RecordKind, recordId: string, version: number): Promise<CreditRecordVersion | null> {
    const spec = KIND_SPECS[kind];
    const rows: Row[] = await db.query(`SELECT ${selectListSql(spec, 't')} FROM ${spec.table} t WHERE t.record_id = $1 AND t.version = $2`, [recordId, version]);
    return rows[0] ? toVersion(kind, rows[0]) : null;
  }

  /** Every version of a record, oldest first. */
  async history(db: Db, kind: RecordKind, recordId: string): Promise<CreditRecordVersion[]> {
    const spec = KIND_SPECS[kind];
    const rows: Row[] = await db.query(`SELECT ${selectListSql(spec, 't')} FROM ${spec.table} t WHERE t.record_id = $1 ORDER BY t.version`, [recordId]);
    return rows.map((r) => toVersion(kind, r));
  }

  /**
   * Appends a version to its record (creating the record with version 1), makes it the
   * current one, and returns it with the hash PostgreSQL computed. The caller holds the
   * record's lock.
   */
  async append<K extends RecordKind>(db: Db, recordId: string, v: NewVersion<K>): Promise<CreditRecordVersion<K>> {
    const spec = KIND_SPECS[v.kind];
    const latest: { version: number | null }[] = await db.query(`SELECT max(version) AS version FROM ${spec.table} WHERE record_id = $1`, [recordId]);
    const version = (latest[0]?.version ?? 0) + 1;
    await db.query(`UPDATE ${spec.table} SET is_current = false, change_seq = nextval('record_change_seq') WHERE record_id = $1 AND is_current`, [recordId]);
    const header: Record<string, unknown> = {
      record_id: recordId,
      version,
      consortium_id: v.consortiumId,
      subject_id: v.subjectId,
      reporter_company_id: v.reporterCompanyId,
      reporter_bank_id: v.reporterBankId,
      reporter_role: v.reporterRole,
      status: v.filedStatus,
      filed_status: v.filedStatus,
      is_current: true,
      evidence_sha256: v.evidence ? Buffer.from(v.evidence.sha256, 'hex') : null,
      evidence_name: v.evidence?.name ?? null,
      negative: v.negative,
      notice_id: v.noticeId,
      counts_from: v.countsFrom,
      ended_on: v.endedOn,
      expires_on: v.expiresOn,
      import_id: null,
      filed_by: v.filedBy,
      created_at: v.createdAt,
    };
    const headerColumns = headerColumnsOf(spec);
    const values = [...headerColumns.map((h) => header[h.column]), ...payloadValues(spec, v.payload as Record<string, unknown>)];
    const columns = [...headerColumns.map((h) => ({ column: h.column, type: h.type })), ...spec.payload];
    const select = columns.map((c, i) => `$${i + 1}::${sqlType(c.type)} AS ${c.column}`).join(', ');
    const names = columns.map((c) => c.column).join(', ');
    const rows: Row[] = await db.query(
      `WITH v AS (SELECT ${select}),
            ins AS (INSERT INTO ${spec.table} (${names}, row_hash) SELECT ${names}, ${rowHashSql(spec, 'v')} FROM v RETURNING *)
       SELECT ${selectListSql(spec, 'ins')} FROM ins`,
      values,
    );
    return toVersion(v.kind, rows[0]) as CreditRecordVersion<K>;
  }

  /**
   * Files many first versions at once (seed and benchmark data): one statement, record ids
   * and hashes computed by PostgreSQL as for every filing. Every version carries `batchId` in
   * import_id; the answer's digest is what one audit entry records for them all.
   */
  async appendBulk<K extends RecordKind>(
    db: Db,
    kind: K,
    batchId: string,
    versions: readonly Omit<NewVersion<K>, 'kind'>[],
  ): Promise<{ count: number; digest: string | null }> {
    if (versions.length === 0) return { count: 0, digest: null };
    const spec = KIND_SPECS[kind];
    const header = headerColumnsOf(spec);
    const headerValue = (v: Omit<NewVersion<K>, 'kind'>, column: string): unknown => {
      switch (column) {
        case 'version':
          return 1;
        case 'status':
        case 'filed_status':
          return v.filedStatus;
        case 'is_current':
          return true;
        case 'evidence_sha256':
          return v.evidence ? Buffer.from(v.evidence.sha256, 'hex') : null;
        case 'evidence_name':
          return v.evidence?.name ?? null;
        case 'import_id':
          return batchId;
        default: {
          const prop = column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) as keyof typeof v;
          const value = v[prop];
          return value instanceof Date ? value.toISOString() : (value ?? null);
        }
      }
    };
    const headerColumns = header.filter((h) => h.column !== 'record_id');
    const arrays = [
      ...headerColumns.map((h) => versions.map((v) => headerValue(v, h.column))),
      ...spec.payload.map((p) =>
        versions.map((v) => {
          const value = (v.payload as Record<string, unknown>)[p.prop];
          return p.type === 'jsonb' ? JSON.stringify(value) : (value ?? null);
        }),
      ),
    ];
    const given = [...headerColumns.map((h) => ({ column: h.column, type: h.type })), ...spec.payload];
    const names = given.map((c) => c.column);
    const unnest = given.map((c, i) => `$${i + 1}::${c.type === 'jsonb' ? 'text' : sqlType(c.type)}[]`).join(', ');
    const select = given.map((c) => (c.type === 'jsonb' ? `u.${c.column}::jsonb AS ${c.column}` : `u.${c.column}`)).join(', ');
    const rows: { n: number; digest: string | null }[] = await db.query(
      `WITH ins AS (
         INSERT INTO ${spec.table} (record_id, ${names.join(', ')}, row_hash)
         SELECT v.*, ${rowHashSql(spec, 'v')} FROM (
           SELECT ${recordIdSql(spec, 'w')} AS record_id, w.* FROM (SELECT ${select} FROM unnest(${unnest}) AS u(${names.join(', ')})) w
         ) v
         RETURNING record_id, version, row_hash
       ) SELECT count(*)::int AS n, ${VERSIONS_DIGEST} AS digest FROM ins`,
      arrays,
    );
    return { count: rows[0].n, digest: rows[0].digest };
  }

  /**
   * Moves a version's status (the caller checked the move) and logs it. A rejected current
   * version hands "current" back to the latest version not rejected, if there is one.
   */
  async setStatus(db: Db, v: Pick<CreditRecordVersion, 'kind' | 'recordId' | 'version' | 'status'>, to: VerificationStatus, change: StatusChange): Promise<string> {
    const spec = KIND_SPECS[v.kind];
    await db.query(`UPDATE ${spec.table} SET status = $3, change_seq = nextval('record_change_seq') WHERE record_id = $1 AND version = $2`, [v.recordId, v.version, to]);
    if (to === 'REJECTED') {
      const previous: { version: number }[] = await db.query(
        `SELECT max(version) AS version FROM ${spec.table} WHERE record_id = $1 AND version <> $2 AND status <> 'REJECTED' HAVING max(version) IS NOT NULL`,
        [v.recordId, v.version],
      );
      if (previous[0]) {
        await db.query(`UPDATE ${spec.table} SET is_current = (version = $2), change_seq = nextval('record_change_seq') WHERE record_id = $1 AND version IN ($2, $3)`, [
          v.recordId,
          previous[0].version,
          v.version,
        ]);
      }
    }
    const rows: { id: string }[] = await db.query(
      `INSERT INTO record_status_changes (kind, record_id, version, from_status, to_status, action, actor_id, import_id, dispute_id, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [v.kind, v.recordId, v.version, v.status, to, change.action, change.actorId, change.importId ?? null, change.disputeId ?? null, change.at],
    );
    return rows[0].id;
  }

  /**
   * The current versions about a company or filed by it (for a trade experience the
   * creditor too), newest first. One query for the page of ids, one per kind for the rows.
   */
  async listInvolving(db: Db, companyId: string, options: RecordListOptions): Promise<CreditRecordVersion[]> {
    const params: unknown[] = [companyId, options.limit, options.offset];
    const filters: string[] = [];
    if (options.status) {
      params.push(options.status);
      filters.push(`status = $${params.length}`);
    }
    if (!options.includeExpired) {
      params.push(options.today);
      filters.push(`(expires_on IS NULL OR expires_on > $${params.length}::date)`);
    }
    const where = filters.map((f) => ` AND ${f}`).join('');
    // one branch per kind, so each can use its partial indexes; a creditor sees the receivables filed about its buyers
    const branches = (options.kind ? [options.kind] : RECORD_KINDS).map((kind) => {
      const involves =
        kind === 'TRADE_EXPERIENCE'
          ? `(subject_id = $1 OR (counterparty_id = $1 AND side = 'SUPPLIER'))`
          : `(subject_id = $1 OR reporter_company_id = $1)`;
      return `SELECT '${kind}'::text AS kind, record_id, version, created_at FROM ${KIND_SPECS[kind].table} WHERE is_current AND ${involves}${where}`;
    });
    const refs: VersionRef[] = await db.query(
      `SELECT kind, record_id AS "recordId", version FROM (${branches.join(' UNION ALL ')}) involved
       ORDER BY created_at DESC, record_id LIMIT $2 OFFSET $3`,
      params,
    );
    return this.load(db, refs);
  }

  /** The versions named, in the order named: one query per kind. */
  async load(db: Db, refs: readonly VersionRef[]): Promise<CreditRecordVersion[]> {
    const found = new Map<string, CreditRecordVersion>();
    for (const kind of RECORD_KINDS) {
      const mine = refs.filter((r) => r.kind === kind);
      if (mine.length === 0) continue;
      const spec = KIND_SPECS[kind];
      const rows: Row[] = await db.query(
        `SELECT ${selectListSql(spec, 't')} FROM ${spec.table} t
         JOIN unnest($1::uuid[], $2::int[]) AS want(record_id, version) ON want.record_id = t.record_id AND want.version = t.version`,
        [mine.map((r) => r.recordId), mine.map((r) => r.version)],
      );
      for (const r of rows) found.set(`${r.record_id as string}:${r.version as number}`, toVersion(kind, r));
    }
    return refs.map((r) => found.get(`${r.recordId}:${r.version}`)).filter((v): v is CreditRecordVersion => v !== undefined);
  }

  /** The companies a record involves: whose ratings its status moves. */
  involvedCompanies(v: CreditRecordVersion): string[] {
    const ids = new Set([v.subjectId]);
    if (v.reporterCompanyId) ids.add(v.reporterCompanyId);
    if (v.kind === 'TRADE_EXPERIENCE') ids.add(v.payload.creditorId);
    return [...ids];
  }

  /** The companies whose members may read a record: its subject, its filer, and the creditor of a receivable. */
  readers(v: CreditRecordVersion): string[] {
    const ids = new Set([v.subjectId]);
    if (v.reporterCompanyId) ids.add(v.reporterCompanyId);
    if (v.kind === 'TRADE_EXPERIENCE' && v.payload.side === 'SUPPLIER') ids.add(v.payload.creditorId);
    return [...ids];
  }
}
