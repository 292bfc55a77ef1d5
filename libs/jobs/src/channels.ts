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
