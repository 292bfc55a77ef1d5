import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@app/domain';
import { CompanyRepository, InquiryRepository, RatingEventRepository, WatchlistRepository, WebhookRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { MonitoringChannels } from './monitoring-channels';

export const RATING_CHANGED_EVENT_TYPE = 'rating.changed';

/** What the fan-out of one event did, for logs and tests. */
export interface FanOutResult {
  readonly banks: readonly string[];
  readonly deliveries: readonly string[];
}

/**
 * Fans a RatingChanged event out to bank monitoring: every bank that watches the company
 * and still holds its consent gets (a) a message on its bank-alert subscription channel and
 * (b) a webhook delivery to its endpoint, if it has one. Each alert is recorded as an
 * inquiry (channel ALERT): the company sees which banks were told. Idempotent: the
 * inquiries and deliveries are unique per bank and event, and a second run re-enqueues only
 * what is still pending (the queue deduplicates by delivery id).
 */
@Injectable()
export class MonitoringFanout {
  private readonly logger = new Logger(MonitoringFanout.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: RatingEventRepository,
    private readonly companies: CompanyRepository,
    private readonly watchlist: WatchlistRepository,
    private readonly webhooks: WebhookRepository,
    private readonly inquiries: InquiryRepository,
    private readonly channels: MonitoringChannels,
    private readonly clock: Clock,
  ) {}

  async fanOut(eventId: string): Promise<FanOutResult> {
    const now = this.clock.now();
    const prepared = await this.dataSource.transaction(async (tx) => {
      const event = await this.events.findById(tx, eventId);
      if (!event) return null;
      const company = await this.companies.findById(tx, event.companyId);
      if (!company) return null;
      const watchers = await this.watchlist.watchersWithConsent(tx, event.companyId, now);
      await this.inquiries.recordAlerts(tx, event, watchers, now);
      const endpoints = await this.webhooks.activeEndpoints(
        tx,
        watchers.map((w) => w.bankId),
      );
      const data = {
        eventId: event.id,
        creditCode: company.creditCode,
        companyName: company.name,
        oldGrade: event.oldGrade,
        newGrade: event.newGrade,
        oldScore: event.oldScore,
        newScore: event.newScore,
        changedAt: event.createdAt.toISOString(),
      };
      // the body is fixed here, so every attempt signs the very same bytes
      const body = JSON.stringify({ id: `evt_${event.id}`, type: RATING_CHANGED_EVENT_TYPE, createdAt: now.toISOString(), data });
      for (const endpoint of endpoints) {
        await this.webhooks.createDelivery(tx, {
          endpointId: endpoint.id,
          bankId: endpoint.bankId,
          companyId: company.id,
          eventId: event.id,
          eventType: RATING_CHANGED_EVENT_TYPE,
          body,
          at: now,
        });
      }
      const pending = await this.webhooks.pendingOfEvent(tx, event.id);
      return { event, company, watchers, pending };
    });
    if (!prepared) {
      this.logger.warn(`RatingChanged event ${eventId} not found: nothing to fan out`);
      return { banks: [], deliveries: [] };
    }
    const { event, company, watchers, pending } = prepared;
    for (const watcher of watchers) {
      await this.channels.publishBankAlert({
        bankId: watcher.bankId,
        eventId: event.id,
        companyId: company.id,
        creditCode: company.creditCode,
        oldGrade: event.oldGrade,
        newGrade: event.newGrade,
        oldScore: event.oldScore,
        newScore: event.newScore,
        changedAt: event.createdAt.toISOString(),
      });
    }
    for (const delivery of pending) await this.channels.enqueueDelivery(delivery.id);
    return { banks: watchers.map((w) => w.bankId), deliveries: pending.map((d) => d.id) };
  }
}
