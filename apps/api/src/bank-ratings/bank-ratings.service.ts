import { Injectable } from '@nestjs/common';
import {
  type Actor,
  BadInputError,
  type BankRatingRead,
  Clock,
  type ConsentScope,
  DomainError,
  ForbiddenError,
  type Inquiry,
  type InquiryChannel,
  MAX_BATCH_READ,
  NotFoundError,
  type Page,
  parseId,
  parseInquiryPurpose,
  parsePage,
  readerOf,
  scopesAllowing,
} from '@app/domain';
import { type ConsentRefusal, ConsentRepository, InquiryRepository, type InquiryWindow } from '@app/persistence';
import { DataSource } from 'typeorm';
import { parseCreditCode } from '@api/companies/companies.service';
import type { Loaders } from '@api/common/loaders';
import { PolicyService } from '@api/policy/policy.service';
import { RatingReadBatcher } from './rating-read-batcher';

/** One code of a batch: answered or refused, on its own. */
export type BatchReadOutcome =
  | { readonly creditCode: string; readonly read: BankRatingRead; readonly error: null }
  | { readonly creditCode: string; readonly read: null; readonly error: DomainError };

const RATING_SCOPES: readonly ConsentScope[] = scopesAllowing('RATING');

/** The most inquiries one page of a company's log holds (`inquiries(limit:)`). */
export const MAX_INQUIRIES = 1_000;

/** The refusal a bank gets: why, in words it can act on, and nothing it did not know. */
export function refusalError(refusal: ConsentRefusal, operation: string): ForbiddenError {
  const code = refusal.creditCode;
  const when = refusal.at?.toISOString();
  const message = {
    NO_CONSENT: `Your bank holds no active consent from the company with credit code ${code}; ask it for one (requestConsent)`,
    EXPIRED: `The consent of the company with credit code ${code} to your bank expired at ${when}`,
    REVOKED: `The company with credit code ${code} revoked its consent to your bank at ${when}`,
    SCOPE: `Your bank's consent from the company with credit code ${code} covers its ratings only; the credit report needs a REPORT consent`,
  }[refusal.reason];
  return new ForbiddenError(message, { operation, reason: `CONSENT_${refusal.reason === 'NO_CONSENT' ? 'MISSING' : refusal.reason}` });
}

/**
 * Bank reads of ratings. Every read checks the consent table at the moment of the read (no
 * cache: a revocation stops the very next read) and is recorded as an inquiry by the same
 * SQL statement that reads, so a read without its inquiry cannot happen, and a refused read
 * writes nothing. Inquiries reach the hash-chained audit log through the worker's sealing
 * step, in batches, so reads never wait on the audit log's append lock.
 */
@Injectable()
export class BankRatingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inquiries: InquiryRepository,
    private readonly consents: ConsentRepository,
    private readonly batcher: RatingReadBatcher,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  async read(actor: Actor, creditCodeInput: string, purposeInput: string, channel: InquiryChannel): Promise<BankRatingRead> {
    this.policy.assertRole(actor, 'bankRating.read');
    const creditCode = parseCreditCode('creditCode', creditCodeInput);
    const purpose = parseInquiryPurpose('purpose', purposeInput);
    const read = await this.batcher.read({ creditCode, reader: readerOf(actor), purpose, channel });
    if (!read) throw await this.refusal(actor, creditCode, this.clock.now());
    this.policy.assert(actor, 'bankRating.read', { companyId: read.companyId, consentForCallerBank: true });
    return read;
  }

  /** A portfolio read: up to 500 codes, each answered or refused on its own, one statement for all. */
  async readMany(actor: Actor, creditCodesInput: readonly string[], purposeInput: string, channel: InquiryChannel): Promise<BatchReadOutcome[]> {
    this.policy.assertRole(actor, 'bankRating.read');
    if (!Array.isArray(creditCodesInput)) throw new BadInputError('creditCodes', 'creditCodes must be a list of credit codes');
    if (creditCodesInput.length > MAX_BATCH_READ) {
      throw new BadInputError('creditCodes', `creditCodes may hold at most ${MAX_BATCH_READ} codes per call; got ${creditCodesInput.length}`);
    }
    const purpose = parseInquiryPurpose('purpose', purposeInput);
    const now = this.clock.now();
    const parsed = creditCodesInput.map((given, i) => {
      try {
        return { given, code: parseCreditCode(`creditCodes[${i}]`, given), error: null };
      } catch (error) {
        if (error instanceof BadInputError) return { given, code: null, error };
        throw error;
      }
    });
    const valid = [...new Set(parsed.flatMap((p) => (p.code ? [p.code] : [])))];
    const reader = readerOf(actor);
    const reads = (await this.batcher.readMany(valid.map((creditCode) => ({ creditCode, reader, purpose, channel })))).filter((r) => r !== null);
    const byCode = new Map(reads.map((r) => [r.creditCode, r]));
    for (const r of reads) this.policy.assert(actor, 'bankRating.read', { companyId: r.companyId, consentForCallerBank: true });
    const refused = valid.filter((code) => !byCode.has(code));
    const refusals = await this.consents.explainRefusals(this.dataSource.manager, actor.bankId as string, refused, RATING_SCOPES, now);
    return parsed.map((p): BatchReadOutcome => {
      if (!p.code) return { creditCode: p.given, read: null, error: p.error as BadInputError };
      const read = byCode.get(p.code);
      if (read) return { creditCode: p.given, read, error: null };
      return { creditCode: p.given, read: null, error: refusalError(refusals.get(p.code) as ConsentRefusal, 'bankRating.read') };
    });
  }

  /**
   * Every bank read of a company, newest first, a page at a time (the whole log stays
   * reachable), optionally within a window: `from` inclusive, `to` exclusive. A window that
   * ends before it starts is refused naming `from`, before anything is read.
   */
  async listForCompany(
    actor: Actor,
    companyIdInput: string,
    loaders: Loaders,
    pageInput: Page = { limit: MAX_INQUIRIES, offset: 0 },
    window: InquiryWindow = {},
  ): Promise<Inquiry[]> {
    this.policy.assertRole(actor, 'inquiry.list');
    const page = parsePage(pageInput, MAX_INQUIRIES);
    const from = window.from ?? null;
    const to = window.to ?? null;
    if (from && to && from.getTime() > to.getTime()) {
      throw new BadInputError('from', `from (${from.toISOString()}) must not be after to (${to.toISOString()})`);
    }
    const company = await loaders.company.load(parseId('companyId', companyIdInput));
    if (!company) throw new NotFoundError('No such company', { field: 'companyId' });
    this.policy.assert(actor, 'inquiry.list', { companyId: company.id, consortiumId: company.consortiumId });
    return this.inquiries.listByCompany(this.dataSource.manager, company.id, { from, to }, page.limit, page.offset);
  }

  private async refusal(actor: Actor, creditCode: string, now: Date): Promise<ForbiddenError> {
    const refusals = await this.consents.explainRefusals(this.dataSource.manager, actor.bankId as string, [creditCode], RATING_SCOPES, now);
    return refusalError(refusals.get(creditCode) as ConsentRefusal, 'bankRating.read');
  }
}
