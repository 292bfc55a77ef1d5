import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { Clock, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from '@app/domain';
import { ConsentRepository, WebhookRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG } from '@worker/worker.tokens';
import { MonitoringChannels } from './monitoring-channels';
import { type PostResult, postWebhook } from './webhook-post';

/** `BUSY`: the endpoint's slots were all taken; nothing was sent or logged, try again later. */
export type AttemptOutcome = 'DELIVERED' | 'RETRY' | 'SKIPPED' | 'BUSY';

/** A slot outlives the longest POST by this much (the database work around it), then lapses. */
const SLOT_MARGIN_MS = 5_000;

/**
 * One attempt of one webhook delivery: re-checks that it may still be sent (pending, the
 * bank has an active endpoint (the delivery goes to the bank's endpoint as it is now, so a
 * changed URL gets the deliveries still pending), the company's consent standing: a revoked consent cancels it), signs the
 * stored body with a fresh timestamp, POSTs it (postWebhook: no redirects, public addresses
 * only in production, a bounded read of the reply), and logs the
 * attempt, whatever happened, where the bank sees it. At most WEBHOOK_ENDPOINT_CONCURRENCY
 * POSTs to one endpoint are in flight (over all workers): an attempt that finds them taken
 * sends nothing and answers BUSY, so a receiver that hangs ties up that many worker slots
 * at most, and the other banks' deliveries go on.
 */
@Injectable()
export class WebhookSender {
  constructor(
    @Inject(WORKER_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly webhooks: WebhookRepository,
    private readonly consents: ConsentRepository,
    private readonly clock: Clock,
    private readonly channels: MonitoringChannels,
  ) {}

  /** `lastAttempt`: no retry follows if this one fails, so a failure is final. */
  async attempt(deliveryId: string, lastAttempt: boolean): Promise<AttemptOutcome> {
    const db = this.dataSource.manager;
    const now = this.clock.now();
    const target = await this.webhooks.target(db, deliveryId, now);
    if (!target || target.delivery.status !== 'PENDING') return 'SKIPPED';
    const { delivery } = target;
    if (target.endpointDisabled) {
      await this.webhooks.setStatus(db, delivery.id, 'CANCELLED', 'ENDPOINT_DISABLED', now);
      return 'SKIPPED';
    }
    if (!(await this.consents.hasActive(db, delivery.companyId, delivery.bankId, ['RATING', 'REPORT'], now))) {
      await this.webhooks.setStatus(db, delivery.id, 'CANCELLED', 'CONSENT_REVOKED', now);
      return 'SKIPPED';
    }
    const trigger = delivery.statusReason === 'MANUAL' ? 'MANUAL' : 'AUTOMATIC';
    const endpointId = target.endpointId as string;
    const slot = await this.channels.takeEndpointSlot(endpointId, this.config.bankAccess.webhookTimeoutMs + SLOT_MARGIN_MS);
    if (!slot) return 'BUSY';
    const started = Date.now();
    let result: PostResult;
    try {
      result = await this.post(target.url, delivery.id, delivery.eventType, delivery.body, target.secrets, now);
    } finally {
      // a release that fails leaves the slot to lapse by itself
      await this.channels.releaseEndpointSlot(endpointId, slot).catch(() => undefined);
    }
    const durationMs = Date.now() - started;
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    await this.dataSource.transaction(async (tx) => {
      await this.webhooks.recordAttempt(tx, { deliveryId: delivery.id, trigger, at: now, statusCode: result.statusCode, error: result.error, durationMs });
      if (ok) await this.webhooks.setStatus(tx, delivery.id, 'DELIVERED', null, this.clock.now());
      else if (lastAttempt) await this.webhooks.setStatus(tx, delivery.id, 'FAILED', 'RETRIES_EXHAUSTED', this.clock.now());
    });
    return ok ? 'DELIVERED' : 'RETRY';
  }

  private post(url: string, deliveryId: string, eventType: string, body: string, secrets: readonly string[], now: Date): Promise<PostResult> {
    const timestamp = Math.floor(now.getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'CreditAlliance-Webhooks/1',
      [SIGNATURE_HEADER]: signatureHeader(secrets, timestamp, body),
      [DELIVERY_HEADER]: deliveryId,
      [EVENT_HEADER]: eventType,
    };
    // production sends only to public addresses (the API checks the URL; this checks where its name leads now)
    const { webhookTimeoutMs, webhookConnectTimeoutMs, allowHttpWebhooks } = this.config.bankAccess;
    return postWebhook(url, headers, body, { timeoutMs: webhookTimeoutMs, connectTimeoutMs: webhookConnectTimeoutMs, publicOnly: !allowHttpWebhooks });
  }
}
