import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { type BankAlertMessage, Channel, channelName, JOBS, JobName, type RatingChangedMessage, RETENTION } from '@app/jobs';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { WORKER_CONFIG } from '@worker/worker.tokens';

/**
 * The slots of one endpoint: a sorted set of holders scored by when their slot lapses (Redis
 * time, the same for every worker). Lapsed holders are dropped, then a slot is taken if fewer
 * than the limit remain. KEYS[1] the endpoint's key; ARGV limit, ttl ms, holder.
 */
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;

/**
 * What monitoring sends out of the worker: bank alerts on the Redis channel the API's
 * bankAlerts subscription listens to, and webhook delivery jobs. A failure here throws, so the
 * rating-changed job that called it is retried (everything it does is idempotent).
 */
@Injectable()
export class MonitoringChannels implements OnApplicationShutdown {
  private readonly redis: IORedis;
  private readonly webhooks: Queue;

  constructor(@Inject(WORKER_CONFIG) private readonly config: AppConfig) {
    this.redis = new IORedis(config.redisUrl, { connectionName: 'credit-alliance-worker-monitoring', maxRetriesPerRequest: 3 });
    this.redis.defineCommand('takeEndpointSlot', { numberOfKeys: 1, lua: TAKE_SLOT });
    this.webhooks = new Queue(JOBS[JobName.DELIVER_WEBHOOK].queue, { connection: this.redis, prefix: config.queuePrefix });
    // while Redis is down each reconnect attempt errors; the calls that need Redis throw (and
    // their job is retried), so the events themselves would only print stack traces to stderr
    this.redis.on('error', () => undefined);
    this.webhooks.on('error', () => undefined);
  }

  /** For the ratingChanged subscription of the company's members and coordinator. */
  async publishRatingChanged(message: RatingChangedMessage): Promise<void> {
    await this.redis.publish(channelName(this.config.queuePrefix, Channel.RATING_CHANGED), JSON.stringify(message));
  }

  async publishBankAlert(message: BankAlertMessage): Promise<void> {
    await this.redis.publish(channelName(this.config.queuePrefix, Channel.BANK_ALERT), JSON.stringify(message));
  }

  /**
   * Enqueues one attempt series for a delivery, deduplicated by its id: a fan-out that runs
   * twice enqueues it once. Retries back off exponentially from WEBHOOK_BACKOFF_MS, never
   * waiting more than the job's backoffCapMs (6 h) however many WEBHOOK_ATTEMPTS there are.
   */
  async enqueueDelivery(deliveryId: string): Promise<void> {
    const { webhookAttempts, webhookBackoffMs } = this.config.bankAccess;
    await this.webhooks.add(
      JobName.DELIVER_WEBHOOK,
      { deliveryId },
      { jobId: `delivery-${deliveryId}`, attempts: webhookAttempts, backoff: { type: 'capped', delay: webhookBackoffMs }, ...RETENTION },
    );
  }

  /**
   * One of the WEBHOOK_ENDPOINT_CONCURRENCY slots of an endpoint, over every worker, or null
   * when all are taken. A slot lapses by itself after `ttlMs` (a worker that died holding it),
   * so `ttlMs` must be a little longer than the POST may take; release it when done.
   */
  async takeEndpointSlot(endpointId: string, ttlMs: number): Promise<string | null> {
    const holder = randomUUID();
    const taken = await (this.redis as IORedis & { takeEndpointSlot(key: string, limit: number, ttlMs: number, holder: string): Promise<number> }).takeEndpointSlot(
      this.slotKey(endpointId),
      this.config.bankAccess.webhookEndpointConcurrency,
      ttlMs,
      holder,
    );
    return taken === 1 ? holder : null;
  }

  async releaseEndpointSlot(endpointId: string, holder: string): Promise<void> {
    await this.redis.zrem(this.slotKey(endpointId), holder);
  }

  private slotKey(endpointId: string): string {
    return `${this.config.queuePrefix}:webhook-slots:${endpointId}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.webhooks.close().catch(() => undefined);
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
