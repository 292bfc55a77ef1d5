import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { AppConfig } from '@app/config';
import { ALL_JOB_NAMES, ALL_QUEUES, cappedBackoffDelay, JOBS, JobName, jobsOfQueue, QueueName, RETENTION } from '@app/jobs';
import { type Job, type MinimalJob, Queue, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { WorkerMetrics } from '../health/worker-metrics';
import { WORKER_CONFIG } from '../worker.tokens';
import { HANDLES_JOB, handlerProblems, type JobHandler } from './job-handler';
import { createWorkerRedis, queueSafetyProblem } from './redis-connection';

/**
 * Runs one BullMQ Worker per queue, each dispatching on `job.name` to the handler found at
 * start. Workers start only once the whole application is up (BullMQ processors that start
 * before `onApplicationBootstrap` is a known @nestjs/bullmq pitfall), and on shutdown they
 * finish the jobs they hold before the queues close.
 */
@Injectable()
export class QueueRunner implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(QueueRunner.name);
  private readonly handlers = new Map<JobName, JobHandler>();
  private readonly workers: Worker[] = [];
  readonly queues = new Map<QueueName, Queue>();
  private connection: IORedis | null = null;
  /** the connections handed to the Workers: BullMQ duplicates them and leaves these to their owner */
  private readonly workerConnections: IORedis[] = [];
  /** the last time any job started, reported progress or finished: the readiness watchdog reads it */
  lastActivityAt = Date.now();
  private active = 0;
  private schedulesTimer: NodeJS.Timeout | null = null;
  /** set once the schedulers were upserted with this worker's settings */
  private schedulesSet = false;
  private schedulesInFlight = false;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly metrics: WorkerMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const found: { name: JobName; handler: string; instance: JobHandler }[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const name = this.reflector.get<JobName | undefined>(HANDLES_JOB, metatype);
      if (name) found.push({ name, handler: metatype.name, instance: instance as JobHandler });
    }
    const problems = handlerProblems(ALL_JOB_NAMES, found);
    if (problems.length) throw new Error(`the worker cannot start: ${problems.join('; ')}`);
    for (const f of found) this.handlers.set(f.name, f.instance);

    this.connection = createWorkerRedis(this.config, 'credit-alliance-worker');
    // said at every (re)connection, and in readiness while it lasts
    this.connection.on('ready', () => {
      void this.redisProblem().then((problem) => problem && this.logger.error(`Redis at ${this.config.redisUrl.replace(/\/\/[^@]*@/, '//***@')}: ${problem}`));
    });
    for (const queueName of ALL_QUEUES) {
      if (jobsOfQueue(queueName).length === 0) continue;
      const queue = new Queue(queueName, { connection: this.connection, prefix: this.config.queuePrefix });
      queue.on('error', (error) => this.logger.warn(`queue ${queueName}: ${error.message}`));
      this.queues.set(queueName, queue);
      const workerConnection = createWorkerRedis(this.config, `credit-alliance-worker-${queueName}`);
      workerConnection.on('error', () => undefined);
      this.workerConnections.push(workerConnection);
      const worker = new Worker(queueName, (job: Job) => this.dispatch(job), {
        connection: workerConnection,
        prefix: this.config.queuePrefix,
        concurrency: this.config.worker.concurrency,
        lockDuration: this.config.worker.lockDurationMs,
        stalledInterval: this.config.worker.stalledIntervalMs,
        // a job whose worker died is taken over; only a job that keeps killing workers fails
        maxStalledCount: this.config.worker.maxStalledCount,
        // backoff type `capped` (libs/jobs): exponential up to the job's backoffCapMs
        settings: {
          backoffStrategy: (attemptsMade: number, type?: string, _error?: Error, job?: MinimalJob) => {
            const spec = job ? JOBS[job.name as JobName] : undefined;
            if (type !== 'capped' || !spec) return 0;
            return cappedBackoffDelay(attemptsMade, spec.backoffMs, spec.backoffCapMs ?? Number.MAX_SAFE_INTEGER);
          },
        },
        autorun: true,
        ...RETENTION,
      });
      worker.on('error', (error) => this.logger.warn(`worker ${queueName}: ${error.message}`));
      worker.on('failed', (job, error) => this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`));
      worker.on('progress', () => {
        this.lastActivityAt = Date.now();
      });
      this.workers.push(worker);
    }
    this.logger.log(`processing ${ALL_JOB_NAMES.length} job kinds on ${this.workers.length} queue(s), prefix ${this.config.queuePrefix}`);
    if (this.config.pipeline.schedulesEnabled) {
      void this.upsertSchedules();
      // A Redis that comes back empty (restarted without persistence, flushed) has lost the
      // schedulers with everything else; set only at start, they stayed gone, with no run and
      // no error, until some worker restarted.
      this.schedulesTimer = setInterval(() => void this.upsertSchedules(), this.config.pipeline.schedulersCheckIntervalMs);
      this.schedulesTimer.unref();
    }
  }

  /**
   * The job schedulers (BullMQ's upsertJobScheduler: idempotent, so every worker may run
   * it), at start and then every SCHEDULERS_CHECK_INTERVAL_MS:
   * - the nightly full recompute in China Standard Time (Asia/Shanghai), so that it runs in
   *   the cluster's quiet hours;
   * - the daily maintenance in UTC, the records' calendar (toCalendarDate): notice periods
   *   end and negative information expires at 00:00 UTC, and the default 00:05 brings them
   *   into ratings minutes later. In China Standard Time it ran at 16:05 UTC, 16 hours late.
   */
  private async upsertSchedules(): Promise<void> {
    // while Redis is down the calls wait for it: one round at a time
    if (this.schedulesInFlight) return;
    this.schedulesInFlight = true;
    const ratings = this.queues.get(QueueName.RATINGS) as Queue;
    const records = this.queues.get(QueueName.RECORDS) as Queue;
    const start = JOBS[JobName.START_FULL_RECOMPUTE];
    const daily = JOBS[JobName.DAILY_MAINTENANCE];
    try {
      if (await this.needsUpsert(ratings, 'nightly-full-recompute')) {
        await ratings.upsertJobScheduler(
          'nightly-full-recompute',
          { pattern: this.config.pipeline.fullRecomputeCron, tz: 'Asia/Shanghai' },
          {
            name: JobName.START_FULL_RECOMPUTE,
            data: { trigger: 'SCHEDULE' },
            opts: { attempts: start.attempts, backoff: { type: 'exponential', delay: start.backoffMs }, ...RETENTION },
          },
        );
      }
      if (await this.needsUpsert(records, 'daily-maintenance')) {
        await records.upsertJobScheduler(
          'daily-maintenance',
          { pattern: this.config.pipeline.dailyMaintenanceCron, tz: 'UTC' },
          { name: JobName.DAILY_MAINTENANCE, data: { day: '' }, opts: { attempts: daily.attempts, backoff: { type: 'exponential', delay: daily.backoffMs }, ...RETENTION } },
        );
      }
      this.schedulesSet = true;
    } catch (error) {
      this.logger.warn(`could not set the job schedulers (tried again in ${this.config.pipeline.schedulersCheckIntervalMs / 1000} s): ${(error as Error).message}`);
    } finally {
      this.schedulesInFlight = false;
    }
  }

  /**
   * Until this worker has set the schedulers, always (a changed cron takes effect at start);
   * afterwards only when one is gone. An upsert replaces the scheduler's next job, so one
   * that came while that job was due and waiting for a worker would drop that day's run
   * and schedule the next.
   */
  private async needsUpsert(queue: Queue, schedulerId: string): Promise<boolean> {
    if (!this.schedulesSet) return true;
    if (await queue.getJobScheduler(schedulerId)) return false;
    this.logger.warn(`the job scheduler ${schedulerId} was gone from Redis (restarted empty, or flushed?): set again`);
    return true;
  }

  /**
   * Why this worker should not be ready, or null: jobs are waiting, this worker runs none
   * and has done nothing for WORKER_STUCK_AFTER_SECONDS (the known BullMQ failure mode of a
   * worker that stopped consuming after a Redis restart); an orchestrator restarts it.
   */
  async stuck(): Promise<string | null> {
    if (this.active > 0) return null;
    const idleSeconds = (Date.now() - this.lastActivityAt) / 1000;
    if (idleSeconds < this.config.worker.stuckAfterSeconds) return null;
    let waiting = 0;
    for (const queue of this.queues.values()) {
      const counts = await Promise.race([
        queue.getJobCounts('waiting', 'prioritized'),
        new Promise<Record<string, number>>((resolve) => setTimeout(() => resolve({}), 2_000).unref()),
      ]);
      waiting += (counts.waiting ?? 0) + (counts.prioritized ?? 0);
    }
    return waiting > 0 ? `${waiting} job(s) waiting and none run here for ${Math.round(idleSeconds)} s` : null;
  }

  async ping(): Promise<boolean> {
    if (!this.connection) return false;
    return (await Promise.race([this.connection.ping(), new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 2_000).unref())])) === 'PONG';
  }

  /** What makes this Redis unsafe for queues (queueSafetyProblem), or null. */
  async redisProblem(): Promise<string | null> {
    if (!this.connection) return null;
    return Promise.race([queueSafetyProblem(this.connection), new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000).unref())]);
  }

  private async dispatch(job: Job): Promise<unknown> {
    this.lastActivityAt = Date.now();
    const handler = this.handlers.get(job.name as JobName);
    if (!handler || !(job.name in JOBS)) throw new Error(`no handler for job ${job.name}`);
    this.active++;
    this.metrics.activeJobs.inc();
    const stopTimer = this.metrics.jobDuration.startTimer({ job: job.name });
    let outcome = 'failed';
    try {
      const result = await handler.handle(job as never);
      outcome = 'completed';
      return result;
    } finally {
      stopTimer({ outcome });
      this.active--;
      this.metrics.activeJobs.dec();
      this.lastActivityAt = Date.now();
    }
  }

  /**
   * Workers first: close() waits for the jobs they run. Before any onApplicationShutdown,
   * because TypeORM's module closes the DataSource in its own, and Nest ran it before this
   * class's: the jobs in hand lost their database connections ("Connection terminated").
   * Full-recompute lanes stop at their next chunk boundary (FullRecompute's hook, in
   * RatingsModule, runs before this global module's), so this wait is one chunk long.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.schedulesTimer) clearInterval(this.schedulesTimer);
    await Promise.all(this.workers.map((w) => w.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    // then the producers (the workers are closed: closing again is a no-op)
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    // a caller's connection is never closed by BullMQ: left open, it kept reconnecting after shutdown
    for (const c of [...this.workerConnections, ...(this.connection ? [this.connection] : [])]) {
      if (c.status === 'ready') await c.quit().catch(() => c.disconnect());
      else c.disconnect();
    }
  }
}
