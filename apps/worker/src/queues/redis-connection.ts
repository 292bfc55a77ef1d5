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
 * Whether this Redis may lose queued jobs on its own: with any maxmemory-policy but
 * `noeviction`, Redis evicts keys, BullMQ's included, when it fills (BullMQ's production
 * guide). The problem in words, or null when none (or when the server does not let us ask:
 * managed Redis often disables CONFIG).
 */
export async function queueSafetyProblem(redis: IORedis): Promise<string | null> {
  let reply: unknown;
  try {
    reply = await redis.config('GET', 'maxmemory-policy');
  } catch {
    return null;
  }
  const policy = Array.isArray(reply) ? String(reply[1] ?? '') : '';
  if (policy === '' || policy === 'noeviction') return null;
  return `maxmemory-policy is ${policy}: queued jobs may be evicted when Redis fills; BullMQ needs noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf)`;
}
