import type { Db } from '../database';

/** Keys older than this are forgotten: the same key is then a new request (Stripe keeps 24 h). */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

export type IdempotencyClaim =
  | { readonly state: 'claimed' }
  | { readonly state: 'replay'; readonly result: Record<string, unknown> }
  | { readonly state: 'mismatch'; readonly operation: string };

/**
 * Idempotency keys per caller, claimed inside the transaction of the effect: a concurrent
 * request with the same key waits on the key's row until the first commits, then replays
 * its answer; if the first rolls back, the second goes ahead.
 */
export class IdempotencyRepository {
  async claim(db: Db, actorId: string, key: string, operation: string, requestHash: Buffer, now: Date): Promise<IdempotencyClaim> {
    const claimed: { claimed: boolean }[] = await db.query(
      `INSERT INTO idempotency_keys (actor_id, key, operation, request_hash, result, created_at)
       VALUES ($1, $2, $3, $4, '{"pending": true}', $5)
       ON CONFLICT (actor_id, key) DO UPDATE
         SET operation = EXCLUDED.operation, request_hash = EXCLUDED.request_hash, result = EXCLUDED.result, created_at = EXCLUDED.created_at
         WHERE idempotency_keys.created_at < EXCLUDED.created_at - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS})
       RETURNING true AS claimed`,
      [actorId, key, operation, requestHash, now],
    );
    if (claimed.length === 1) return { state: 'claimed' };
    const rows: { operation: string; request_hash: Buffer; result: Record<string, unknown> }[] = await db.query(
      'SELECT operation, request_hash, result FROM idempotency_keys WHERE actor_id = $1 AND key = $2',
      [actorId, key],
    );
    const first = rows[0];
    if (first.operation !== operation || !first.request_hash.equals(requestHash)) return { state: 'mismatch', operation: first.operation };
    return { state: 'replay', result: first.result };
  }

  async complete(db: Db, actorId: string, key: string, result: Record<string, unknown>): Promise<void> {
    await db.query('UPDATE idempotency_keys SET result = $3 WHERE actor_id = $1 AND key = $2', [actorId, key, JSON.stringify(result)]);
  }
}
