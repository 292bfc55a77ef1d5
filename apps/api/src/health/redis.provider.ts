import type { AppConfig } from '@app/config';
import IORedis from 'ioredis';

export const REDIS = Symbol('REDIS');

/**
 * The API's own Redis connection (health, queue depths, subscriptions). It fails fast
 * while Redis is down rather than queueing commands: the API keeps serving reads from
 * PostgreSQL, and mutations write the outbox, which the worker relays later.
 */
export function createRedis(config: Pick<AppConfig, 'redisUrl'>, name: string): IORedis {
  return new IORedis(config.redisUrl, {
    connectionName: name,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  });
}
