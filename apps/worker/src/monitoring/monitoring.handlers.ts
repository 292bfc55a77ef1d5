import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { JobName } from '@app/jobs';
import { DelayedError, type Job } from 'bullmq';
import { HandlesJob, type JobHandler } from '@worker/queues/job-handler';
import { RatingEventRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG } from '@worker/worker.tokens';
import { MonitoringChannels } from './monitoring-channels';
import { MonitoringFanout } from './monitoring-fanout.service';
import { WebhookSender } from './webhook-sender.service';

/**
 * rating-changed.v1 {eventId}: the event reaches the ratingChanged subscription of the
 * company's members and coordinator, then bank monitoring. At least once: a retry after a
 * failed fan-out does not publish again, because the job notes the publish in its own data;
 * a retry whose publish went out but whose note did not (Redis failing in between), or a
 * second job of the same event (the outbox relayed it twice), publishes twice (subscribers
 * get the event id to tell).
 */
@Injectable()
@HandlesJob(JobName.RATING_CHANGED)
export class RatingChangedHandler implements JobHandler<typeof JobName.RATING_CHANGED> {
  constructor(
    private readonly fanout: MonitoringFanout,
    private readonly dataSource: DataSource,
    private readonly events: RatingEventRepository,
    private readonly channels: MonitoringChannels,
  ) {}

  /** `published` is the handler's own note, never set by a producer. */
  async handle(job: Job<{ eventId: string; published?: boolean }>): Promise<unknown> {
    const event = await this.events.findById(this.dataSource.manager, String(job.data.eventId));
    // Not "only on the first attempt": a first attempt that failed before publishing (no
    // pooled connection, Redis down) then left the subscribers without the event for good.
    if (event && job.data.published !== true) {
      await this.channels.publishRatingChanged({
        eventId: event.id,
        companyId: event.companyId,
        consortiumId: event.consortiumId,
        oldGrade: event.oldGrade,
        newGrade: event.newGrade,
        oldScore: event.oldScore,
        newScore: event.newScore,
        changedAt: event.createdAt.toISOString(),
      });
      // BullMQ keeps a job's updated data for its retries: a fan-out that fails after this
      // point is retried without publishing again
      await job.updateData({ ...job.data, published: true });
    }
    return this.fanout.fanOut(String(job.data.eventId));
  }
}

/**
 * deliver-webhook.v1 {deliveryId}: one attempt; a failure throws, so BullMQ retries with
 * backoff. An attempt that found its endpoint's slots taken (BUSY) sent nothing: the job goes
 * back to the delayed set for a moment without spending an attempt, and frees its worker slot.
 */
@Injectable()
@HandlesJob(JobName.DELIVER_WEBHOOK)
export class DeliverWebhookHandler implements JobHandler<typeof JobName.DELIVER_WEBHOOK> {
  constructor(
    private readonly sender: WebhookSender,
    @Inject(WORKER_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(job: Job<{ deliveryId: string }>): Promise<unknown> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await this.sender.attempt(String(job.data.deliveryId), lastAttempt);
    if (outcome === 'RETRY') throw new Error(`webhook delivery ${job.data.deliveryId} failed (attempt ${job.attemptsMade + 1})`);
    if (outcome === 'BUSY') {
      await job.moveToDelayed(Date.now() + busyDelayMs(this.config.bankAccess.webhookTimeoutMs), job.token);
      throw new DelayedError();
    }
    return outcome;
  }
}

/**
 * How long a job whose endpoint is busy waits before it looks again: a quarter to a half of
 * the POST timeout (a slot is freed within one timeout), jittered so the waiting jobs of one
 * endpoint do not all come back at once.
 */
export function busyDelayMs(timeoutMs: number): number {
  return Math.round(timeoutMs / 4 + (Math.random() * timeoutMs) / 4);
}
