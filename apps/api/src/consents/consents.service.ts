import { Injectable } from '@nestjs/common';
import {
  type Actor,
  BadInputError,
  type Bank,
  Clock,
  type Company,
  ConflictError,
  type Consent,
  type ConsentRequest,
  type ConsentRequestStatus,
  type ConsentScope,
  NotFoundError,
  type Page,
  parseConsentScope,
  parseFutureInstant,
  parseId,
  parseInquiryPurpose,
  parsePage,
  parseText,
  readerOf,
} from '@app/domain';
import {
  AuditLogRepository,
  BankRepository,
  CompanyRepository,
  ConsentRepository,
  ConsentRequestRepository,
  type Db,
  WatchlistRepository,
  WebhookRepository,
} from '@app/persistence';
import { DataSource } from 'typeorm';
import { parseCreditCode } from '@api/companies/companies.service';
import type { Loaders } from '@api/common/loaders';
import { PolicyService } from '@api/policy/policy.service';
import type { GrantConsentInput } from './dto/grant-consent.input';
import type { RequestConsentInput } from './dto/request-consent.input';

/** A consent request with the two parties it names. */
export interface ConsentRequestView {
  readonly request: ConsentRequest;
  readonly company: Company;
  readonly bank: Bank;
}

/**
 * Consent: a MEMBER grants, and revokes, its own company's consent to one bank; a bank asks
 * for one (a request the company accepts or declines). Revocation takes effect on the very
 * next read, because every bank read checks the consent table itself (no cache); it also
 * ends the bank's monitoring of the company and cancels its pending webhook deliveries.
 */
/** The most of a company's consents or consent requests one page holds. */
export const MAX_COMPANY_PAGE = 500;
/** The most of a bank's consents or consent requests one page holds. */
export const MAX_BANK_PAGE = 1_000;

