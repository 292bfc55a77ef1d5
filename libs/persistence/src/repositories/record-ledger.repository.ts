import type { CreditRecordVersion, RecordKind } from '@app/domain';
import type { Db } from '../database';
import type { AuditEntry } from './audit-log.repository';
import { KIND_SPECS, rowHashSql } from './record-kinds';

/**
 * The audit entry of one filed version, whoever filed it: the ledger check below finds a
 * version's filing by `recordId` and `version` and compares `rowHash`. `extra` says how it
 * came (e.g. `via`).
 */
export function recordFiledEntry<K extends RecordKind>(v: CreditRecordVersion<K>, actorId: string | null, extra: Readonly<Record<string, unknown>> = {}): AuditEntry {
  return {
    action: 'record.filed',
    actorId,
    consortiumId: v.consortiumId,
    companyId: v.subjectId,
    details: {
      kind: v.kind,
      recordId: v.recordId,
      version: v.version,
      status: v.status,
      rowHash: v.rowHash,
      negative: v.negative,
      noticeId: v.noticeId,
      countsFrom: v.countsFrom,
      expiresOn: v.expiresOn,
      ...extra,
    },
  };
}

export interface LedgerProblem {
  readonly kind: RecordKind | null;
  readonly recordId: string | null;
  readonly version: number | null;
  readonly problem: string;
}

export interface LedgerVerification {
  readonly ok: boolean;
  readonly versionsChecked: number;
  /** the first problems found (at most `limit`) */
  readonly problems: readonly LedgerProblem[];
}

/** The digest of a batch of versions (an import, seed data), over rows with record_id, version, row_hash. */
export const VERSIONS_DIGEST = `encode(sha256(string_agg(row_hash, ''::bytea ORDER BY record_id, version)), 'hex')`;
/** The digest of a batch's status changes, over rows of record_status_changes. */
export const CHANGES_DIGEST = `encode(sha256(convert_to(string_agg(record_id::text || ':' || version || ':' || from_status || '>' || to_status, ',' ORDER BY id), 'UTF8')), 'hex')`;

/** The audit entries of filings and status changes, parsed once per check. */
const AUDITED = `
  WITH filed AS (
    SELECT (d->>'recordId')::uuid AS record_id, (d->>'version')::int AS version, d->>'rowHash' AS row_hash
    FROM (SELECT content::jsonb->'details' AS d FROM audit_log WHERE action = 'record.filed') a
  ), changed AS (
    SELECT (d->>'changeId')::bigint AS change_id, d->>'from' AS from_status, d->>'to' AS to_status
    FROM (SELECT content::jsonb->'details' AS d FROM audit_log WHERE action = 'record.status') a
  ), merged AS (
    SELECT (d->>'importId')::uuid AS import_id, d->>'versionsDigest' AS versions_digest, d->>'changesDigest' AS changes_digest
    FROM (SELECT content::jsonb->'details' AS d FROM audit_log WHERE action IN ('import.merged', 'records.seeded')) a
  )`;

/**
 * Checks the records against the tamper-evident audit log: every version's content still
 * gives the hash computed when it was filed, that hash is the one the audit log recorded
 * (per version, or per import as a digest), and every status is the one its logged changes
 * lead to. Together with the audit chain's own check, a row altered in SQL is caught.
 */
