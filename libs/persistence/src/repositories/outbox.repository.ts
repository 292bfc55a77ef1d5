import { ALL_JOB_NAMES, JOBS, type JobName, type JobPayloads } from '@app/jobs';
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

  /**
   * Locks up to `limit` unsent rows of the jobs in `jobNames` (those the relay knows; by default
   * every job of this release) for this transaction; others skip them. Rows of other jobs (a newer release's, written during a
   * rolling deploy) are never claimed here: claimed, they failed every batch they were in,
   * and the same lowest rows were claimed again at every poll.
   */
  async claim(db: Db, limit: number, jobNames: readonly string[] = ALL_JOB_NAMES): Promise<OutboxRow[]> {
    const rows: { id: string; job_name: JobName; payload: Record<string, unknown>; run_at: Date; created_at: Date }[] = await db.query(
      `SELECT id, job_name, payload, run_at, created_at FROM outbox
       WHERE sent_at IS NULL AND job_name = ANY($1::text[]) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [jobNames, limit],
    );
    return rows.map((r) => ({ id: r.id, jobName: r.job_name, payload: r.payload, runAt: r.run_at, createdAt: r.created_at }));
  }

  /**
   * Locks up to `limit` unsent rows of jobs not in `jobNames` that carry no reason yet
   * (`last_error`), for the relay to record why it leaves them (markFailed): they stay unsent,
   * for a worker that knows their job.
   */
  async claimUnknown(db: Db, jobNames: readonly string[], limit: number): Promise<{ id: string; jobName: string }[]> {
    const rows: { id: string; job_name: string }[] = await db.query(
      `SELECT id, job_name FROM outbox
       WHERE sent_at IS NULL AND last_error IS NULL AND NOT (job_name = ANY($1::text[])) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [jobNames, limit],
    );
    return rows.map((r) => ({ id: r.id, jobName: r.job_name }));
  }

  /** The unsent rows of each job not in `jobNames`, with the age in seconds of the oldest. */
  async unsentOfUnknownJobs(db: Db, jobNames: readonly string[]): Promise<{ jobName: string; rows: number; oldestAgeSeconds: number }[]> {
    const rows: { job_name: string; n: number; age: number }[] = await db.query(
      `SELECT job_name, count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float8 AS age FROM outbox
       WHERE sent_at IS NULL AND NOT (job_name = ANY($1::text[])) GROUP BY job_name ORDER BY job_name`,
      [jobNames],
    );
    return rows.map((r) => ({ jobName: r.job_name, rows: r.n, oldestAgeSeconds: r.age }));
  }

  async markSent(db: Db, ids: readonly string[]): Promise<void> {
    if (ids.length) await db.query('UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])', [ids]);
  }

  /** Records why rows were not sent; they stay unsent, and any relay may still claim them. */
  async markFailed(db: Db, ids: readonly string[], error: string): Promise<void> {
    if (ids.length) await db.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])', [ids, error.slice(0, 1000)]);
  }

  /**
   * Age in seconds of the oldest unsent row (the outbox part of the recompute lag), 0 when
   * none. Rows no running relay knows the job of count: their work waits too (the relay logs
   * them, and their `last_error` says why).
   */
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
