import { createHash } from 'node:crypto';
import { canonicalJson } from '@app/domain';
import type { Db } from '../database';

/** Arbitrary constant: the advisory lock that serialises appends, so the chain cannot fork. */
const AUDIT_APPEND_LOCK = 7_312_004_002;
const GENESIS: Buffer = Buffer.alloc(32);

export interface AuditEntry {
  /** what happened, e.g. `record.filed`, `record.disputed`, `inquiries.sealed` */
  readonly action: string;
  readonly actorId: string | null;
  readonly consortiumId?: string | null;
  readonly companyId?: string | null;
  /** the facts worth proving later: ids, statuses, content hashes; no secrets */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly checked: number;
  /** the first entry whose link or content does not verify */
  readonly firstBrokenSeq: number | null;
  readonly reason: string | null;
  /** the last entry's position and hash (hex): publish both, to detect a truncated tail later */
  readonly headSeq: number | null;
  readonly headHash: string | null;
}

/** A head published earlier (verify's headSeq and headHash, kept outside this database). */
export interface AuditCheckpoint {
  readonly seq: number;
  /** hex */
  readonly hash: string;
}

export function auditHash(prevHash: Buffer, content: string): Buffer {
  return createHash('sha256').update(prevHash).update(content, 'utf8').digest();
}

export class AuditLogRepository {
  /**
   * Appends entries at the end of the chain. Must run inside the transaction of the change
   * it records: the advisory lock is held until that transaction ends, so appends are
   * serialised and an entry exists exactly when its change committed. Returns the entries'
   * positions in the chain, in order. `at` is the caller's Clock's now (no default: the
   * entry's time must be the time of the change it records, also under a test's clock).
   */
  async append(db: Db, entries: readonly AuditEntry[], at: Date): Promise<number[]> {
    if (entries.length === 0) return [];
    await db.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_APPEND_LOCK]);
    const last: { seq: string; hash: Buffer }[] = await db.query('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    let seq = last[0] ? Number(last[0].seq) : 0;
    let prev: Buffer = last[0] ? last[0].hash : GENESIS;
    const rows: unknown[][] = [[], [], [], [], [], [], [], [], []];
    for (const entry of entries) {
      seq += 1;
      const content = canonicalJson({
        seq,
        at: at.toISOString(),
        action: entry.action,
        actorId: entry.actorId,
        consortiumId: entry.consortiumId ?? null,
        companyId: entry.companyId ?? null,
        details: entry.details,
      });
      const hash = auditHash(prev, content);
      [seq, at, entry.action, entry.actorId, entry.consortiumId ?? null, entry.companyId ?? null, content, prev, hash].forEach((v, i) => rows[i].push(v));
      prev = hash;
    }
    await db.query(
      `INSERT INTO audit_log (seq, at, action, actor_id, consortium_id, company_id, content, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[], $8::bytea[], $9::bytea[])`,
      rows,
    );
    return rows[0] as number[];
  }

  /** The last entry of the chain: what a checkpoint publishes. */
  async head(db: Db): Promise<AuditCheckpoint | null> {
    const rows: { seq: string; hash: Buffer }[] = await db.query('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash.toString('hex') } : null;
  }

  /**
   * Walks the whole chain in seq order and reports the first broken link. A chain is only
   * evidence of what it still holds: entries cut from its end leave a shorter chain that
   * verifies. So a checkpoint (a head published earlier, kept elsewhere) can be given: the
   * chain must still reach it, with the same hash there.
   */
  async verify(db: Db, options: { readonly checkpoint?: AuditCheckpoint | null; readonly batchSize?: number } = {}): Promise<AuditVerification> {
    const batchSize = options.batchSize ?? 10_000;
    const checkpoint = options.checkpoint ?? null;
    let prev: Buffer = GENESIS;
    let expectedSeq = 1;
    let checked = 0;
    for (;;) {
      const rows: { seq: string; content: string; prev_hash: Buffer; hash: Buffer }[] = await db.query(
        'SELECT seq, content, prev_hash, hash FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2',
        [expectedSeq, batchSize],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const seq = Number(row.seq);
        const fail = (reason: string): AuditVerification => ({ ok: false, checked, firstBrokenSeq: seq, reason, headSeq: null, headHash: null });
        if (seq !== expectedSeq) return { ...fail(`entry ${expectedSeq} is missing`), firstBrokenSeq: expectedSeq };
        if (!row.prev_hash.equals(prev)) return fail('its previous-hash link does not match the entry before it');
        if (!auditHash(prev, row.content).equals(row.hash)) return fail('its content does not match its hash');
        let declaredSeq: unknown;
        try {
          declaredSeq = (JSON.parse(row.content) as { seq?: unknown }).seq;
        } catch {
          return fail('its content is not valid JSON');
        }
        if (declaredSeq !== seq) return fail('its content names another position in the chain');
        if (checkpoint && seq === checkpoint.seq && row.hash.toString('hex') !== checkpoint.hash.toLowerCase()) {
          return fail('its hash differs from the published checkpoint: the log was rewritten at or before this entry');
        }
        prev = row.hash;
        expectedSeq += 1;
        checked += 1;
      }
    }
    if (checkpoint && checkpoint.seq > checked) {
      return {
        ok: false,
        checked,
        firstBrokenSeq: checked + 1,
        reason: `the log ends at entry ${checked}, before the published checkpoint at entry ${checkpoint.seq}: entries were removed from its end`,
        headSeq: null,
        headHash: null,
      };
    }
    return { ok: true, checked, firstBrokenSeq: null, reason: null, headSeq: checked || null, headHash: checked ? prev.toString('hex') : null };
  }
}
