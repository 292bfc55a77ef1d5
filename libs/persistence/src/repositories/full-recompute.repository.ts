import type { Db } from '../database';
import { returnedRows } from './query-result';

export type FullRecomputeTrigger = 'SCHEDULE' | 'ADMIN';
export type FullRecomputeStatus = 'RUNNING' | 'DONE' | 'SUPERSEDED';

export interface FullRecomputeRun {
  readonly id: string;
  readonly trigger: FullRecomputeTrigger;
  readonly requestedBy: string | null;
  readonly asOf: string;
  /** SUPERSEDED: a run of a later day was started while this one was still running; it stopped there */
  readonly status: FullRecomputeStatus;
  readonly chunkSize: number;
  readonly totalChunks: number;
  readonly chunksDone: number;
  readonly totalCompanies: number;
  readonly companiesDone: number;
  /** companies that got a new rating; the others were already current */
  readonly ratingsWritten: number;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
}

/** One claimed range of company ids; the claim lasts as long as the transaction. */
export interface FullRecomputeChunk {
  readonly runId: string;
  readonly chunkNo: number;
  readonly firstCompany: string;
  readonly lastCompany: string;
  readonly asOf: string;
}

interface RunRow {
  id: string;
  trigger: FullRecomputeTrigger;
  requested_by: string | null;
  as_of: string;
  status: FullRecomputeStatus;
  chunk_size: number;
  total_chunks: number;
  chunks_done: number;
  total_companies: number;
  companies_done: number;
  ratings_written: number;
  started_at: Date;
  finished_at: Date | null;
}