@Injectable()
export class ConsentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly consents: ConsentRepository,
    private readonly requests: ConsentRequestRepository,
    private readonly companies: CompanyRepository,
    private readonly banks: BankRepository,
    private readonly watchlist: WatchlistRepository,
    private readonly webhooks: WebhookRepository,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  async grant(actor: Actor, input: GrantConsentInput): Promise<Consent> {
    this.policy.assertRole(actor, 'consent.grant');
    const now = this.clock.now();
    const bankId = parseId('input.bankId', input.bankId);
    const scope = parseConsentScope('input.scope', input.scope);
    const expiresAt = parseFutureInstant('input.expiresAt', input.expiresAt, now);
    return this.dataSource.transaction(async (tx) => {
      const company = actor.companyId ? await this.companies.findById(tx, actor.companyId) : null;
      if (!company) throw new NotFoundError('Your company no longer exists');
      this.policy.assert(actor, 'consent.grant', { companyId: company.id, consortiumId: company.consortiumId });
      if (!(await this.banks.findById(tx, bankId))) throw new BadInputError('input.bankId', 'input.bankId names no bank');
      return this.give(tx, actor, company, bankId, scope, expiresAt, now, null);
    });
  }

  async revoke(actor: Actor, idInput: string): Promise<Consent> {
    this.policy.assertRole(actor, 'consent.revoke');
    const id = parseId('id', idInput);
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const seen = await this.consents.findById(tx, id);
      if (!seen) throw new NotFoundError('No such consent', { field: 'id' });
      this.policy.assert(actor, 'consent.revoke', { companyId: seen.companyId, consortiumId: seen.consortiumId });
      // the company and bank's lock first, then the row, in the order a grant takes them
      // (its lock, then the rows it supersedes): the other order deadlocked with a grant
      await this.consents.lockCompanyBank(tx, seen.companyId, seen.bankId);
      const found = (await this.consents.findByIdForUpdate(tx, id)) as Consent;
      // revoking twice changes nothing: a retry after a lost answer gets the same consent
      if (found.revokedAt) return found;
      const revoked = await this.consents.revoke(tx, id, actor.id, now);
      let stoppedWatch = false;
      let cancelledDeliveries = 0;
      if (!(await this.consents.hasActive(tx, found.companyId, found.bankId, ['RATING', 'REPORT'], now))) {
        stoppedWatch = (await this.watchlist.remove(tx, found.bankId, found.companyId, 'CONSENT_REVOKED', now)) !== null;
        cancelledDeliveries = await this.webhooks.cancelPending(tx, found.bankId, found.companyId, 'CONSENT_REVOKED');
      }
      await this.audit.append(
        tx,
        [
          {
            action: 'consent.revoked',
            actorId: actor.id,
            consortiumId: found.consortiumId,
            companyId: found.companyId,
            details: { consentId: id, bankId: found.bankId, scope: found.scope, stoppedWatch, cancelledDeliveries },
          },
        ],
        now,
      );
      return revoked;
    });
  }

  /** The company's consents, the whole history, newest first, a page at a time. */
  async listForCompany(actor: Actor, companyIdInput: string, loaders: Loaders, pageInput: Page = { limit: MAX_COMPANY_PAGE, offset: 0 }): Promise<Consent[]> {
    this.policy.assertRole(actor, 'consent.list');
    const page = parsePage(pageInput, MAX_COMPANY_PAGE);
    const company = await this.loadCompany(companyIdInput, loaders);
    this.policy.assert(actor, 'consent.list', { companyId: company.id, consortiumId: company.consortiumId });
    return this.consents.listByCompany(this.dataSource.manager, company.id, page);
  }

  /** The consents a bank holds, with the companies that gave them. */
  async listForBank(actor: Actor, activeOnly: boolean, loaders: Loaders, pageInput: Page = { limit: MAX_BANK_PAGE, offset: 0 }): Promise<{ consent: Consent; company: Company }[]> {
    this.policy.assertRole(actor, 'bank.consents.read');
    const page = parsePage(pageInput, MAX_BANK_PAGE);
    this.policy.assert(actor, 'bank.consents.read', { bankId: actor.bankId });
    const consents = await this.consents.listByBank(this.dataSource.manager, actor.bankId as string, { ...page, activeAt: activeOnly ? this.clock.now() : undefined });
    const companies = await loaders.company.loadMany(consents.map((c) => c.companyId));
    return consents.map((consent, i) => ({ consent, company: companies[i] as Company }));
  }

  async request(actor: Actor, input: RequestConsentInput): Promise<ConsentRequestView> {
    this.policy.assertRole(actor, 'consentRequest.create');
    const now = this.clock.now();
    const creditCode = parseCreditCode('input.creditCode', input.creditCode);
    const scope = parseConsentScope('input.scope', input.scope);
    const purpose = parseInquiryPurpose('input.purpose', input.purpose);
    const message = input.message === null || input.message === undefined ? null : parseText('input.message', input.message, { max: 500 });
    const requestedExpiresAt = parseFutureInstant('input.expiresAt', input.expiresAt, now);
    this.policy.assert(actor, 'consentRequest.create', { bankId: actor.bankId });
    const reader = readerOf(actor);
    return this.dataSource.transaction(async (tx) => {
      const company = await this.companies.findByCreditCode(tx, creditCode);
      if (!company) throw new NotFoundError('No company with this credit code takes part in the platform', { field: 'input.creditCode' });
      const bank = await this.banks.findById(tx, reader.bankId);
      if (!bank) throw new NotFoundError('Your bank no longer exists');
      const request = await this.requests.insert(tx, {
        companyId: company.id,
        consortiumId: company.consortiumId,
        bankId: reader.bankId,
        scope,
        purpose,
        message,
        requestedExpiresAt,
        requestedByUser: reader.userId,
        requestedByApiKey: reader.apiKeyId,
        requestedAt: now,
      });
      await this.audit.append(
        tx,
        [
          {
            action: 'consentRequest.created',
            actorId: actor.id,
            consortiumId: company.consortiumId,
            companyId: company.id,
            details: { requestId: request.id, bankId: reader.bankId, scope, purpose },
          },
        ],
        now,
      );
      return { request, company, bank };
    });
  }

  /** Accepting gives the consent asked for (the company may set another expiry). */
  async accept(actor: Actor, idInput: string, expiresAtInput: Date | null | undefined): Promise<Consent> {
    this.policy.assertRole(actor, 'consentRequest.decide');
    const id = parseId('id', idInput);
    const now = this.clock.now();
    const chosenExpiry = parseFutureInstant('expiresAt', expiresAtInput, now);
    return this.dataSource.transaction(async (tx) => {
      const request = await this.requests.findByIdForUpdate(tx, id);
      if (!request) throw new NotFoundError('No such consent request', { field: 'id' });
      this.policy.assert(actor, 'consentRequest.decide', { companyId: request.companyId, consortiumId: request.consortiumId });
      if (request.status !== 'PENDING') throw new ConflictError(`This consent request was already ${request.status.toLowerCase()}`);
      const expiresAt = chosenExpiry ?? request.requestedExpiresAt;
      if (expiresAt && expiresAt.getTime() <= now.getTime()) {
        throw new BadInputError('expiresAt', 'The expiry the bank asked for has passed: give expiresAt, in the future');
      }
      const company = await this.companies.findById(tx, request.companyId);
      if (!company) throw new NotFoundError('The company no longer exists');
      const consent = await this.give(tx, actor, company, request.bankId, request.scope, expiresAt, now, request.id);
      await this.requests.accept(tx, request.id, actor.id, now, consent.id);
      return consent;
    });
  }

  async decline(actor: Actor, idInput: string, reasonInput: string | null | undefined): Promise<ConsentRequestView> {
    this.policy.assertRole(actor, 'consentRequest.decide');
    const id = parseId('id', idInput);
    const reason = reasonInput === null || reasonInput === undefined ? null : parseText('reason', reasonInput, { max: 500 });
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const request = await this.requests.findByIdForUpdate(tx, id);
      if (!request) throw new NotFoundError('No such consent request', { field: 'id' });
      this.policy.assert(actor, 'consentRequest.decide', { companyId: request.companyId, consortiumId: request.consortiumId });
      if (request.status !== 'PENDING') throw new ConflictError(`This consent request was already ${request.status.toLowerCase()}`);
      const declined = await this.requests.decline(tx, id, actor.id, now, reason);
      await this.audit.append(
        tx,
        [
          {
            action: 'consentRequest.declined',
            actorId: actor.id,
            consortiumId: request.consortiumId,
            companyId: request.companyId,
            details: { requestId: id, bankId: request.bankId },
          },
        ],
        now,
      );
      return this.viewOf(tx, declined);
    });
  }

  async requestsForCompany(
    actor: Actor,
    companyIdInput: string,
    status: ConsentRequestStatus | null,
    loaders: Loaders,
    pageInput: Page = { limit: MAX_COMPANY_PAGE, offset: 0 },
  ): Promise<ConsentRequestView[]> {
    this.policy.assertRole(actor, 'consentRequest.list');
    const page = parsePage(pageInput, MAX_COMPANY_PAGE);
    const company = await this.loadCompany(companyIdInput, loaders);
    this.policy.assert(actor, 'consentRequest.list', { companyId: company.id, consortiumId: company.consortiumId });
    const found = await this.requests.listByCompany(this.dataSource.manager, company.id, status, page);
    const banks = await loaders.bank.loadMany(found.map((r) => r.bankId));
    return found.map((request, i) => ({ request, company, bank: banks[i] as Bank }));
  }

  async requestsForBank(actor: Actor, status: ConsentRequestStatus | null, loaders: Loaders, pageInput: Page = { limit: MAX_BANK_PAGE, offset: 0 }): Promise<ConsentRequestView[]> {
    this.policy.assertRole(actor, 'bank.consents.read');
    const page = parsePage(pageInput, MAX_BANK_PAGE);
    this.policy.assert(actor, 'bank.consents.read', { bankId: actor.bankId });
    const found = await this.requests.listByBank(this.dataSource.manager, actor.bankId as string, status, page);
    const [companies, bank] = await Promise.all([loaders.company.loadMany(found.map((r) => r.companyId)), loaders.bank.load(actor.bankId as string)]);
    return found.map((request, i) => ({ request, company: companies[i] as Company, bank: bank as Bank }));
  }

  private async give(
    tx: Db,
    actor: Actor,
    company: Company,
    bankId: string,
    scope: ConsentScope,
    expiresAt: Date | null,
    now: Date,
    requestId: string | null,
  ): Promise<Consent> {
    await this.consents.lockCompanyBank(tx, company.id, bankId);
    const superseded = await this.consents.supersedeActive(tx, company.id, bankId, scope, actor.id, now);
    const consent = await this.consents.insert(tx, {
      companyId: company.id,
      consortiumId: company.consortiumId,
      bankId,
      scope,
      grantedBy: actor.id,
      grantedAt: now,
      expiresAt,
      requestId,
    });
    await this.audit.append(
      tx,
      [
        {
          action: 'consent.granted',
          actorId: actor.id,
          consortiumId: company.consortiumId,
          companyId: company.id,
          details: { consentId: consent.id, bankId, scope, expiresAt: expiresAt?.toISOString() ?? null, superseded, requestId },
        },
      ],
      now,
    );
    return consent;
  }

  private async viewOf(db: Db, request: ConsentRequest): Promise<ConsentRequestView> {
    const company = await this.companies.findById(db, request.companyId);
    const bank = await this.banks.findById(db, request.bankId);
    return { request, company: company as Company, bank: bank as Bank };
  }

  private async loadCompany(companyIdInput: string, loaders: Loaders): Promise<Company> {
    const company = await loaders.company.load(parseId('companyId', companyIdInput));
    if (!company) throw new NotFoundError('No such company', { field: 'companyId' });
    return company;
  }
}
