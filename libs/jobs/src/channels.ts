/**
 * Redis pub/sub channels between the worker (publisher) and the API's GraphQL
 * subscriptions (graphql-ws). Prefixed with QUEUE_PREFIX, so deployments sharing a Redis
 * never hear each other. Messages carry ids and grades only.
 */
export const Channel = {
  /** a company's rating changed: for its members and coordinator */
  RATING_CHANGED: 'rating-changed',
  /** a watched company's rating changed: for one bank's monitoring subscription */
  BANK_ALERT: 'bank-alert',
} as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

export function channelName(prefix: string, channel: Channel): string {
  return `${prefix}:events:${channel}`;
}

/**
 * A message on BANK_ALERT: one watched company's rating moved, for one bank. Identifiers
 * and grades only; the API re-checks the bank's consent before passing it on.
 */
export interface BankAlertMessage {
  readonly bankId: string;
  readonly eventId: string;
  readonly companyId: string;
  readonly creditCode: string;
  readonly oldGrade: string | null;
  readonly newGrade: string;
  readonly oldScore: number | null;
  readonly newScore: number;
  /** ISO-8601 instant of the change */
  readonly changedAt: string;
}


/**
 * A message on RATING_CHANGED: a company's grade changed, or its score moved by at least the
 * configured points. The API passes it only to that company's members, its coordinator and
 * ADMINs.
 */
export interface RatingChangedMessage {
  readonly eventId: string;
  readonly companyId: string;
  readonly consortiumId: string;
  readonly oldGrade: string | null;
  readonly newGrade: string;
  readonly oldScore: number | null;
  readonly newScore: number;
  /** ISO-8601 instant of the new rating */
  readonly changedAt: string;
}
