import type { AppConfig } from '@app/config';
import IORedis from 'ioredis';

/**
 * BullMQ connections. Workers block on Redis and must retry forever
 * (`maxRetriesPerRequest: null`, BullMQ's production guide); they reconnect with backoff.
 */
export function createWorkerRedis(config: Pick<AppConfig, 'redisUrl'>, name: string): IORedis {
  return new IORedis(config.redisUrl, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(250 * 2 ** Math.min(times, 7), 20_000),
  });
}

/**
 * Whether this Redis may lose queued jobs on its own, in words, or null when none (or when
 * the server does not let us ask: managed Redis often disables CONFIG):
 * - with any maxmemory-policy but `noeviction`, Redis evicts keys, BullMQ's included, when it
 *   fills (BullMQ's production guide);
 * - with `requireAof` (REDIS_REQUIRE_AOF) and `appendonly no`, a crash of Redis loses every
 *   job relayed since its last snapshot: the outbox marked them sent, so nothing re-sends them
 *   before the nightly full recompute (docs/pipeline.md, "Not covered").
 */
export async function queueSafetyProblem(redis: IORedis, requireAof = false): Promise<string | null> {
  const policy = await configValue(redis, 'maxmemory-policy');
  if (policy !== null && policy !== '' && policy !== 'noeviction') {
    return `maxmemory-policy is ${policy}: queued jobs may be evicted when Redis fills; BullMQ needs noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf)`;
  }
  if (requireAof && (await configValue(redis, 'appendonly')) === 'no') {
    return 'appendonly is no: a crash of Redis loses the jobs relayed since its last snapshot, and REDIS_REQUIRE_AOF asks for the append-only file (CONFIG SET appendonly yes, and in redis.conf)';
  }
  return null;
}

/** One CONFIG GET value, or null when the server refuses CONFIG. */
async function configValue(redis: IORedis, name: string): Promise<string | null> {
  try {
    const reply: unknown = await redis.config('GET', name);
    return Array.isArray(reply) ? String(reply[1] ?? '') : '';
  } catch {
    return null;
  }
}
