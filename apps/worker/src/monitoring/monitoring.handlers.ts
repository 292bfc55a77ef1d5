import { Injectable } from '@nestjs/common';
import { JobName } from '@app/jobs';
import type { Job } from 'bullmq';
import { HandlesJob, type JobHandler } from '@worker/queues/job-handler';
import { MonitoringFanout } from './monitoring-fanout.service';
import { WebhookSender } from './webhook-sender.service';

/** rating-changed.v1 {eventId}: the event reaches bank monitoring (member subscriptions are published by the recompute itself). */
@Injectable()
@HandlesJob(JobName.RATING_CHANGED)
export class RatingChangedHandler implements JobHandler<typeof JobName.RATING_CHANGED> {
  constructor(private readonly fanout: MonitoringFanout) {}

  async handle(job: Job<{ eventId: string }>): Promise<unknown> {
    return this.fanout.fanOut(String(job.data.eventId));
  }
}

/** deliver-webhook.v1 {deliveryId}: one attempt; a failure throws, so BullMQ retries with backoff. */
@Injectable()
@HandlesJob(JobName.DELIVER_WEBHOOK)
export class DeliverWebhookHandler implements JobHandler<typeof JobName.DELIVER_WEBHOOK> {
  constructor(private readonly sender: WebhookSender) {}

  async handle(job: Job<{ deliveryId: string }>): Promise<unknown> {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await this.sender.attempt(String(job.data.deliveryId), lastAttempt);
    if (outcome === 'RETRY') throw new Error(`webhook delivery ${job.data.deliveryId} failed (attempt ${job.attemptsMade + 1})`);
    return outcome;
  }
}
