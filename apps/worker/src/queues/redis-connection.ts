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
