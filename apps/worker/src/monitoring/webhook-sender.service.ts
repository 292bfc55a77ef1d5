import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { Clock, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from '@app/domain';
import { ConsentRepository, WebhookRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG } from '@worker/worker.tokens';

export type AttemptOutcome = 'DELIVERED' | 'RETRY' | 'SKIPPED';

/** The answer of one POST: a status, or why there was none. */
interface PostResult {
  readonly statusCode: number | null;
  readonly error: string | null;
}

/**
 * One attempt of one webhook delivery: re-checks that it may still be sent (pending, the
 * endpoint active, the company's consent standing: a revoked consent cancels it), signs the
 * stored body with a fresh timestamp, POSTs it without following redirects, and logs the
 * attempt, whatever happened, where the bank sees it.
 */
@Injectable()
export class WebhookSender {
  constructor(
    @Inject(WORKER_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly webhooks: WebhookRepository,
    private readonly consents: ConsentRepository,
    private readonly clock: Clock,
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
    const started = Date.now();
    const result = await this.post(target.url, delivery.id, delivery.eventType, delivery.body, target.secrets, now);
    const durationMs = Date.now() - started;
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    await this.dataSource.transaction(async (tx) => {
      await this.webhooks.recordAttempt(tx, { deliveryId: delivery.id, trigger, at: now, statusCode: result.statusCode, error: result.error, durationMs });
      if (ok) await this.webhooks.setStatus(tx, delivery.id, 'DELIVERED', null, this.clock.now());
      else if (lastAttempt) await this.webhooks.setStatus(tx, delivery.id, 'FAILED', 'RETRIES_EXHAUSTED', this.clock.now());
    });
    return ok ? 'DELIVERED' : 'RETRY';
  }

  private async post(url: string, deliveryId: string, eventType: string, body: string, secrets: readonly string[], now: Date): Promise<PostResult> {
    const timestamp = Math.floor(now.getTime() / 1000);
    try {
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.bankAccess.webhookTimeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'CreditAlliance-Webhooks/1',
          [SIGNATURE_HEADER]: signatureHeader(secrets, timestamp, body),
          [DELIVERY_HEADER]: deliveryId,
          [EVENT_HEADER]: eventType,
        },
        body,
      });
      const text = await response.text().catch(() => '');
      if (response.ok) return { statusCode: response.status, error: null };
      return { statusCode: response.status, error: `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
    } catch (error) {
      const reason = error instanceof Error ? (error.name === 'TimeoutError' ? `no answer within ${this.config.bankAccess.webhookTimeoutMs} ms` : error.message) : String(error);
      return { statusCode: null, error: reason.slice(0, 500) };
    }
  }
}
