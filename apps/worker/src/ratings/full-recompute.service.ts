import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { JobName } from '@app/jobs';
import { ConsortiumRepository, FullRecomputeRepository, OutboxRepository, RatingRepository, ScoringInputRepository } from '@app/persistence';
import { paymentWindows } from '@app/scoring';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG } from '@worker/worker.tokens';
import { CurrentScores } from './current-scores';
import { RatingComputer } from './rating-computer.service';

export interface LaneOutcome {
  readonly chunks: number;
  readonly written: number;
  /** true for the lane that found the run complete and closed it */
  readonly finishedRun: boolean;
}

/**
 * The connections of the pool a trade pass takes beside its lane's (which holds the run's
 * row meanwhile): one per statement, three, when the pool has room. On two cores three
 * statements at once beat the longest on one connection and the other two after each other
 * on a second, since their lengths differ from machine to machine (18-19 s against 22 s for
 * the pass at 100,000 companies, docs/benchmarks.md); a small pool keeps room for the rest.
 */
export function tradePassConnections(poolSize: number): number {
  return poolSize >= 7 ? 3 : poolSize >= 5 ? 2 : 1;
}

/** Thrown between chunks when the worker is stopping: the lane's job is retried, elsewhere or later. */
export class LaneInterrupted extends Error {
  constructor(runId: string) {
    super(`full recompute ${runId}: the worker is stopping; the run resumes from its next chunk`);
  }
}

/**
 * One lane of a full recompute run: prepares the run's trade pass if no lane has (one
 * sequential read of the trade ledger), then claims the next undone range of companies (FOR UPDATE
 * SKIP LOCKED), rates it in the same transaction and marks it done at commit, until no range
 * is left. Lanes run in parallel on any number of workers; a lane that dies takes nothing
 * with it (its range's transaction rolls back and the range is claimed again), so a run
 * resumes where it was, never from the start. The lane that finds every range done closes
 * the run and queues every consortium's standing.
 */
@Injectable()
export class FullRecompute implements BeforeApplicationShutdown {
  private readonly logger = new Logger(FullRecompute.name);
  private stopping = false;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly runs: FullRecomputeRepository,
    private readonly computer: RatingComputer,
    private readonly outbox: OutboxRepository,
    private readonly scoringInputs: ScoringInputRepository,
    private readonly ratings: RatingRepository,
    private readonly consortia: ConsortiumRepository,
  ) {}

  /** Lanes stop at their next chunk boundary when the worker shuts down (the chunk in hand commits first). */
  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  async runLane(runId: string, progress: (done: number, total: number) => Promise<void>): Promise<LaneOutcome> {
    await this.prepareTradePass(runId);
    // the partners' current scores, kept by the lane: whole once, then what changed
    const scores = new CurrentScores(this.ratings);
    let chunks = 0;
    let written = 0;
    for (;;) {
      if (this.stopping) throw new LaneInterrupted(runId);
      await scores.refresh(this.dataSource.manager);
      const outcome = await this.dataSource.transaction(async (tx) => {
        const chunk = await this.runs.claimChunk(tx, runId);
        if (!chunk) return null;
        const ids = await this.runs.chunkCompanies(tx, chunk);
        const result = await this.computer.recompute(tx, ids, chunk.asOf, {
          queueDependents: false,
          queueStandings: false,
          tradePassOf: runId,
          // brought up to date once the chunk's companies are locked (CurrentScores.catchUp)
          currentScores: () => scores.catchUp(tx),
        });
        await this.runs.completeChunk(tx, chunk, result.written);
        return result;
      });
      if (!outcome) break;
      chunks++;
      written += outcome.written;
      const run = await this.runs.findById(this.dataSource.manager, runId);
      if (run) await progress(run.chunksDone, run.totalChunks);
    }
    const finishedRun = await this.dataSource.transaction(async (tx) => {
      if (!(await this.runs.finishIfComplete(tx, runId))) return false;
      const consortia = await this.consortia.allIds(tx);
      await this.outbox.add(
        tx,
        consortia.map((consortiumId) => ({ job: JobName.RECOMPUTE_STANDING, payload: { consortiumId } })),
      );
      return true;
    });
    if (finishedRun) this.logger.log(`full recompute ${runId} done`);
    return { chunks, written, finishedRun };
  }

  /**
   * Reads the trade ledger once for the whole run (ScoringInputRepository.prepareTradePass)
   * while holding the run's row: the first lane does it, lanes starting meanwhile wait for
   * it, later lanes and a resumed run find it done. A lane that dies while preparing leaves
   * the run unprepared (the mark commits last); the next lane prepares again from empty
   * tables.
   */
  private async prepareTradePass(runId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      // a lane that finds another preparing waits for it (minutes at scale), past the
      // pool's statement timeout; this transaction then only holds the run's row while its
      // own pass runs on other connections, past the idle-in-transaction timeout
      await this.runs.liftTimeouts(tx);
      const pass = await this.runs.claimTradePass(tx, runId);
      if (!pass) return;
      const started = Date.now();
      // the pass's statements on connections of their own, as many as the pool can spare
      // (reading one snapshot: ScoringInputRepository.prepareTradePass)
      const connections = Array.from({ length: tradePassConnections(this.config.dbPoolSize) }, () => this.dataSource.createQueryRunner());
      try {
        for (const c of connections) {
          await c.connect();
          // the pass aggregates the whole ledger: its sorts and hashes in memory, and no
          // statement timeout (the pool's 30 s is for requests and jobs); a worker killed
          // meanwhile has its statements cancelled within seconds, not left running to the end
          await this.scoringInputs.tuneTradePassConnection(c.manager);
        }
        await this.scoringInputs.prepareTradePass(
          connections.map((c) => c.manager),
          runId,
          pass.asOf,
          paymentWindows(pass.asOf),
        );
      } finally {
        for (const c of connections) {
          if (c.isReleased) continue;
          await this.scoringInputs.resetTradePassConnection(c.manager).catch(() => undefined);
          await c.release();
        }
      }
      await this.runs.markTradePassPrepared(tx, runId);
      this.logger.log(`full recompute ${runId}: trade pass as of ${pass.asOf} in ${Date.now() - started} ms`);
    });
  }
}
