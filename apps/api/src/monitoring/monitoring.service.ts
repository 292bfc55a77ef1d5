import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type Actor,
  BadInputError,
  Clock,
  type Company,
  ForbiddenError,
  isNonPublicHost,
  NotFoundError,
  parseId,
  readerOf,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEndpoint,
} from '@app/domain';
import { JobName } from '@app/jobs';
import { AuditLogRepository, CompanyRepository, ConsentRepository, OutboxRepository, type WatchedCompany, WatchlistRepository, WebhookRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { refusalError } from '@api/bank-ratings/bank-ratings.service';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';
import { parseCreditCode } from '@api/companies/companies.service';
import type { Loaders } from '@api/common/loaders';
import { PolicyService } from '@api/policy/policy.service';

/** After a rotation, the previous secret keeps signing this long, so receivers can switch over. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;
const MAX_URL_LENGTH = 2_000;

/**
 * Where alerts may go: HTTPS only, except that outside production a plain http:// URL is
 * allowed (a local receiver in tests and demos). In production a host that is not public (an
 * address that is not public unicast in any notation, a local or single-label name) is
 * refused, so a webhook cannot be pointed at the platform's own network; a public name that
 * resolves to a private address is refused by the worker when it connects.
 */
export function parseWebhookUrl(field: string, value: unknown, allowHttp: boolean): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URL_LENGTH) {
    throw new BadInputError(field, `${field} must be a URL of at most ${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new BadInputError(field, `${field} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    throw new BadInputError(field, `${field} must be an https:// URL${allowHttp ? ' (or http:// outside production)' : ''}`);
  }
  if (url.username || url.password) throw new BadInputError(field, `${field} must not carry credentials; the signature authenticates each delivery`);
  if (!allowHttp && isNonPublicHost(url.hostname)) throw new BadInputError(field, `${field} must name a public host`);
  return url.toString();
}

function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export interface WatchView extends WatchedCompany {
  readonly consentActive: boolean;
}

export interface DeliveryView {
  readonly delivery: WebhookDelivery;
  readonly company: Company;
  readonly attempts: readonly WebhookAttempt[];
}

/**
 * A bank's monitoring: the watchlist (only companies that consent), its webhook endpoint and
 * secret, the log of deliveries, and redelivery by hand. Alerts themselves are sent by the
 * worker (rating-changed.v1, deliver-webhook.v1); a revoked consent ends the watch at once
 * (ConsentsService.revoke) and every delivery re-checks the consent before it is sent.
 */
