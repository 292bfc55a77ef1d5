import type { WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from '@app/domain';
import type { Db } from '../database';
import { returnedRows } from './query-result';

interface EndpointRow {
  id: string;
  bank_id: string;
  url: string;
  created_at: Date;
  disabled_at: Date | null;
  previous_secret_until: Date | null;
}

const ENDPOINT_COLUMNS = 'id, bank_id, url, created_at, disabled_at, previous_secret_until';

const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  bankId: r.bank_id,
  url: r.url,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
  previousSecretUntil: r.previous_secret_until,
});

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  bank_id: string;
  company_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempt_count: number;
  created_at: Date;
  delivered_at: Date | null;
  status_reason: string | null;
}

const DELIVERY_COLUMNS = 'id, endpoint_id, bank_id, company_id, event_id, event_type, body, status, attempt_count, created_at, delivered_at, status_reason';

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  endpointId: r.endpoint_id,
  bankId: r.bank_id,
  companyId: r.company_id,
  eventId: String(r.event_id),
  eventType: r.event_type,
  body: r.body,
  status: r.status,
  attemptCount: r.attempt_count,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
  statusReason: r.status_reason,
});

interface AttemptRow {
  id: string;
  delivery_id: string;
  attempt: number;
  trigger: 'AUTOMATIC' | 'MANUAL';
  at: Date;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

const toAttempt = (r: AttemptRow): WebhookAttempt => ({
  id: String(r.id),
  deliveryId: r.delivery_id,
  attempt: r.attempt,
  trigger: r.trigger,
  at: r.at,
  statusCode: r.status_code,
  error: r.error,
  durationMs: r.duration_ms,
});

/**
 * What the delivery job needs to send: the bank's active endpoint (whatever endpoint the
 * delivery was created for: a bank that changed its URL gets its pending alerts at the new
 * one) and the secrets that sign now.
 */
export interface DeliveryTarget {
  readonly delivery: WebhookDelivery;
  /** the bank's active endpoint, null when it has none */
  readonly endpointId: string | null;
  readonly url: string;
  readonly endpointDisabled: boolean;
  /** the current secret first, then the previous one while it is still honoured */
  readonly secrets: readonly string[];
}

export class WebhookRepository {
  /**
   * Replaces the bank's active endpoint (if any) by a new one, and moves the bank's pending
   * deliveries to it, one per event (the new endpoint has none, so none collides on
   * (endpoint_id, event_id); a second pending delivery of an event, if any, stays where it
   * was and still goes to the active endpoint, see `target`).
   */
  async replaceEndpoint(db: Db, bankId: string, url: string, secret: string, at: Date): Promise<WebhookEndpoint> {
    await db.query('UPDATE webhook_endpoints SET disabled_at = $2 WHERE bank_id = $1 AND disabled_at IS NULL', [bankId, at]);
    const rows: EndpointRow[] = await db.query(
      `INSERT INTO webhook_endpoints (bank_id, url, secret, created_at) VALUES ($1, $2, $3, $4) RETURNING ${ENDPOINT_COLUMNS}`,
      [bankId, url, secret, at],
    );
    await db.query(
      `UPDATE webhook_deliveries SET endpoint_id = $2
       WHERE id IN (SELECT DISTINCT ON (event_id) id FROM webhook_deliveries WHERE bank_id = $1 AND status = 'PENDING' ORDER BY event_id, created_at DESC, id)`,
      [bankId, rows[0].id],
    );
    return toEndpoint(rows[0]);
  }

  async activeEndpoint(db: Db, bankId: string): Promise<WebhookEndpoint | null> {
    const rows: EndpointRow[] = await db.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE bank_id = $1 AND disabled_at IS NULL`, [bankId]);
    return rows[0] ? toEndpoint(rows[0]) : null;
  }

  async activeEndpoints(db: Db, bankIds: readonly string[]): Promise<WebhookEndpoint[]> {
    if (bankIds.length === 0) return [];
    const rows: EndpointRow[] = await db.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE bank_id = ANY($1::uuid[]) AND disabled_at IS NULL`,
      [bankIds],
    );
    return rows.map(toEndpoint);
  }

