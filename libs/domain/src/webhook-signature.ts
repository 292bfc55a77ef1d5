import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe's scheme (reliability-anchors §4): the header
 * `X-CreditAlliance-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]` where each v1 is
 * HMAC-SHA256(secret, "<t>.<raw body>"). Two v1 values appear while a rotated secret is
 * still honoured. Receivers compare in constant time over the raw bytes and refuse a
 * timestamp outside their tolerance (300 s by default), which stops replays older than
 * that; WebhookReplayGuard refuses the ones inside it. The delivery header is not signed.
 */
export const SIGNATURE_HEADER = 'X-CreditAlliance-Signature';
export const DELIVERY_HEADER = 'X-CreditAlliance-Delivery';
export const EVENT_HEADER = 'X-CreditAlliance-Event';
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

export function webhookSignature(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header value for a delivery signed at `timestamp` with every current secret. */
export function signatureHeader(secrets: readonly string[], timestamp: number, rawBody: string | Buffer): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${webhookSignature(s, timestamp, rawBody)}`)].join(',');
}

export type SignatureCheck = { readonly ok: true; readonly timestamp: number } | { readonly ok: false; readonly reason: string };

/** What a receiver does: the reference implementation of docs/bank-access.md. */
export function verifyWebhookSignature(
  header: string | undefined,
  rawBody: string | Buffer,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'no signature header' };
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && /^\d+$/.test(value ?? '')) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')) candidates.push(value);
  }
  if (timestamp === null) return { ok: false, reason: 'no timestamp' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'timestamp outside the tolerance' };
  const expected = Buffer.from(webhookSignature(secret, timestamp, rawBody), 'hex');
  const match = candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'no signature matches' };
}

/** How many signed deliveries a WebhookReplayGuard remembers at most, by default (about 18 MB of heap when full). */
export const DEFAULT_REPLAY_GUARD_MAX_ENTRIES = 100_000;

/**
 * verifyWebhookSignature that also refuses a replay: the same signed delivery presented
 * again while its timestamp is still within the tolerance (later, the timestamp check
 * refuses it). A delivery is recorded only once its signature verifies, so a forgery
 * cannot use up a genuine delivery.
 *
 * The key is what the signature covers, the timestamp and the raw body, not the
 * `X-CreditAlliance-Delivery` header: that header is not signed, so an attacker replaying
 * a captured request could change it at will. Our own retries are signed afresh (a new
 * timestamp), so a retry is not a replay: deduplicate those by the body's `id` once acted on.
 *
 * In memory, for one process. Each entry is kept until its timestamp leaves the tolerance
 * (`t + tolerance`); at `maxEntries` live entries new deliveries are refused (and retried by
 * the sender, signed afresh) rather than forgetting one that could then be replayed.
 */
export class WebhookReplayGuard {
  /** key -> the last second at which its timestamp is within the tolerance */
  private readonly acceptedUntil = new Map<string, number>();
  private sweptAt: number | null = null;

  constructor(
    readonly toleranceSeconds = DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
    readonly maxEntries = DEFAULT_REPLAY_GUARD_MAX_ENTRIES,
  ) {}

  /** How many signed deliveries are remembered now. */
  get size(): number {
    return this.acceptedUntil.size;
  }

  verify(header: string | undefined, rawBody: string | Buffer, secret: string, nowSeconds: number): SignatureCheck {
    const check = verifyWebhookSignature(header, rawBody, secret, nowSeconds, this.toleranceSeconds);
    if (!check.ok) return check;
    this.forgetExpired(nowSeconds);
    const key = `${check.timestamp}.${createHash('sha256').update(rawBody).digest('hex')}`;
    if (this.acceptedUntil.has(key)) return { ok: false, reason: 'replayed delivery' };
    if (this.acceptedUntil.size >= this.maxEntries) return { ok: false, reason: 'too many deliveries to remember' };
    this.acceptedUntil.set(key, check.timestamp + this.toleranceSeconds);
    return check;
  }

  private forgetExpired(nowSeconds: number): void {
    // entries expire at whole seconds, so one sweep per second of the clock is exact
    if (nowSeconds === this.sweptAt) return;
    this.sweptAt = nowSeconds;
    for (const [key, until] of this.acceptedUntil) if (until < nowSeconds) this.acceptedUntil.delete(key);
  }
}