@Injectable()
export class MonitoringService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly companies: CompanyRepository,
    private readonly consents: ConsentRepository,
    private readonly watchlist: WatchlistRepository,
    private readonly webhooks: WebhookRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  async watch(actor: Actor, creditCodeInput: string): Promise<WatchView> {
    this.policy.assertRole(actor, 'watchlist.add');
    const creditCode = parseCreditCode('creditCode', creditCodeInput);
    const reader = readerOf(actor);
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const company = await this.companies.findByCreditCode(tx, creditCode);
      // the lock a revocation takes: a revoke committing between this check and the insert
      // would not see the watch it must end
      if (company) await this.consents.lockCompanyBank(tx, company.id, reader.bankId);
      const consented = company !== null && (await this.consents.hasActive(tx, company.id, reader.bankId, ['RATING', 'REPORT'], now));
      if (!company || !consented) {
        const refusals = await this.consents.explainRefusals(tx, reader.bankId, [creditCode], ['RATING', 'REPORT'], now);
        throw refusalError(refusals.get(creditCode) ?? { creditCode, reason: 'NO_CONSENT', at: null }, 'watchlist.add');
      }
      this.policy.assert(actor, 'watchlist.add', { companyId: company.id, consortiumId: company.consortiumId, consentForCallerBank: true });
      const existing = await this.watchlist.findActive(tx, reader.bankId, company.id);
      const entry = existing ?? (await this.watchlist.add(tx, { bankId: reader.bankId, companyId: company.id, userId: reader.userId, apiKeyId: reader.apiKeyId, at: now }));
      if (!existing) {
        await this.audit.append(
          tx,
          [{ action: 'watchlist.added', actorId: actor.id, consortiumId: company.consortiumId, companyId: company.id, details: { bankId: reader.bankId } }],
          now,
        );
      }
      return { ...entry, creditCode: company.creditCode, companyName: company.name, consentActive: true };
    });
  }

  /** Stops watching; true when the company was on the list. */
  async unwatch(actor: Actor, creditCodeInput: string): Promise<boolean> {
    this.policy.assertRole(actor, 'watchlist.manage');
    const creditCode = parseCreditCode('creditCode', creditCodeInput);
    this.policy.assert(actor, 'watchlist.manage', { bankId: actor.bankId });
    const bankId = actor.bankId as string;
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const company = await this.companies.findByCreditCode(tx, creditCode);
      const removed = company ? await this.watchlist.remove(tx, bankId, company.id, 'REMOVED', now) : null;
      if (removed && company) {
        await this.audit.append(
          tx,
          [{ action: 'watchlist.removed', actorId: actor.id, consortiumId: company.consortiumId, companyId: company.id, details: { bankId } }],
          now,
        );
      }
      return removed !== null;
    });
  }

  async list(actor: Actor): Promise<WatchView[]> {
    this.policy.assertRole(actor, 'watchlist.manage');
    this.policy.assert(actor, 'watchlist.manage', { bankId: actor.bankId });
    const bankId = actor.bankId as string;
    const db = this.dataSource.manager;
    const entries = await this.watchlist.listByBank(db, bankId);
    const active = await this.consents.activeCompanies(
      db,
      bankId,
      entries.map((e) => e.companyId),
      this.clock.now(),
    );
    return entries.map((e) => ({ ...e, consentActive: active.has(e.companyId) }));
  }

  /**
   * Registers (or replaces) the bank's endpoint; the new secret is in this answer only. The
   * pending deliveries go on to the new endpoint.
   */
  async setEndpoint(actor: Actor, urlInput: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    this.policy.assertRole(actor, 'webhook.manage');
    const url = parseWebhookUrl('url', urlInput, this.config.bankAccess.allowHttpWebhooks);
    this.policy.assert(actor, 'webhook.manage', { bankId: actor.bankId });
    const bankId = actor.bankId as string;
    const now = this.clock.now();
    const secret = newSecret();
    return this.dataSource.transaction(async (tx) => {
      const endpoint = await this.webhooks.replaceEndpoint(tx, bankId, url, secret, now);
      await this.audit.append(tx, [{ action: 'webhook.registered', actorId: actor.id, details: { bankId, endpointId: endpoint.id, url } }], now);
      return { endpoint, secret };
    });
  }

  /** A new secret; the old one keeps signing for 24 hours (deliveries carry both signatures). */
  async rotateSecret(actor: Actor): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    this.policy.assertRole(actor, 'webhook.manage');
    this.policy.assert(actor, 'webhook.manage', { bankId: actor.bankId });
    const bankId = actor.bankId as string;
    const now = this.clock.now();
    const secret = newSecret();
    return this.dataSource.transaction(async (tx) => {
      const endpoint = await this.webhooks.rotateSecret(tx, bankId, secret, new Date(now.getTime() + SECRET_OVERLAP_MS));
      if (!endpoint) throw new NotFoundError('Your bank has no webhook endpoint; register one first (setWebhookEndpoint)');
      await this.audit.append(tx, [{ action: 'webhook.secretRotated', actorId: actor.id, details: { bankId, endpointId: endpoint.id } }], now);
      return { endpoint, secret };
    });
  }

  async disableEndpoint(actor: Actor): Promise<WebhookEndpoint | null> {
    this.policy.assertRole(actor, 'webhook.manage');
    this.policy.assert(actor, 'webhook.manage', { bankId: actor.bankId });
    const bankId = actor.bankId as string;
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const endpoint = await this.webhooks.disableEndpoint(tx, bankId, now);
      if (endpoint) await this.audit.append(tx, [{ action: 'webhook.disabled', actorId: actor.id, details: { bankId, endpointId: endpoint.id } }], now);
      return endpoint;
    });
  }

  async endpoint(actor: Actor): Promise<WebhookEndpoint | null> {
    this.policy.assertRole(actor, 'webhook.manage');
    this.policy.assert(actor, 'webhook.manage', { bankId: actor.bankId });
    return this.webhooks.activeEndpoint(this.dataSource.manager, actor.bankId as string);
  }

  async deliveries(actor: Actor, status: WebhookDeliveryStatus | null, first: number, loaders: Loaders): Promise<DeliveryView[]> {
    this.policy.assertRole(actor, 'webhook.deliveries.read');
    if (!Number.isInteger(first) || first < 1 || first > 500) throw new BadInputError('first', 'first must be between 1 and 500');
    this.policy.assert(actor, 'webhook.deliveries.read', { bankId: actor.bankId });
    const db = this.dataSource.manager;
    const deliveries = await this.webhooks.listByBank(db, actor.bankId as string, status, first);
    return this.views(deliveries, loaders);
  }

  /**
   * One more attempt by hand (also of a delivered or failed one), while the consent stands, to
   * the bank's active endpoint; refused (NOT_FOUND) while the bank has none.
   */
  async redeliver(actor: Actor, idInput: string, loaders: Loaders): Promise<DeliveryView> {
    this.policy.assertRole(actor, 'webhook.redeliver');
    const id = parseId('id', idInput);
    const now = this.clock.now();
    const delivery = await this.dataSource.transaction(async (tx) => {
      const found = await this.webhooks.findDelivery(tx, id);
      if (!found) throw new NotFoundError('No such webhook delivery', { field: 'id' });
      this.policy.assert(actor, 'webhook.redeliver', { bankId: found.bankId });
      if (!(await this.consents.hasActive(tx, found.companyId, found.bankId, ['RATING', 'REPORT'], now))) {
        throw new ForbiddenError('The company no longer consents to your bank: its alerts cannot be redelivered', {
          operation: 'webhook.redeliver',
          reason: 'CONSENT_MISSING',
        });
      }
      // it goes to the bank's endpoint as it is now: the one it was first sent to may have been replaced
      const endpoint = await this.webhooks.activeEndpoint(tx, found.bankId);
      if (!endpoint) throw new NotFoundError('Your bank has no webhook endpoint to redeliver to; register one first (setWebhookEndpoint)');
      const requeued = (await this.webhooks.requeue(tx, found.bankId, id, endpoint.id)) as WebhookDelivery;
      await this.outbox.add(tx, [{ job: JobName.DELIVER_WEBHOOK, payload: { deliveryId: id } }]);
      await this.audit.append(tx, [{ action: 'webhook.redelivered', actorId: actor.id, companyId: found.companyId, details: { deliveryId: id, bankId: found.bankId } }], now);
      return requeued;
    });
    return (await this.views([delivery], loaders))[0];
  }

  /** Refuses, before it starts, a subscription by anyone but a bank. */
  assertCanSubscribe(actor: Actor): void {
    this.policy.assertRole(actor, 'bankAlerts.subscribe');
    this.policy.assert(actor, 'bankAlerts.subscribe', { bankId: actor.bankId });
  }

  /** Whether an alert may go to this subscriber now: its bank's, and still consented. */
  async alertAllowed(actor: Actor | null, message: { bankId: string; companyId: string }): Promise<boolean> {
    if (!actor || actor.role !== 'BANK' || actor.bankId !== message.bankId) return false;
    return this.consents.hasActive(this.dataSource.manager, message.companyId, message.bankId, ['RATING', 'REPORT'], this.clock.now());
  }

  private async views(deliveries: readonly WebhookDelivery[], loaders: Loaders): Promise<DeliveryView[]> {
    const attempts = await this.webhooks.attemptsOf(
      this.dataSource.manager,
      deliveries.map((d) => d.id),
    );
    const companies = await loaders.company.loadMany(deliveries.map((d) => d.companyId));
    return deliveries.map((delivery, i) => ({ delivery, company: companies[i] as Company, attempts: attempts.filter((a) => a.deliveryId === delivery.id) }));
  }
}