  /** A new secret for the active endpoint; the old one keeps signing until `previousUntil`. */
  async rotateSecret(db: Db, bankId: string, secret: string, previousUntil: Date): Promise<WebhookEndpoint | null> {
    const rows: EndpointRow[] = returnedRows(
      await db.query(
        `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = $3, secret = $2
       WHERE bank_id = $1 AND disabled_at IS NULL RETURNING ${ENDPOINT_COLUMNS}`,
      [bankId, secret, previousUntil],
      ),
    );
    return rows[0] ? toEndpoint(rows[0]) : null;
  }

  async disableEndpoint(db: Db, bankId: string, at: Date): Promise<WebhookEndpoint | null> {
    const rows: EndpointRow[] = returnedRows(
      await db.query(
        `UPDATE webhook_endpoints SET disabled_at = $2 WHERE bank_id = $1 AND disabled_at IS NULL RETURNING ${ENDPOINT_COLUMNS}`,
      [bankId, at],
      ),
    );
    return rows[0] ? toEndpoint(rows[0]) : null;
  }

  /** Creates the delivery of an event to an endpoint once; returns it, new or existing. */
  async createDelivery(
    db: Db,
    input: { endpointId: string; bankId: string; companyId: string; eventId: string; eventType: string; body: string; at: Date },
  ): Promise<WebhookDelivery> {
    const rows: DeliveryRow[] = await db.query(
      `WITH created AS (
         INSERT INTO webhook_deliveries (endpoint_id, bank_id, company_id, event_id, event_type, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (endpoint_id, event_id) DO NOTHING
         RETURNING ${DELIVERY_COLUMNS}
       )
       SELECT * FROM created
       UNION ALL
       SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1 AND event_id = $4 AND NOT EXISTS (SELECT 1 FROM created)`,
      [input.endpointId, input.bankId, input.companyId, input.eventId, input.eventType, input.body, input.at],
    );
    return toDelivery(rows[0]);
  }

