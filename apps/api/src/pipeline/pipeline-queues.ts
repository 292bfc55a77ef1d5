import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ALL_QUEUES, type QueueName } from '@app/jobs';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';
import { createRedis } from '@api/health/redis.provider';

/** Settles within `ms`, or rejects: a Redis that does not answer must not hold up a scrape. */
export function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The API's handles on the BullMQ queues, for Bull Board and the queue metrics; the API
 * never adds jobs (the outbox does). One Redis connection that fails fast while Redis is
 * down, closed with the queues when the app stops.
 */
@Injectable()
export class PipelineQueues implements OnApplicationShutdown {
  private readonly connection: IORedis;
  readonly queues: ReadonlyMap<QueueName, Queue>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.connection = createRedis(config, 'credit-alliance-api-queues');
    // an unanswered Redis is reported by /health/ready; here it would only repeat itself
    this.connection.on('error', () => undefined);
    this.queues = new Map(ALL_QUEUES.map((name) => [name, new Queue(name, { connection: this.connection, prefix: config.queuePrefix })]));
    for (const queue of this.queues.values()) queue.on('error', () => undefined);
  }

  get(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no queue ${name}`);
    return queue;
  }

  async onApplicationShutdown(): Promise<void> {
    const connected = this.connection.status === 'ready';
    // without Redis there is nothing to close cleanly: stop reconnecting now, so the queues give up at once
    if (!connected) this.connection.disconnect();
    await within(2_000, Promise.all([...this.queues.values()].map((q) => q.close()))).catch(() => undefined);
    if (connected) await within(1_000, this.connection.quit()).catch(() => this.connection.disconnect());
  }
}
