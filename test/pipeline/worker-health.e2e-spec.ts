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

  it('is live while PostgreSQL and Redis answer and jobs run', async () => {
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
  });

  it('is not ready, nor live (so that an orchestrator restarts it), when jobs wait and this worker has run none for WORKER_STUCK_AFTER_SECONDS', async () => {
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
      // liveness too: orchestrators restart on it (Kubernetes' livenessProbe, compose with an autoheal sidecar), not on readiness
      const dead = await fetch(`${base}/health/live`);
      expect(dead.status).toBe(503);
      expect(((await dead.json()) as { checks: Record<string, string> }).checks.jobs).toMatch(/^stuck: 1 job\(s\) waiting and none run here for \d+ s$/);
      // nothing waiting: nothing is stuck
      await queue.drain();
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('stays live while Redis or PostgreSQL is down and nothing is stuck: a restart cures no outage, and restarting every worker at once would only add to it', async () => {
    // a worker of its own on a Redis of this test, idle past WORKER_STUCK_AFTER_SECONDS
    const redis = await startPrivateRedis();
    const other = await pipeline.startWorker({ REDIS_URL: redis.url });
    const runner = other.app.get(QueueRunner);
    const otherServer = await startHealthServer(pipeline.config, other.app.get(DataSource), runner, other.app.get(WorkerMetrics));
    // and the same runner behind a database that does not answer
    const downDb = { query: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) } as unknown as DataSource;
    const noDbServer = await startHealthServer(pipeline.config, downDb, runner, other.app.get(WorkerMetrics));
    const url = (server: Server, path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
    try {
      runner.lastActivityAt = Date.now() - 6_000;
      expect((await fetch(url(otherServer, '/health/live'))).status).toBe(200);
      const noDb = await fetch(url(noDbServer, '/health/ready'));
      expect(noDb.status).toBe(503);
      expect(((await noDb.json()) as { checks: Record<string, string> }).checks.database).toMatch(/^down: /);
      expect((await fetch(url(noDbServer, '/health/live'))).status).toBe(200);
      await redis.stop();
      runner.lastActivityAt = Date.now() - 6_000;
      const noRedis = await fetch(url(otherServer, '/health/ready'));
      expect(noRedis.status).toBe(503);
      expect(((await noRedis.json()) as { checks: Record<string, string> }).checks.redis).toMatch(/^down: /);
      expect((await fetch(url(otherServer, '/health/live'))).status).toBe(200);
    } finally {
      if (!redis.running) await redis.start();
      // back, and reconnected, before the worker closes
      await eventually(async () => ((await runner.ping().catch(() => false)) ? true : undefined), 20_000, 'the worker back on Redis');
      await new Promise((resolve) => otherServer.close(resolve));
      await new Promise((resolve) => noDbServer.close(resolve));
      await other.close();
      await redis.destroy();
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

  it('is not ready, when REDIS_REQUIRE_AOF is on, on a Redis without its append-only file, and says so; with it off, the same Redis is ready', async () => {
    const redis = await startPrivateRedis();
    const admin = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
    const strict = await pipeline.startWorker({ REDIS_URL: redis.url, REDIS_REQUIRE_AOF: 'true' });
    const lenient = await pipeline.startWorker({ REDIS_URL: redis.url });
    const servers = await Promise.all([strict, lenient].map((w) => startHealthServer(pipeline.config, w.app.get(DataSource), w.app.get(QueueRunner), w.app.get(WorkerMetrics))));
    const [strictUrl, lenientUrl] = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/health/ready`);
    try {
      await admin.config('SET', 'appendonly', 'no');
      const refused = await fetch(strictUrl);
      expect(refused.status).toBe(503);
      const body = (await refused.json()) as { checks: Record<string, string> };
      expect(body.checks.redis).toMatch(/^misconfigured: appendonly is no: .*REDIS_REQUIRE_AOF/);
      expect(body.checks.database).toBe('up');
      expect((await fetch(lenientUrl)).status).toBe(200);
      await admin.config('SET', 'appendonly', 'yes');
      expect((await fetch(strictUrl)).status).toBe(200);
    } finally {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      await strict.close();
      await lenient.close();
      admin.disconnect();
      await redis.destroy();
    }
  });
});
