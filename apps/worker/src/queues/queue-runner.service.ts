import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { AppConfig } from '@app/config';
import { ALL_JOB_NAMES, ALL_QUEUES, JOBS, type JobName, jobsOfQueue, type QueueName, RETENTION } from '@app/jobs';
import { type Job, Queue, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { WORKER_CONFIG } from '../worker.tokens';
import { HANDLES_JOB, handlerProblems, type JobHandler } from './job-handler';
import { createWorkerRedis } from './redis-connection';

/**
 * Runs one BullMQ Worker per queue, each dispatching on `job.name` to the handler found at
 * start. Workers start only once the whole application is up (BullMQ processors that start
 * before `onApplicationBootstrap` is a known @nestjs/bullmq pitfall), and on shutdown they
 * finish the jobs they hold before the queues close.
 */
@Injectable()
export class QueueRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueRunner.name);
  private readonly handlers = new Map<JobName, JobHandler>();
  private readonly workers: Worker[] = [];
  readonly queues = new Map<QueueName, Queue>();
  private connection: IORedis | null = null;
  /** the last time any job started or finished: the readiness watchdog reads it */
  lastActivityAt = Date.now();

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
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
    for (const queueName of ALL_QUEUES) {
      if (jobsOfQueue(queueName).length === 0) continue;
      const queue = new Queue(queueName, { connection: this.connection, prefix: this.config.queuePrefix });
      queue.on('error', (error) => this.logger.warn(`queue ${queueName}: ${error.message}`));
      this.queues.set(queueName, queue);
      const worker = new Worker(queueName, (job: Job) => this.dispatch(job), {
        connection: createWorkerRedis(this.config, `credit-alliance-worker-${queueName}`),
        prefix: this.config.queuePrefix,
        concurrency: this.config.worker.concurrency,
        autorun: true,
        ...RETENTION,
      });
      worker.on('error', (error) => this.logger.warn(`worker ${queueName}: ${error.message}`));
      worker.on('failed', (job, error) => this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`));
      this.workers.push(worker);
    }
    this.logger.log(`processing ${ALL_JOB_NAMES.length} job kinds on ${this.workers.length} queue(s), prefix ${this.config.queuePrefix}`);
  }

  async ping(): Promise<boolean> {
    if (!this.connection) return false;
    return (await Promise.race([this.connection.ping(), new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 2_000).unref())])) === 'PONG';
  }

  private async dispatch(job: Job): Promise<unknown> {
    this.lastActivityAt = Date.now();
    const handler = this.handlers.get(job.name as JobName);
    if (!handler || !(job.name in JOBS)) throw new Error(`no handler for job ${job.name}`);
    try {
      return await handler.handle(job as never);
    } finally {
      this.lastActivityAt = Date.now();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // workers first: close() waits for the jobs they run; then the producers
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.connection?.quit().catch(() => undefined);
  }
}
