import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { type BankAlertMessage, Channel, channelName, JOBS, JobName, QueueName, type RatingChangedMessage, RETENTION } from '@app/jobs';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { WORKER_CONFIG } from '@worker/worker.tokens';

/**
 * What monitoring sends out of the worker: bank alerts on the Redis channel the API's
 * bankAlerts subscription listens to, and webhook delivery jobs. A failure here throws, so the
 * rating-changed job that called it is retried (everything it does is idempotent).
 */
@Injectable()
export class MonitoringChannels implements OnApplicationShutdown {
  private readonly redis: IORedis;
  private readonly deliveries: Queue;

  constructor(@Inject(WORKER_CONFIG) private readonly config: AppConfig) {
    this.redis = new IORedis(config.redisUrl, { connectionName: 'credit-alliance-worker-monitoring', maxRetriesPerRequest: 3 });
    this.deliveries = new Queue(QueueName.DELIVERIES, { connection: this.redis, prefix: config.queuePrefix });
    // while Redis is down each reconnect attempt errors; the calls that need Redis throw (and
    // their job is retried), so the events themselves would only print stack traces to stderr
    this.redis.on('error', () => undefined);
    this.deliveries.on('error', () => undefined);
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
   * twice enqueues it once. Retries back off exponentially from WEBHOOK_BACKOFF_MS.
   */
  async enqueueDelivery(deliveryId: string): Promise<void> {
    const { webhookAttempts, webhookBackoffMs } = this.config.bankAccess;
    if (JOBS[JobName.DELIVER_WEBHOOK].queue !== QueueName.DELIVERIES) throw new Error('deliver-webhook.v1 moved queue');
    await this.deliveries.add(
      JobName.DELIVER_WEBHOOK,
      { deliveryId },
      { jobId: `delivery-${deliveryId}`, attempts: webhookAttempts, backoff: { type: 'exponential', delay: webhookBackoffMs }, ...RETENTION },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.deliveries.close().catch(() => undefined);
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
