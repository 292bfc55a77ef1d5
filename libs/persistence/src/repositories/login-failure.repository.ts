import type { Db } from '../database';

/** Fixed-window counters of failed sign-ins, keyed `account:<email>` or `address:<ip>`. */
export class LoginFailureRepository {
  /** Failures counted in the current window for each key. */
  async counts(db: Db, keys: readonly string[], windowSeconds: number): Promise<Map<string, number>> {
    const rows: { key: string; failures: number }[] = await db.query(
      `SELECT key, failures FROM login_failures
       WHERE key = ANY($1::text[]) AND window_start > now() - make_interval(secs => $2)`,
      [keys, windowSeconds],
    );
    return new Map(rows.map((r) => [r.key, r.failures]));
  }

  /** Counts one failure against each key; answers each key's count in the window. */
  async record(db: Db, keys: readonly string[], windowSeconds: number): Promise<Map<string, number>> {
    const rows: { key: string; failures: number }[] = await db.query(
      `INSERT INTO login_failures (key, window_start, failures)
       SELECT k, now(), 1 FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN login_failures.window_start > now() - make_interval(secs => $2) THEN login_failures.failures + 1 ELSE 1 END,
         window_start = CASE WHEN login_failures.window_start > now() - make_interval(secs => $2) THEN login_failures.window_start ELSE now() END
       RETURNING key, failures`,
      // in one order, so that two attempts upserting the same keys never wait on each other in a cycle
      [[...keys].sort(), windowSeconds],
    );
    return new Map(rows.map((r) => [r.key, r.failures]));
  }

  /** Takes back one attempt counted against a key in the current window (one that turned out not to fail). */
  async forgive(db: Db, key: string, windowSeconds: number): Promise<void> {
    await db.query(
      `UPDATE login_failures SET failures = failures - 1
       WHERE key = $1 AND failures > 0 AND window_start > now() - make_interval(secs => $2)`,
      [key, windowSeconds],
    );
  }

  async clear(db: Db, key: string): Promise<void> {
    await db.query('DELETE FROM login_failures WHERE key = $1', [key]);
  }
}
