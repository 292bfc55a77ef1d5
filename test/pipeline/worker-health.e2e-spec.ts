import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobName, QueueName } from '@app/jobs';
import { OutboxRepository } from '@app/persistence';
import { Factories } from '@app/testing';
import { Queue, type Worker } from 'bullmq';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { startHealthServer } from '@worker/health/health-server';
import { WorkerMetrics } from '@worker/health/worker-metrics';
import { QueueRunner } from '@worker/queues/queue-runner.service';
import { startPrivateRedis } from './fault-support';
import { eventually, type IsolatedPipeline, isolatedPipeline, type RunningWorker } from './pipeline-support';

describe("the worker's own signals: readiness, the stuck-worker watchdog, metrics", () => {
  let pipeline: IsolatedPipeline;
  let worker: RunningWorker;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    pipeline = await isolatedPipeline('health', { WORKER_STUCK_AFTER_SECONDS: '5', WORKER_HEALTH_PORT: '0' });
    worker = await pipeline.startWorker();
    server = await startHealthServer(pipeline.config, worker.app.get(DataSource), worker.app.get(QueueRunner), worker.app.get(WorkerMetrics));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await worker?.close();
    await pipeline?.api.close();
    await pipeline?.drop();
  });

  it('is ready while PostgreSQL and Redis answer and jobs run, and counts job durations', async () => {
    const f = new Factories(pipeline.api.dataSource);
    const company = await f.company((await f.consortium()).id);
    await pipeline.api.dataSource.transaction((tx) =>
      new OutboxRepository().add(tx, [{ job: JobName.RECOMPUTE_COMPANY, payload: { companyId: company.id, reason: 'test' } }]),
    );
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return text.includes(`ca_job_duration_seconds_count{job="${JobName.RECOMPUTE_COMPANY}",outcome="completed"}`) ? text : undefined;
    });
    expect(metrics).toMatch(/ca_outbox_relayed_total \d+/);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up', jobs: 'up' } });
  });

  it('is not ready when jobs wait and this worker has run none for WORKER_STUCK_AFTER_SECONDS', async () => {
    const runner = worker.app.get(QueueRunner);
    // the failure mode: the worker stopped consuming (as BullMQ workers can after a Redis restart)
    const workers = (runner as unknown as { workers: Worker[] }).workers;
    await Promise.all(workers.map((w) => w.close()));
    const connection = new IORedis(pipeline.config.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(QueueName.RATINGS, { connection, prefix: pipeline.config.queuePrefix });
    try {
      await queue.add(JobName.RECOMPUTE_STANDING, { consortiumId: '00000000-0000-4000-8000-000000000000' });
      runner.lastActivityAt = Date.now() - 6_000;
      const stuck = await fetch(`${base}/health/ready`);
      expect(stuck.status).toBe(503);
      const body = (await stuck.json()) as { checks: Record<string, string> };
      expect(body.checks.jobs).toMatch(/^stuck: 1 job\(s\) waiting and none run here for \d+ s$/);
      // nothing waiting: nothing is stuck
      await queue.drain();
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('is not ready on a Redis that may evict queued jobs (maxmemory-policy other than noeviction), and says so', async () => {
    // a worker of its own on a Redis of this test, whose policy the test may change
    const redis = await startPrivateRedis();
    const admin = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
    const other = await pipeline.startWorker({ REDIS_URL: redis.url });
    const otherServer = await startHealthServer(pipeline.config, other.app.get(DataSource), other.app.get(QueueRunner), other.app.get(WorkerMetrics));
    const url = `http://127.0.0.1:${(otherServer.address() as AddressInfo).port}/health/ready`;
    try {
      expect((await fetch(url)).status).toBe(200);
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const refused = await fetch(url);
      expect(refused.status).toBe(503);
      const body = (await refused.json()) as { checks: Record<string, string> };
      expect(body.checks.redis).toMatch(/^misconfigured: maxmemory-policy is allkeys-lru: .*noeviction/);
      expect(body.checks.database).toBe('up');
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      expect((await fetch(url)).status).toBe(200);
    } finally {
      await new Promise((resolve) => otherServer.close(resolve));
      await other.close();
      admin.disconnect();
      await redis.destroy();
    }
  });
});
