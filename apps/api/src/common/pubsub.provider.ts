import type { AppConfig } from '@app/config';
import { type Channel, channelName } from '@app/jobs';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import IORedis from 'ioredis';

export const PUB_SUB = Symbol('PUB_SUB');

/**
 * GraphQL subscriptions across processes: the worker publishes events on Redis channels
 * (libs/jobs/src/channels.ts), every API instance relays them to its graphql-ws clients.
 */
export class EventBus {
  readonly pubsub: RedisPubSub;

  constructor(private readonly config: Pick<AppConfig, 'redisUrl' | 'queuePrefix'>) {
    const options = { maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 200, 5_000) };
    this.pubsub = new RedisPubSub({
      publisher: new IORedis(config.redisUrl, { ...options, connectionName: 'credit-alliance-api-pub' }),
      subscriber: new IORedis(config.redisUrl, { ...options, connectionName: 'credit-alliance-api-sub' }),
    });
  }

  iterator<T>(channel: Channel): AsyncIterableIterator<T> {
    return this.pubsub.asyncIterator<T>(channelName(this.config.queuePrefix, channel));
  }

  async close(): Promise<void> {
    await this.pubsub.close();
  }
}
