import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { ALL_JOB_NAMES, ALL_QUEUES, JOBS, type JobName, type JobPayloads, type QueueName, relayJobOptions } from '@app/jobs';
import { OutboxRepository, type OutboxRow } from '@app/persistence';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG } from '@worker/worker.tokens';
import { WorkerMetrics } from '@worker/health/worker-metrics';

/** How long one batch may wait for Redis before the relay gives up and tries again later. */
const REDIS_TIMEOUT_MS = 5_000;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** How long the relay waits quietly for its first Redis connection. */
const STARTUP_GRACE_MS = 5_000;

/** How often the relay says again that rows of jobs it does not know wait in the outbox. */
const UNKNOWN_JOBS_REMINDER_MS = 5 * 60_000;

/**
 * The outbox relay: moves outbox rows into BullMQ. Each batch is claimed with FOR UPDATE
 * SKIP LOCKED (several workers relay at once, never the same row), added to Redis, and
 * marked sent in the same transaction, after Redis answered; a batch that fails stays
 * unsent and is tried again (a row added twice while its job waits or runs is one job, see
 * relayJobOptions; after that, consumers are idempotent by keys of their own). It wakes
 * on PostgreSQL NOTIFY (a trigger on the outbox) and polls every OUTBOX_RELAY_INTERVAL_MS
 * in case a notification was missed. While Redis is down, mutations keep writing rows and
 * the relay catches up when Redis returns. Rows naming a job this worker does not know (a
 * newer release's, during a rolling deploy) are left unsent for a worker that knows it, with
 * the reason on the row and in the log; the rest are relayed.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly queues = new Map<QueueName, Queue>();
  private producer: IORedis | null = null;
  private listener: Client | null = null;
  private poll: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastFailureLog = 0;
  private lastUnknownReminder = 0;
  private startedAt = 0;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly metrics: WorkerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.pipeline.schedulesEnabled) return;
    this.startedAt = Date.now();
    // fail fast while Redis is down (no offline queue): the rows stay in the outbox meanwhile
    this.producer = new IORedis(this.config.redisUrl, {
      connectionName: 'credit-alliance-outbox-relay',
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: (times) => Math.min(200 * times, 2_000),
    });
    this.producer.on('error', () => undefined);
    // back from an outage: relay what waited at once, not at the next poll
    this.producer.on('ready', () => this.kick());
    for (const name of ALL_QUEUES) {
      const queue = new Queue(name, { connection: this.producer, prefix: this.config.queuePrefix });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    void this.listen();
    this.poll = setInterval(() => this.kick(), this.config.pipeline.relayIntervalMs);
    this.kick();
  }

  /** Starts a drain, or asks the running one to go round once more. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Relays until the outbox is empty (or Redis fails); resolves when done. For tests and shutdown. */
  async drainNow(): Promise<void> {
    while (this.draining) await this.draining;
    this.kick();
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    // Redis unreachable: claiming rows (locking up to a batch of them) would only fail at
    // Redis. Every mutation's NOTIFY kicks the relay, so during an outage that was a wasted
    // claim per committed change; wait for the connection instead (its 'ready' kicks).
    if (this.producer?.status !== 'ready') {
      // at start the connection is still being made, and its 'ready' kicks: a warning then
      // only taught operators to ignore it; one still slow after the grace is worth one
      if (Date.now() - this.startedAt > STARTUP_GRACE_MS) this.warnPaused(`Redis connection ${this.producer?.status ?? 'missing'}`);
      return;
    }
    try {
      await this.holdBackUnknown();
      while (!this.stopped) {
        const relayed = await this.relayBatch();
        if (relayed < this.config.pipeline.relayBatch) return;
      }
    } catch (error) {
      this.metrics.relayFailures.inc();
      this.warnPaused((error as Error).message);
    }
  }

  private warnPaused(reason: string): void {
    const now = Date.now();
    if (now - this.lastFailureLog > 30_000) {
      this.lastFailureLog = now;
      this.logger.warn(`outbox relay paused, rows stay in the outbox: ${reason}`);
    }
  }

  /**
   * Rows naming a job this worker does not know stay unsent, so that a worker that knows it
   * relays them: each gets its reason (`last_error`) once, with a warning; while any wait, a
   * reminder every UNKNOWN_JOBS_REMINDER_MS, since they hold the outbox lag up.
   */
  private async holdBackUnknown(): Promise<void> {
    const limit = this.config.pipeline.relayBatch;
    for (;;) {
      const held = await this.dataSource.transaction(async (tx) => {
        const rows = await this.outbox.claimUnknown(tx, ALL_JOB_NAMES, limit);
        for (const name of new Set(rows.map((r) => r.jobName))) {
          const ids = rows.filter((r) => r.jobName === name).map((r) => r.id);
          await this.outbox.markFailed(tx, ids, `this worker has no job ${name} (a newer release's?): left unsent for a worker that has it`);
        }
        return rows;
      });
      if (held.length === 0) break;
      const names = [...new Set(held.map((r) => r.jobName))].join(', ');
      const ids = held.slice(0, 10).map((r) => r.id).join(', ') + (held.length > 10 ? ', ...' : '');
      this.logger.warn(`${held.length} outbox row(s) (${ids}) name jobs this worker does not know (${names}): left unsent for a worker that knows them`);
      this.lastUnknownReminder = Date.now();
      if (held.length < limit) break;
    }
    if (Date.now() - this.lastUnknownReminder < UNKNOWN_JOBS_REMINDER_MS) return;
    this.lastUnknownReminder = Date.now();
    const waiting = await this.outbox.unsentOfUnknownJobs(this.dataSource.manager, ALL_JOB_NAMES);
    if (waiting.length) {
      const list = waiting.map((w) => `${w.rows} of ${w.jobName}, the oldest ${Math.round(w.oldestAgeSeconds)} s old`).join('; ');
      this.logger.warn(`outbox rows wait for a worker that knows their job, and hold the recompute lag up: ${list}`);
    }
  }

  private async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await this.outbox.claim(tx, this.config.pipeline.relayBatch, ALL_JOB_NAMES);
      if (rows.length === 0) return 0;
      const now = Date.now();
      const byQueue = new Map<QueueName, OutboxRow[]>();
      for (const row of rows) {
        const { queue } = JOBS[row.jobName];
        byQueue.set(queue, [...(byQueue.get(queue) ?? []), row]);
      }
      for (const [queueName, queued] of byQueue) {
        const queue = this.queues.get(queueName) as Queue;
        const jobs = queued.map((row) => ({
          name: row.jobName,
          data: row.payload,
          opts: relayJobOptions(row.jobName as JobName, row.payload as unknown as JobPayloads[JobName], row.id, row.runAt.getTime() - now),
        }));
        await withTimeout(queue.addBulk(jobs as never), REDIS_TIMEOUT_MS, `adding ${jobs.length} job(s) to ${queueName}`);
      }
      await this.outbox.markSent(tx, rows.map((r) => r.id));
      this.metrics.relayed.inc(rows.length);
      return rows.length;
    });
  }

  private async listen(): Promise<void> {
    while (!this.stopped) {
      const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'credit-alliance-outbox-listener' });
      try {
        await client.connect();
        this.listener = client;
        await client.query('LISTEN outbox');
        client.on('notification', () => this.kick());
        // a NOTIFY may have been missed while disconnected
        this.kick();
        await new Promise<void>((resolve) => {
          client.once('end', resolve);
          client.once('error', () => resolve());
        });
      } catch {
        // PostgreSQL unreachable: the poll goes on; listen again shortly
      } finally {
        this.listener = null;
        await client.end().catch(() => undefined);
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    await this.draining;
    await this.listener?.end().catch(() => undefined);
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.producer?.disconnect();
  }
}
