import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobName, QueueName, RETENTION } from '@app/jobs';
import { OutboxRepository } from '@app/persistence';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { eventually, type IsolatedPipeline, isolatedPipeline, type RunningWorker } from './pipeline-support';
import { type PrivateRedis, startPrivateRedis } from './fault-support';

/**
 * Anchor scenario 5 (bounded Redis memory), at the scale the retention setting is about:
 * more jobs than the completed jobs kept (RETENTION.removeOnComplete.count), relayed from the
 * outbox with the relay's own options and run by the real worker, on a Redis of this test
 * (so its memory and keys are this test's alone). After the run Redis holds the completed
 * jobs kept and little else: the older jobs' hashes and their deduplication keys are gone.
 */

const KEPT = RETENTION.removeOnComplete.count;
const JOBS = KEPT + 2_000;
/** Redis memory the run may leave behind (the anchor's example budget) */
const BUDGET_BYTES = 50 * 1024 * 1024;

describe('Redis memory stays bounded through more jobs than retention keeps (anchor scenario 5)', () => {
  let redis: PrivateRedis;
  let client: IORedis;
  let pipeline: IsolatedPipeline;
  let worker: RunningWorker;
  let queue: Queue;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    client = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
    // the worker runs its relay and handlers with the production retention, 16 jobs at a time
    pipeline = await isolatedPipeline('redis_retention', { REDIS_URL: redis.url, WORKER_CONCURRENCY: '16', OUTBOX_RELAY_BATCH: '1000' });
    // a connection of its own, which the queue closes with itself
    queue = new Queue(QueueName.RATINGS, { connection: { host: '127.0.0.1', port: redis.port }, prefix: pipeline.config.queuePrefix });
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await worker?.close();
    await pipeline?.api.close();
    await pipeline?.drop();
    client?.disconnect();
    await redis?.destroy();
  }, 60_000);

  const usedMemory = async (): Promise<number> => Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);

  it(`runs ${JOBS.toLocaleString('en')} recompute jobs, then keeps ${KEPT.toLocaleString('en')} completed ones and nothing of the rest`, async () => {
    worker = await pipeline.startWorker();
    await eventually(async () => ((await client.dbsize()) > 0 ? true : undefined), 20_000, 'the worker to register in Redis');
    const before = await usedMemory();

    // recomputes of companies that do not exist: each job is a real one (a transaction that
    // locks nothing and writes nothing), so the run measures the queue, not the scoring
    const outbox = new OutboxRepository();
    const messages = Array.from({ length: JOBS }, () => ({ job: JobName.RECOMPUTE_COMPANY, payload: { companyId: randomUUID(), reason: 'test' } }));
    await pipeline.api.dataSource.transaction((tx) => outbox.add(tx, messages));

    let seen = '';
    const completed = await eventually(
      async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed');
        // the nightly full recompute's scheduler keeps its next run delayed: not one of these jobs
        const scheduled = await queue.getJobSchedulersCount();
        const pending = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) - scheduled + (counts.prioritized ?? 0);
        const [{ unsent }] = await pipeline.api.dataSource.query(`SELECT count(*)::int AS unsent FROM outbox WHERE sent_at IS NULL`);
        seen = `${unsent} outbox rows unsent, jobs ${JSON.stringify(counts)}`;
        return unsent === 0 && pending === 0 && (counts.completed ?? 0) > 0 ? counts : undefined;
      },
      240_000,
      `the ${JOBS} jobs to be relayed and run (last seen: ${seen})`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last seen: ${seen}`);
    });
    expect(completed.failed ?? 0).toBe(0);
    // every job ran (the relay marked each row sent, none is pending), and only the newest are kept
    expect(completed.completed).toBe(KEPT);

    // the removed jobs left nothing: job hashes and deduplication keys of the ratings queue
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', `${pipeline.config.queuePrefix}:${QueueName.RATINGS}:*`, 'COUNT', 5_000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    // deduplicated jobs get BullMQ's numeric ids: their hashes are <prefix>:ratings:<n> (the
    // scheduler's next run is <prefix>:ratings:repeat:<scheduler>:<time>)
    const base = `${pipeline.config.queuePrefix}:${QueueName.RATINGS}:`;
    const jobHashes = keys.filter((k) => /^\d+$/.test(k.slice(base.length)));
    const dedupKeys = keys.filter((k) => k.includes(':de:'));
    expect(jobHashes.length).toBeLessThanOrEqual(KEPT);
    expect(dedupKeys.length).toBe(0);
    expect(await client.dbsize()).toBeLessThan(KEPT + 200);

    const after = await usedMemory();
    expect(after - before).toBeLessThan(BUDGET_BYTES);

    // a kept job carries the retention it was relayed with: completed an hour, failed a week
    const [newest] = await queue.getJobs(['completed'], 0, 0);
    expect(newest.opts.removeOnComplete).toEqual(RETENTION.removeOnComplete);
    expect(newest.opts.removeOnFail).toEqual({ age: 7 * 24 * 3600, count: RETENTION.removeOnFail.count });
  }, 300_000);
});
