import { createHash } from 'node:crypto';
import type { Actor } from './actor';
import { canonicalJson } from './canonical-json';
import { BadInputError } from './errors';
import type { BackedRating, RatingFactor, RatingReason } from './scoring';

/**
 * Bank access (PRODUCT.md "Rules from credit-reporting law"): a bank reads a company's data
 * only with its consent, for a stated purpose, and every read is an inquiry the company sees.
 */

export const CONSENT_SCOPES = ['RATING', 'REPORT'] as const;
/** RATING: the ratings; REPORT: the ratings and the full credit report. */
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

export const INQUIRY_PURPOSES = ['LOAN_APPLICATION', 'ACCOUNT_REVIEW', 'MONITORING'] as const;
export type InquiryPurpose = (typeof INQUIRY_PURPOSES)[number];

/** The scopes of consent that allow reading data of `scope`: a REPORT consent covers ratings too. */
export function scopesAllowing(scope: ConsentScope): ConsentScope[] {
  return scope === 'RATING' ? ['RATING', 'REPORT'] : ['REPORT'];
}

export interface Consent {
  readonly id: string;
  readonly companyId: string;
  readonly consortiumId: string;
  readonly bankId: string;
  readonly scope: ConsentScope;
  readonly grantedBy: string;
  readonly grantedAt: Date;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly revokeReason: 'REVOKED' | 'SUPERSEDED' | null;
  readonly requestId: string | null;
}

/** Active: not revoked and not expired at `now`. Checked on every read, never cached. */
export function isConsentActive(consent: Pick<Consent, 'revokedAt' | 'expiresAt'>, now: Date): boolean {
  return consent.revokedAt === null && (consent.expiresAt === null || consent.expiresAt.getTime() > now.getTime());
}

export type ConsentRequestStatus = 'PENDING' | 'ACCEPTED' | 'DECLINED';

export interface ConsentRequest {
  readonly id: string;
  readonly companyId: string;
  readonly consortiumId: string;
  readonly bankId: string;
  readonly scope: ConsentScope;
  readonly purpose: InquiryPurpose;
  readonly message: string | null;
  readonly requestedExpiresAt: Date | null;
  readonly requestedAt: Date;
  readonly status: ConsentRequestStatus;
  readonly decidedAt: Date | null;
  readonly declineReason: string | null;
  readonly consentId: string | null;
}

/** How a read reached the platform; ALERT: a RatingChanged alert sent to the bank's monitoring. */
export type InquiryChannel = 'GRAPHQL' | 'REST' | 'ALERT';

export interface Inquiry {
  readonly id: string;
  readonly companyId: string;
  readonly consortiumId: string;
  readonly bankId: string;
  readonly consentId: string;
  /** the bank user who read, or null when an API key did (or the platform sent an alert) */
  readonly userId: string | null;
  readonly apiKeyId: string | null;
  readonly purpose: InquiryPurpose;
  /** what was read: RATING (a rating) or REPORT (the credit report) */
  readonly scope: ConsentScope;
  readonly channel: InquiryChannel;
  readonly at: Date;
  /** for an ALERT: the RatingChanged event it reported */
  readonly eventId: string | null;
  /** the audit-log entry that seals it; null until the sealing step has run */
  readonly auditSeq: number | null;
}

/** Who read, as an inquiry records it: a bank user or one of the bank's API keys. */
export interface BankReader {
  readonly bankId: string;
  readonly userId: string | null;
  readonly apiKeyId: string | null;
}

export interface WatchEntry {
  readonly id: string;
  readonly bankId: string;
  readonly companyId: string;
  readonly addedAt: Date;
  readonly removedAt: Date | null;
  readonly removedReason: 'REMOVED' | 'CONSENT_REVOKED' | null;
}

export interface WebhookEndpoint {
  readonly id: string;
  readonly bankId: string;
  readonly url: string;
  readonly createdAt: Date;
  readonly disabledAt: Date | null;
  readonly previousSecretUntil: Date | null;
}

export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED' | 'CANCELLED';

export interface WebhookDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly bankId: string;
  readonly companyId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly body: string;
  readonly status: WebhookDeliveryStatus;
  readonly attemptCount: number;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
  readonly statusReason: string | null;
}

export interface WebhookAttempt {
  readonly id: string;
  readonly deliveryId: string;
  readonly attempt: number;
  readonly trigger: 'AUTOMATIC' | 'MANUAL';
  readonly at: Date;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/** The largest batch of credit codes one bank read may ask for. */
export const MAX_BATCH_READ = 500;

/** The parts of a stored rating that a bank reads (contract `CreditRating`). */
export interface RatingView {
  readonly score: number;
  readonly grade: string;
  readonly pd: number;
  readonly reasons: readonly RatingReason[];
  readonly factors: readonly RatingFactor[];
  readonly backed: BackedRating | null;
  readonly verifiedRecords: number;
  readonly modelVersion: string;
  readonly computedAt: Date;
}

/** One successful bank read of a rating: the flat view of the contract and its inquiry. */
export interface BankRatingRead {
  readonly creditCode: string;
  readonly companyId: string;
  readonly companyName: string;
  readonly consortiumName: string;
  readonly consortiumGrade: string | null;
  readonly rating: RatingView | null;
  readonly inquiryId: string;
  readonly at: Date;
}

export function parseConsentScope(field: string, value: unknown): ConsentScope {
  if (typeof value !== 'string' || !(CONSENT_SCOPES as readonly string[]).includes(value)) {
    throw new BadInputError(field, `${field} must be one of ${CONSENT_SCOPES.join(', ')}`);
  }
  return value as ConsentScope;
}

export function parseInquiryPurpose(field: string, value: unknown): InquiryPurpose {
  if (typeof value !== 'string' || !(INQUIRY_PURPOSES as readonly string[]).includes(value)) {
    throw new BadInputError(field, `${field} must be one of ${INQUIRY_PURPOSES.join(', ')}`);
  }
  return value as InquiryPurpose;
}

/** An optional instant that must lie after `now` (an expiry). */
export function parseFutureInstant(field: string, value: unknown, now: Date): Date | null {
  if (value === null || value === undefined) return null;
  const at = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!at || Number.isNaN(at.getTime())) throw new BadInputError(field, `${field} must be an ISO-8601 instant`);
  if (at.getTime() <= now.getTime()) throw new BadInputError(field, `${field} must be in the future`);
  return at;
}

/** Who reads, as an inquiry records it. */
export function readerOf(actor: Actor): BankReader {
  if (actor.role !== 'BANK' || !actor.bankId) throw new Error('only a bank reads as a bank');
  return { bankId: actor.bankId, userId: actor.kind === 'user' ? actor.id : null, apiKeyId: actor.kind === 'apiKey' ? actor.id : null };
}

/**
 * The digest that seals a batch of inquiries into the audit log: SHA-256 over the canonical
 * JSON of each inquiry (every field but its seal), one per line, in id order. Changing,
 * removing or adding an inquiry of the batch changes it.
 */
export function inquiryDigest(inquiries: readonly Inquiry[]): string {
  const hash = createHash('sha256');
  for (const i of [...inquiries].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))) {
    hash.update(
      canonicalJson({
        id: i.id,
        companyId: i.companyId,
        consortiumId: i.consortiumId,
        bankId: i.bankId,
        consentId: i.consentId,
        userId: i.userId,
        apiKeyId: i.apiKeyId,
        purpose: i.purpose,
        scope: i.scope,
        channel: i.channel,
        eventId: i.eventId,
        at: i.at.toISOString(),
      }),
    );
    hash.update('\n');
  }
  return hash.digest('hex');
}
