import { JOBS, type JobName, type JobPayloads } from '@app/jobs';
import type { Db } from '../database';

export interface OutboxRow {
  readonly id: string;
  readonly jobName: JobName;
  readonly payload: Record<string, unknown>;
  readonly runAt: Date;
  readonly createdAt: Date;
}

export interface OutboxMessage<N extends JobName = JobName> {
  readonly job: N;
  readonly payload: JobPayloads[N];
  /** run no earlier than this */
  readonly runAt?: Date;
}

/**
 * The transactional outbox: `add` runs in the transaction of the change that needs the job,
 * so the job exists exactly when the change committed. The worker's relay claims unsent
 * rows with SKIP LOCKED (several relays never take the same row) and marks them sent only
 * after Redis has the job.
 */
export class OutboxRepository {
  async add(db: Db, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    for (const m of messages) if (!JOBS[m.job]) throw new Error(`unknown job ${m.job}`);
    await db.query(
      `INSERT INTO outbox (job_name, payload, run_at)
       SELECT * FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[])`,
      [messages.map((m) => m.job), messages.map((m) => JSON.stringify(m.payload)), messages.map((m) => m.runAt ?? new Date())],
    );
  }

  /** Locks up to `limit` unsent rows for this transaction; others skip them. */
  async claim(db: Db, limit: number): Promise<OutboxRow[]> {
    const rows: { id: string; job_name: JobName; payload: Record<string, unknown>; run_at: Date; created_at: Date }[] = await db.query(
      `SELECT id, job_name, payload, run_at, created_at FROM outbox
       WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, jobName: r.job_name, payload: r.payload, runAt: r.run_at, createdAt: r.created_at }));
  }

  async markSent(db: Db, ids: readonly string[]): Promise<void> {
    if (ids.length) await db.query('UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])', [ids]);
  }

  async markFailed(db: Db, ids: readonly string[], error: string): Promise<void> {
    if (ids.length) await db.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])', [ids, error.slice(0, 1000)]);
  }

  /** Age in seconds of the oldest unsent row (the outbox part of the recompute lag), 0 when none. */
  async oldestUnsentAgeSeconds(db: Db): Promise<number> {
    const rows: { age: number | null }[] = await db.query(
      `SELECT extract(epoch FROM now() - min(created_at))::float8 AS age FROM outbox WHERE sent_at IS NULL AND run_at <= now()`,
    );
    return rows[0]?.age ?? 0;
  }

  async countUnsent(db: Db): Promise<number> {
    const rows: { n: string }[] = await db.query('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL');
    return Number(rows[0].n);
  }
}