export class RecordLedgerRepository {
  async verify(db: Db, options: { readonly limit?: number; readonly consortiumId?: string | null } = {}): Promise<LedgerVerification> {
    const limit = options.limit ?? 100;
    const scope = options.consortiumId ?? null;
    const problems: LedgerProblem[] = [];
    let versionsChecked = 0;
    const add = (rows: { record_id: string | null; version: number | null; problem: string }[], kind: RecordKind | null): void => {
      for (const r of rows) if (problems.length < limit) problems.push({ kind, recordId: r.record_id, version: r.version, problem: r.problem });
    };

    for (const spec of Object.values(KIND_SPECS)) {
      const counted: { n: string }[] = await db.query(`SELECT count(*) AS n FROM ${spec.table} WHERE $1::uuid IS NULL OR consortium_id = $1`, [scope]);
      versionsChecked += Number(counted[0].n);
      const rows: { record_id: string; version: number; problem: string }[] = await db.query(
        `${AUDITED}
         SELECT t.record_id, t.version,
                CASE WHEN t.row_hash <> ${rowHashSql(spec, 't')} THEN 'its content no longer matches the hash computed when it was filed'
                     WHEN t.import_id IS NULL AND f.record_id IS NULL THEN 'the audit log has no entry for its filing'
                     WHEN t.import_id IS NULL AND f.row_hash <> encode(t.row_hash, 'hex') THEN 'its hash differs from the one the audit log recorded'
                     WHEN t.status <> coalesce(last.to_status, t.filed_status) THEN 'its status is not the one its logged changes lead to'
                END AS problem
         FROM ${spec.table} t
         LEFT JOIN filed f ON f.record_id = t.record_id AND f.version = t.version
         LEFT JOIN LATERAL (SELECT c.to_status FROM record_status_changes c WHERE c.record_id = t.record_id AND c.version = t.version ORDER BY c.id DESC LIMIT 1) last ON true
         WHERE ($2::uuid IS NULL OR t.consortium_id = $2)
           AND (t.row_hash <> ${rowHashSql(spec, 't')}
            OR (t.import_id IS NULL AND (f.record_id IS NULL OR f.row_hash <> encode(t.row_hash, 'hex')))
            OR t.status <> coalesce(last.to_status, t.filed_status))
         ORDER BY t.created_at, t.record_id, t.version LIMIT $1`,
        [limit, scope],
      );
      add(rows, spec.kind);
      // which version counts is not in any hash: it follows from the versions and their
      // logged statuses (the latest not rejected, or the latest when all are), so it is
      // checked against them; a version made current by hand is caught here
      const current: { record_id: string; version: number | null; problem: string }[] = await db.query(
        `SELECT record_id, max(version) FILTER (WHERE is_current) AS version,
                'the version that counts is not the latest one not rejected' AS problem
         FROM ${spec.table} WHERE $2::uuid IS NULL OR consortium_id = $2
         GROUP BY record_id
         HAVING count(*) FILTER (WHERE is_current) <> 1
             OR max(version) FILTER (WHERE is_current) IS DISTINCT FROM coalesce(max(version) FILTER (WHERE status <> 'REJECTED'), max(version))
         ORDER BY record_id LIMIT $1`,
        [limit, scope],
      );
      add(current, spec.kind);
    }

    // status changes made one by one are each in the audit log, with the same move
    const changes: { record_id: string; version: number; problem: string }[] = await db.query(
      `${AUDITED}
       SELECT c.record_id, c.version, 'a status change is missing from the audit log or differs from it' AS problem
       FROM record_status_changes c LEFT JOIN changed a ON a.change_id = c.id
       WHERE c.import_id IS NULL AND (a.change_id IS NULL OR a.from_status <> c.from_status OR a.to_status <> c.to_status)
         AND ($2::uuid IS NULL OR c.record_id IN (SELECT record_id FROM credit_record_versions WHERE consortium_id = $2))
       ORDER BY c.id LIMIT $1`,
      [limit, scope],
    );
    add(changes, null);

    // an import's versions and status changes are covered by the digests of its audit entry
    const digests = Object.values(KIND_SPECS)
      .map((s) => `SELECT import_id, record_id, version, row_hash, consortium_id FROM ${s.table} WHERE import_id IS NOT NULL`)
      .join(' UNION ALL ');
    const imports: { record_id: null; version: null; problem: string }[] = await db.query(
      `${AUDITED},
       versions AS (
         SELECT import_id, min(consortium_id::text)::uuid AS consortium_id, ${VERSIONS_DIGEST} AS digest
         FROM (${digests}) v GROUP BY import_id
       ),
       changes AS (
         SELECT import_id, ${CHANGES_DIGEST} AS digest FROM record_status_changes WHERE import_id IS NOT NULL GROUP BY import_id
       )
       SELECT NULL AS record_id, NULL AS version, 'import ' || coalesce(v.import_id, m.import_id) || ': ' ||
              CASE WHEN m.import_id IS NULL THEN 'its versions have no audit entry'
                   WHEN v.import_id IS NULL THEN 'its audited versions are missing'
                   WHEN v.digest <> m.versions_digest THEN 'its versions differ from the digest in the audit log'
                   ELSE 'its status changes differ from the digest in the audit log' END AS problem
       FROM versions v FULL JOIN merged m ON m.import_id = v.import_id
       LEFT JOIN changes c ON c.import_id = coalesce(v.import_id, m.import_id)
       WHERE (m.import_id IS NULL OR (v.import_id IS NULL AND m.versions_digest IS NOT NULL) OR v.digest <> m.versions_digest
          OR coalesce(c.digest, '') <> coalesce(m.changes_digest, ''))
         AND ($2::uuid IS NULL OR v.consortium_id = $2 OR m.import_id IN (SELECT id FROM imports WHERE consortium_id = $2))
       LIMIT $1`,
      [limit, scope],
    );
    add(imports, null);
    return { ok: problems.length === 0, versionsChecked, problems };
  }
}