  async findDelivery(db: Db, id: string): Promise<WebhookDelivery | null> {
    const rows: DeliveryRow[] = await db.query(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1`, [id]);
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  /**
   * The delivery, with the URL and signing secrets at `now` of its bank's active endpoint,
   * resolved at each attempt: the endpoint it was created for may have been replaced since.
   */
  async target(db: Db, deliveryId: string, now: Date): Promise<DeliveryTarget | null> {
    const rows: (DeliveryRow & { active_id: string | null; url: string | null; secret: string | null; previous_secret: string | null; previous_secret_until: Date | null })[] =
      await db.query(
        `SELECT d.id, d.endpoint_id, d.bank_id, d.company_id, d.event_id, d.event_type, d.body, d.status, d.attempt_count, d.created_at,
                d.delivered_at, d.status_reason, e.id AS active_id, e.url, e.secret, e.previous_secret, e.previous_secret_until
         FROM webhook_deliveries d LEFT JOIN webhook_endpoints e ON e.bank_id = d.bank_id AND e.disabled_at IS NULL
         WHERE d.id = $1`,
        [deliveryId],
      );
    const r = rows[0];
    if (!r) return null;
    if (!r.active_id) return { delivery: toDelivery(r), endpointId: null, url: '', endpointDisabled: true, secrets: [] };
    const secrets = [r.secret as string];
    if (r.previous_secret && r.previous_secret_until && r.previous_secret_until.getTime() > now.getTime()) secrets.push(r.previous_secret);
    return { delivery: toDelivery(r), endpointId: r.active_id, url: r.url as string, endpointDisabled: false, secrets };
  }

  async recordAttempt(
    db: Db,
    input: { deliveryId: string; trigger: 'AUTOMATIC' | 'MANUAL'; at: Date; statusCode: number | null; error: string | null; durationMs: number },
  ): Promise<WebhookAttempt> {
    const rows: AttemptRow[] = await db.query(
      `WITH bumped AS (
         UPDATE webhook_deliveries SET attempt_count = attempt_count + 1 WHERE id = $1 RETURNING attempt_count
       )
       INSERT INTO webhook_attempts (delivery_id, attempt, trigger, at, status_code, error, duration_ms)
       SELECT $1, attempt_count, $2, $3, $4, $5, $6 FROM bumped
       RETURNING id, delivery_id, attempt, trigger, at, status_code, error, duration_ms`,
      [input.deliveryId, input.trigger, input.at, input.statusCode, input.error?.slice(0, 1000) ?? null, input.durationMs],
    );
    return toAttempt(rows[0]);
  }

  async setStatus(db: Db, deliveryId: string, status: WebhookDeliveryStatus, reason: string | null, at: Date): Promise<void> {
    await db.query(
      `UPDATE webhook_deliveries SET status = $2, status_reason = $3, delivered_at = CASE WHEN $2 = 'DELIVERED' THEN $4 ELSE delivered_at END WHERE id = $1`,
      [deliveryId, status, reason, at],
    );
  }

  /** Pending deliveries of a bank about a company are cancelled: its consent was revoked. */
  async cancelPending(db: Db, bankId: string, companyId: string, reason: string): Promise<number> {
    const rows: unknown[] = returnedRows(
      await db.query(
        `UPDATE webhook_deliveries SET status = 'CANCELLED', status_reason = $3 WHERE bank_id = $1 AND company_id = $2 AND status = 'PENDING' RETURNING id`,
      [bankId, companyId, reason],
      ),
    );
    return rows.length;
  }

  /** Pending deliveries of one event: what the fan-out (re)enqueues. */
  async pendingOfEvent(db: Db, eventId: string): Promise<WebhookDelivery[]> {
    const rows: DeliveryRow[] = await db.query(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE event_id = $1 AND status = 'PENDING'`, [eventId]);
    return rows.map(toDelivery);
  }

  /**
   * Marks a delivery for one more attempt by hand, to the bank's active endpoint `endpointId`:
   * it moves there unless the endpoint already has a delivery of the same event (the unique
   * (endpoint_id, event_id)); either way the attempt goes to the active endpoint (`target`).
   * Returns it, or null when it is not the bank's.
   */
  async requeue(db: Db, bankId: string, deliveryId: string, endpointId: string): Promise<WebhookDelivery | null> {
    const rows: DeliveryRow[] = returnedRows(
      await db.query(
        `UPDATE webhook_deliveries d SET status = 'PENDING', status_reason = 'MANUAL',
           endpoint_id = CASE WHEN EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = $3 AND o.event_id = d.event_id AND o.id <> d.id)
                              THEN d.endpoint_id ELSE $3 END
         WHERE d.id = $1 AND d.bank_id = $2 RETURNING ${DELIVERY_COLUMNS.split(', ').map((c) => `d.${c}`).join(', ')}`,
      [deliveryId, bankId, endpointId],
      ),
    );
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  async listByBank(db: Db, bankId: string, status: WebhookDeliveryStatus | null, limit: number): Promise<WebhookDelivery[]> {
    const rows: DeliveryRow[] = await db.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE bank_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY created_at DESC, id LIMIT $3`,
      [bankId, status, limit],
    );
    return rows.map(toDelivery);
  }

  async attemptsOf(db: Db, deliveryIds: readonly string[]): Promise<WebhookAttempt[]> {
    if (deliveryIds.length === 0) return [];
    const rows: AttemptRow[] = await db.query(
      `SELECT id, delivery_id, attempt, trigger, at, status_code, error, duration_ms FROM webhook_attempts
       WHERE delivery_id = ANY($1::uuid[]) ORDER BY delivery_id, id`,
      [deliveryIds],
    );
    return rows.map(toAttempt);
  }
}
