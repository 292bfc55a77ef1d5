import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Clock } from '@app/domain';
import type { AppConfig } from '@app/config';
import { ALL_QUEUES, JobName, type QueueName } from '@app/jobs';
import { migrate, OutboxRepository } from '@app/persistence';
import { testConfig } from '@app/testing';
import { Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { OutboxRelay } from '@worker/outbox/outbox-relay.service';
import { WorkerModule } from '@worker/worker.module';
import { startApi, type RunningApi } from '../support/api';

/** The real worker (every handler, the relay, the schedulers) in this process. */
export interface RunningWorker {
  readonly app: INestApplicationContext;
  readonly relay: OutboxRelay;
  close(): Promise<void>;
}

export async function startWorker(config: AppConfig, clock?: Clock): Promise<RunningWorker> {
  if (!clock) {
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false, abortOnError: false });
    await app.init();
    return { app, relay: app.get(OutboxRelay), close: () => app.close() };
  }
  // a worker whose time the test moves (every provider of Clock, the handlers' included)
  const moduleRef = await Test.createTestingModule({ imports: [WorkerModule.forRoot(config)] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return { app: moduleRef, relay: moduleRef.get(OutboxRelay), close: () => moduleRef.close() };
}

/**
 * A pipeline of its own: a database migrated for this test file and a Redis prefix of its
 * own, so its relay never takes another test's outbox rows and its full recomputes walk only
 * its companies. `drop()` removes the database.
 */
export interface IsolatedPipeline {
  readonly api: RunningApi;
  readonly config: AppConfig;
  readonly databaseUrl: string;
  startWorker(overrides?: Record<string, string>, clock?: Clock): Promise<RunningWorker>;
  drop(): Promise<void>;
}

export async function isolatedPipeline(name: string, overrides: Record<string, string> = {}): Promise<IsolatedPipeline> {
  const base = testConfig();
  const url = new URL(base.databaseUrl);
  const database = `${url.pathname.slice(1)}_${name}`;
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  await migrate({ databaseUrl, dbPoolSize: 2 });
  const settings = { DATABASE_URL: databaseUrl, QUEUE_PREFIX: `${base.queuePrefix}_${name}`, ...overrides };
  const api = await startApi(settings);
  return {
    api,
    config: api.config,
    databaseUrl,
    startWorker: (more = {}, clock) => startWorker(testConfig({ ...settings, ...more }), clock),
    drop: async () => {
      const admin = new URL(databaseUrl);
      admin.pathname = '/postgres';
      const client = new Client({ connectionString: admin.toString() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, ms = 20_000, what = 'the condition'): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Waits until the outbox is relayed and the ratings queue has nothing left to run: no job
 * waiting, active or prioritized, and none delayed (a retry, a debounced standing) but the
 * nightly scheduler's next full recompute.
 */
export async function ratingsSettled(dataSource: DataSource, ratings: Queue, ms = 45_000): Promise<void> {
  // one count of every list at once (read list by list, a job moving from delayed to active
  // in between is seen in neither), besides the schedulers' own delayed jobs, which wait for
  // their hour; and the whole look taken twice, 200 ms apart, to see past a job being handed on
  const idle = async (): Promise<boolean> => {
    if ((await new OutboxRepository().countUnsent(dataSource.manager)) > 0) return false;
    const scheduled = (await ratings.getJobs(['delayed'], 0, 1_000)).filter((j) => j?.name === JobName.START_FULL_RECOMPUTE).length;
    const counts = await ratings.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
    return counts.waiting + counts.active + counts.prioritized === 0 && counts.delayed <= scheduled;
  };
  await eventually(
    async () => {
      if (!(await idle())) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return (await idle()) ? true : undefined;
    },
    ms,
    'the outbox and the ratings queue to drain',
  );
}

/**
 * Every queue of a pipeline, with BullMQ's 'failed' and 'stalled' events collected from the
 * moment this returns (so from before the first worker starts, when called first).
 */
export interface WatchedQueues {
  /** the producer connection the queues share, free for the test's own Redis commands */
  readonly connection: IORedis;
  readonly queues: ReadonlyMap<QueueName, Queue>;
  /** `<queue>:<job id>: <reason>` of every failed attempt */
  readonly failed: string[];
  /** `<queue>:<job id>` of every stalled job */
  readonly stalled: string[];
  close(): Promise<void>;
}

export async function watchQueues(config: Pick<AppConfig, 'redisUrl' | 'queuePrefix'>): Promise<WatchedQueues> {
  const connection = new IORedis(config.redisUrl, { maxRetriesPerRequest: 1 });
  const queues = new Map<QueueName, Queue>();
  const listeners: { events: QueueEvents; connection: IORedis }[] = [];
  const failed: string[] = [];
  const stalled: string[] = [];
  for (const name of ALL_QUEUES) {
    queues.set(name, new Queue(name, { connection, prefix: config.queuePrefix }));
    // QueueEvents blocks on its connection: one each
    const own = new IORedis(config.redisUrl, { maxRetriesPerRequest: null });
    const events = new QueueEvents(name, { connection: own, prefix: config.queuePrefix });
    events.on('failed', ({ jobId, failedReason }) => failed.push(`${name}:${jobId}: ${failedReason}`));
    events.on('stalled', ({ jobId }) => stalled.push(`${name}:${jobId}`));
    await events.waitUntilReady();
    listeners.push({ events, connection: own });
  }
  return {
    connection,
    queues,
    failed,
    stalled,
    close: async () => {
      for (const l of listeners) {
        await l.events.close().catch(() => undefined);
        l.connection.disconnect();
      }
      for (const q of queues.values()) await q.close().catch(() => undefined);
      connection.disconnect();
    },
  };
}

/** The full recompute as an ADMIN starts and follows it over GraphQL. */
export const START_FULL_RECOMPUTE = `mutation { startFullRecompute { id status totalChunks totalCompanies asOf } }`;
export const FULL_RECOMPUTE_RUN = `query($id: ID) { fullRecomputeRun(id: $id) { id status chunksDone totalChunks companiesDone totalCompanies ratingsWritten progress finishedAt } }`;

export interface FullRecomputeRunView {
  id: string;
  status: string;
  asOf: string;
  chunksDone: number;
  totalChunks: number;
  companiesDone: number;
  totalCompanies: number;
  ratingsWritten: number;
  progress: number;
  finishedAt: string | null;
}

/**
 * Companies with two ratings in a row computed from the same data: a recompute that found
 * its data version equal to the current rating's must write nothing, so a repeat is a double
 * write. (The same version may come back later: partners' scores are part of it, and a
 * partner moving away and back makes an A, B, A history, each rating then new.)
 */
export async function repeatedRatings(dataSource: DataSource): Promise<{ company_id: string; data_version: string }[]> {
  return dataSource.query(
    `SELECT company_id, data_version FROM (
       SELECT company_id, data_version, lag(data_version) OVER (PARTITION BY company_id ORDER BY id) AS previous FROM ratings
     ) r WHERE data_version = previous`,
  );
}
