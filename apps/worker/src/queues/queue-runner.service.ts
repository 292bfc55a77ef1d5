import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { AppConfig } from '@app/config';
import { toCalendarDate } from '@app/domain';
import { ALL_JOB_NAMES, ALL_QUEUES, JOBS, JobName, jobBackoffDelay, jobsOfQueue, QueueName, RETENTION } from '@app/jobs';
import { DelayedError, type Job, type JobSchedulerJson, type MinimalJob, Queue, Worker } from 'bullmq';
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
  /** the last time any job started, reported progress or finished: the stuck-worker watchdog (/health/live, /health/ready) reads it */
  lastActivityAt = Date.now();
  private active = 0;
  private schedulesTimer: NodeJS.Timeout | null = null;
  /** set once this worker checked the schedulers against its settings (keepSchedule) */
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
        // backoff type `capped` (libs/jobs): exponential from the job's seed up to its backoffCapMs
        settings: {
          backoffStrategy: (attemptsMade: number, type?: string, _error?: Error, job?: MinimalJob) => jobBackoffDelay(attemptsMade, type, job),
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
   * The job schedulers, at start and then every SCHEDULERS_CHECK_INTERVAL_MS:
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
    try {
      for (const schedule of this.schedules()) await this.keepSchedule(schedule);
      this.schedulesSet = true;
    } catch (error) {
      this.logger.warn(`could not set the job schedulers (tried again in ${this.config.pipeline.schedulersCheckIntervalMs / 1000} s): ${(error as Error).message}`);
    } finally {
      this.schedulesInFlight = false;
    }
  }

  private schedules(): Schedule[] {
    const start = JOBS[JobName.START_FULL_RECOMPUTE];
    const daily = JOBS[JobName.DAILY_MAINTENANCE];
    return [
      {
        id: 'nightly-full-recompute',
        queue: QueueName.RATINGS,
        pattern: this.config.pipeline.fullRecomputeCron,
        tz: 'Asia/Shanghai',
        name: JobName.START_FULL_RECOMPUTE,
        data: { trigger: 'SCHEDULE' },
        opts: { attempts: start.attempts, backoff: { type: 'exponential', delay: start.backoffMs }, ...RETENTION },
        catchUpData: () => ({ trigger: 'SCHEDULE' }),
      },
      {
        id: 'daily-maintenance',
        queue: QueueName.RECORDS,
        pattern: this.config.pipeline.dailyMaintenanceCron,
        tz: 'UTC',
        // `day` empty: the day the job runs
        name: JobName.DAILY_MAINTENANCE,
        data: { day: '' },
        opts: { attempts: daily.attempts, backoff: { type: 'exponential', delay: daily.backoffMs }, ...RETENTION },
        // a late run is the maintenance of the day it runs, covering the days since it was due
        catchUpData: (dueAt) => ({ day: '', coverFrom: toCalendarDate(new Date(dueAt)) }),
      },
    ];
  }

  /**
   * Sets one scheduler when it needs it. BullMQ's upsertJobScheduler (6.7, addJobScheduler
   * script) deletes the scheduler's next job when it is still delayed or waiting, due or not,
   * and schedules the cron's next time after now: a worker starting while that day's job was
   * due and no worker had taken it (every worker down at 02:00 CST: a deploy, a reboot, the
   * stuck-worker watchdog) dropped that day's run. So:
   * - a scheduler missing from Redis is set (at start, or gone since: a Redis back empty);
   * - at start only (a changed cron takes effect when the worker with it starts; two releases
   *   with different crons would otherwise take turns every check), one whose pattern, time
   *   zone or job differ from this worker's is set again, after a one-off catch-up job takes
   *   the place of its due job;
   * - at start, one whose next job is gone or finished (BullMQ failed to add the next one)
   *   is set again: nothing is due, and it would never run again;
   * - otherwise it is left alone.
   */
  private async keepSchedule(schedule: Schedule): Promise<void> {
    const queue = this.queues.get(schedule.queue) as Queue;
    const current = await queue.getJobScheduler(schedule.id);
    if (current && this.schedulesSet) return;
    if (!current) {
      if (this.schedulesSet) this.logger.warn(`the job scheduler ${schedule.id} was gone from Redis (restarted empty, or flushed?): set again`);
    } else {
      // BullMQ's id of the scheduler's next job (JobScheduler.getSchedulerNextJobId)
      const next = current.next === undefined ? undefined : await queue.getJob(`repeat:${schedule.id}:${current.next}`);
      const state = next ? await next.getState() : 'unknown';
      const finished = state === 'unknown' || state === 'completed' || state === 'failed';
      if (sameSchedule(current, schedule) && !finished) return;
      const due = state === 'waiting' || state === 'prioritized' || (state === 'delayed' && (current.next as number) <= Date.now());
      if (due) await this.catchUp(queue, schedule, current.next as number);
      this.logger.log(
        finished
          ? `the job scheduler ${schedule.id} had no next job (${state}): set again`
          : `the job scheduler ${schedule.id} changed (${current.pattern} ${current.tz ?? ''} ${current.name} to ${schedule.pattern} ${schedule.tz} ${schedule.name}): set again`,
      );
    }
    await queue.upsertJobScheduler(schedule.id, { pattern: schedule.pattern, tz: schedule.tz }, { name: schedule.name, data: schedule.data, opts: schedule.opts });
  }

  /**
   * The due run the upsert is about to delete, as a one-off job of the same name. Its id is
   * the scheduled time's, so workers starting together add one; if a worker took the due job
   * meanwhile, the day runs twice, which both jobs allow: a second start joins the running
   * run (or finds every rating current), a second maintenance of a day finds nothing left.
   */
  private async catchUp(queue: Queue, schedule: Schedule, dueAt: number): Promise<void> {
    await queue.add(schedule.name, schedule.catchUpData(dueAt), { ...schedule.opts, jobId: `catch-up-${schedule.id}-${dueAt}` });
    this.logger.warn(`the job scheduler ${schedule.id} is set again while its run of ${new Date(dueAt).toISOString()} was due: that run is kept as a one-off job`);
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
    return Promise.race([queueSafetyProblem(this.connection, this.config.worker.requireRedisAof), new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000).unref())]);
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
    } catch (error) {
      // a job that put itself back in the delayed set (a webhook endpoint busy) did not fail
      if (error instanceof DelayedError) outcome = 'delayed';
      throw error;
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

/** A job scheduler the worker keeps, and the job it makes. */
interface Schedule {
  readonly id: string;
  readonly queue: QueueName;
  readonly pattern: string;
  readonly tz: string;
  readonly name: JobName;
  readonly data: Record<string, unknown>;
  readonly opts: Record<string, unknown>;
  /** the data of a one-off job that replaces a due run, by its scheduled time */
  readonly catchUpData: (dueAt: number) => Record<string, unknown>;
}

/** Whether the scheduler in Redis makes the same jobs at the same times as `schedule`. */
function sameSchedule(current: JobSchedulerJson, schedule: Schedule): boolean {
  return (
    current.pattern === schedule.pattern &&
    current.tz === schedule.tz &&
    current.every === undefined &&
    current.name === schedule.name &&
    stableJson(current.template?.data ?? {}) === stableJson(schedule.data) &&
    stableJson(current.template?.opts ?? {}) === stableJson(schedule.opts)
  );
}

/** JSON with object keys sorted: Redis hands the template's options back in another order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
