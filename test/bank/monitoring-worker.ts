import { Global, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '@app/config';
import { JOBS, JobName, jobBackoffDelay, RETENTION } from '@app/jobs';
import { PersistenceModule } from '@app/persistence';
import { type Job, type MinimalJob, Queue, Worker } from 'bullmq';
import { DeliverWebhookHandler, RatingChangedHandler } from '@worker/monitoring/monitoring.handlers';
import { MonitoringModule } from '@worker/monitoring/monitoring.module';
import { createWorkerRedis } from '@worker/queues/redis-connection';
import { WORKER_CONFIG } from '@worker/worker.tokens';

/**
 * The worker's monitoring, as deployed (its Nest module, its handlers, a real BullMQ worker
 * on each of their queues with the real retries and backoff), without the job handlers other
 * features own: the full worker refuses to start while any job has none. `relay` stands in
 * for the outbox relay, which another feature builds: it puts a job on the queue.
 */
export interface MonitoringWorker {
  readonly app: INestApplicationContext;
  relay(job: typeof JobName.RATING_CHANGED, payload: { eventId: string }): Promise<void>;
  close(): Promise<void>;
}

export async function startMonitoringWorker(config: AppConfig): Promise<MonitoringWorker> {
  @Global()
  @Module({ providers: [{ provide: WORKER_CONFIG, useValue: config }], exports: [WORKER_CONFIG] })
  class WorkerConfigModule {}

  @Module({ imports: [WorkerConfigModule, PersistenceModule.forRoot(config, 'credit-alliance-test-worker'), MonitoringModule] })
  class MonitoringWorkerModule {}

  const app = await NestFactory.createApplicationContext(MonitoringWorkerModule, { logger: false });
  await app.init();
  const handlers: Record<string, { handle(job: Job): Promise<unknown> }> = {
    [JobName.RATING_CHANGED]: app.get(RatingChangedHandler),
    [JobName.DELIVER_WEBHOOK]: app.get(DeliverWebhookHandler),
  };
  const connection = createWorkerRedis(config, 'credit-alliance-test-worker');
  // as the worker runs them: the fan-out and the webhook POSTs each on their own queue
  const queues = [...new Set([JOBS[JobName.RATING_CHANGED].queue, JOBS[JobName.DELIVER_WEBHOOK].queue])];
  const workers = queues.map(
    (queue) =>
      new Worker(
        queue,
        async (job: Job) => {
          const handler = handlers[job.name];
          if (!handler) throw new Error(`no handler for ${job.name}`);
          return handler.handle(job);
        },
        {
          connection,
          prefix: config.queuePrefix,
          concurrency: 4,
          settings: { backoffStrategy: (attemptsMade: number, type?: string, _error?: Error, job?: MinimalJob) => jobBackoffDelay(attemptsMade, type, job) },
          ...RETENTION,
        },
      ),
  );
  const producerConnection = createWorkerRedis(config, 'credit-alliance-test-relay');
  const producer = new Queue(JOBS[JobName.RATING_CHANGED].queue, { connection: producerConnection, prefix: config.queuePrefix });
  return {
    app,
    relay: async (job, payload) => {
      await producer.add(job, payload, { jobId: `event-${payload.eventId}`, attempts: 3, backoff: { type: 'exponential', delay: 100 } });
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await producer.close();
      await app.close();
      connection.disconnect();
      producerConnection.disconnect();
    },
  };
}