const toRun = (r: RunRow): FullRecomputeRun => ({
  id: r.id,
  trigger: r.trigger,
  requestedBy: r.requested_by,
  asOf: r.as_of,
  status: r.status,
  chunkSize: r.chunk_size,
  totalChunks: r.total_chunks,
  chunksDone: Number(r.chunks_done),
  totalCompanies: r.total_companies,
  companiesDone: Number(r.companies_done),
  ratingsWritten: Number(r.ratings_written),
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

const RUN_SELECT = `SELECT r.id, r.trigger, r.requested_by, to_char(r.as_of, 'YYYY-MM-DD') AS as_of, r.status, r.chunk_size,
         r.total_chunks, r.total_companies, r.started_at, r.finished_at,
         (SELECT count(*) FROM full_recompute_chunks c WHERE c.run_id = r.id AND c.done_at IS NOT NULL)::int AS chunks_done,
         (SELECT coalesce(sum(c.companies), 0) FROM full_recompute_chunks c WHERE c.run_id = r.id AND c.done_at IS NOT NULL)::int AS companies_done,
         (SELECT coalesce(sum(c.ratings_written), 0) FROM full_recompute_chunks c WHERE c.run_id = r.id)::int AS ratings_written
  FROM full_recompute_runs r`;

/**
 * Full recompute runs. A run is cut into ranges of company ids when it starts; workers
 * claim ranges with FOR UPDATE SKIP LOCKED inside the transaction that writes their
 * ratings, so a range is done exactly when its ratings committed, several workers share a
 * run, and a worker that dies leaves its range to the next.
 */
export class FullRecomputeRepository {
  /**
   * Starts a run, or returns the one already running as of the same day (at most one runs at
   * a time). A run still running as of an earlier day is SUPERSEDED by the new one: its lanes
   * stop at their next chunk (ratings as of an older day would be no use, and a stuck run
   * would otherwise hold the place every nightly start joins). `created` says whether the run
   * is new and `superseded` names the run it replaced; the caller writes the outbox rows of a
   * new run in this transaction.
   */
  async start(
    db: Db,
    input: { trigger: FullRecomputeTrigger; requestedBy: string | null; asOf: string; chunkSize: number },
  ): Promise<{ run: FullRecomputeRun; created: boolean; superseded: string | null }> {
    // serialise starters: the unique index would otherwise turn a race into an error
    await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('full-recompute:start', 0))`);
    const running = await this.running(db);
    if (running && running.asOf >= input.asOf) return { run: running, created: false, superseded: null };
    if (running) await db.query(`UPDATE full_recompute_runs SET status = 'SUPERSEDED', finished_at = now() WHERE id = $1`, [running.id]);
    const inserted: { id: string }[] = await db.query(
      `INSERT INTO full_recompute_runs (trigger, requested_by, as_of, chunk_size) VALUES ($1, $2, $3, $4) RETURNING id`,
      [input.trigger, input.requestedBy, input.asOf, input.chunkSize],
    );
    const runId = inserted[0].id;
    await db.query(
      `INSERT INTO full_recompute_chunks (run_id, chunk_no, first_company, last_company, companies)
       SELECT $1, n, (array_agg(id ORDER BY id))[1], (array_agg(id ORDER BY id DESC))[1], count(*)
       FROM (SELECT id, ((row_number() OVER (ORDER BY id)) - 1) / $2 AS n FROM companies) c GROUP BY n`,
      [runId, input.chunkSize],
    );
    await db.query(
      `UPDATE full_recompute_runs r SET total_chunks = c.chunks, total_companies = c.companies
       FROM (SELECT count(*)::int AS chunks, coalesce(sum(companies), 0)::int AS companies FROM full_recompute_chunks WHERE run_id = $1) c
       WHERE r.id = $1`,
      [runId],
    );
    return { run: (await this.findById(db, runId)) as FullRecomputeRun, created: true, superseded: running?.id ?? null };
  }

  async running(db: Db): Promise<FullRecomputeRun | null> {
    const rows: RunRow[] = await db.query(`${RUN_SELECT} WHERE r.status = 'RUNNING'`);
    return rows[0] ? toRun(rows[0]) : null;
  }

  async findById(db: Db, id: string): Promise<FullRecomputeRun | null> {
    const rows: RunRow[] = await db.query(`${RUN_SELECT} WHERE r.id = $1`, [id]);
    return rows[0] ? toRun(rows[0]) : null;
  }

  async latest(db: Db): Promise<FullRecomputeRun | null> {
    const rows: RunRow[] = await db.query(`${RUN_SELECT} ORDER BY r.started_at DESC LIMIT 1`);
    return rows[0] ? toRun(rows[0]) : null;
  }

  /**
   * The run's trade pass, to prepare in this transaction: locks the run's row, so that of
   * several lanes starting together one prepares and the others wait for its commit. Null
   * when there is nothing to prepare: the run is done, gone or already prepared.
   */
  async claimTradePass(db: Db, runId: string): Promise<{ asOf: string } | null> {
    const rows: { as_of: string }[] = await db.query(
      `SELECT to_char(as_of, 'YYYY-MM-DD') AS as_of FROM full_recompute_runs WHERE id = $1 AND status = 'RUNNING' AND prepared_at IS NULL FOR UPDATE`,
      [runId],
    );
    return rows[0] ? { asOf: rows[0].as_of } : null;
  }

  /**
   * No statement or idle-in-transaction timeout until the transaction ends: a lane waits for
   * another's trade pass (minutes at scale), then holds the run's row while its own runs.
   */
  async liftTimeouts(db: Db): Promise<void> {
    await db.query(`SET LOCAL statement_timeout = 0; SET LOCAL idle_in_transaction_session_timeout = 0`);
  }

  async markTradePassPrepared(db: Db, runId: string): Promise<void> {
    // clock_timestamp: the moment the pass was done, not the start of the transaction that held the run's row
    await db.query('UPDATE full_recompute_runs SET prepared_at = clock_timestamp() WHERE id = $1', [runId]);
  }

  /** Claims the next undone range of a running run for this transaction, or null when none is left unclaimed. */
  async claimChunk(db: Db, runId: string): Promise<FullRecomputeChunk | null> {
    const rows: { run_id: string; chunk_no: number; first_company: string; last_company: string; as_of: string }[] = await db.query(
      `SELECT c.run_id, c.chunk_no, c.first_company, c.last_company, to_char(r.as_of, 'YYYY-MM-DD') AS as_of
       FROM full_recompute_chunks c JOIN full_recompute_runs r ON r.id = c.run_id
       WHERE c.run_id = $1 AND c.done_at IS NULL AND r.status = 'RUNNING'
       ORDER BY c.chunk_no LIMIT 1 FOR UPDATE OF c SKIP LOCKED`,
      [runId],
    );
    const r = rows[0];
    return r ? { runId: r.run_id, chunkNo: r.chunk_no, firstCompany: r.first_company, lastCompany: r.last_company, asOf: r.as_of } : null;
  }

  /** The ids of the companies in a claimed range, in order. */
  async chunkCompanies(db: Db, chunk: FullRecomputeChunk): Promise<string[]> {
    const rows: { id: string }[] = await db.query('SELECT id FROM companies WHERE id BETWEEN $1 AND $2 ORDER BY id', [chunk.firstCompany, chunk.lastCompany]);
    return rows.map((r) => r.id);
  }

  async completeChunk(db: Db, chunk: FullRecomputeChunk, ratingsWritten: number): Promise<void> {
    await db.query('UPDATE full_recompute_chunks SET done_at = now(), ratings_written = $3 WHERE run_id = $1 AND chunk_no = $2', [
      chunk.runId,
      chunk.chunkNo,
      ratingsWritten,
    ]);
  }

  /** Marks the run DONE when every range is; true for the one caller that did it. */
  async finishIfComplete(db: Db, runId: string): Promise<boolean> {
    const rows = returnedRows<{ id: string }>(
      await db.query(
        `UPDATE full_recompute_runs SET status = 'DONE', finished_at = now()
         WHERE id = $1 AND status = 'RUNNING' AND NOT EXISTS (SELECT 1 FROM full_recompute_chunks WHERE run_id = $1 AND done_at IS NULL)
         RETURNING id`,
        [runId],
      ),
    );
    return rows.length === 1;
  }
}
