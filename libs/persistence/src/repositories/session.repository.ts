import type { Db } from '../database';

export interface SessionState {
  readonly sessionId: string;
  readonly userId: string;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
  readonly tokenHash: Buffer;
  readonly usedAt: Date | null;
}

export class SessionRepository {
  async create(db: Db, userId: string, expiresAt: Date): Promise<string> {
    const rows: { id: string }[] = await db.query('INSERT INTO sessions (user_id, expires_at) VALUES ($1, $2) RETURNING id', [userId, expiresAt]);
    return rows[0].id;
  }

  async addRefreshToken(db: Db, sessionId: string, tokenHash: Buffer): Promise<string> {
    const rows: { id: string }[] = await db.query('INSERT INTO refresh_tokens (session_id, token_hash) VALUES ($1, $2) RETURNING id', [sessionId, tokenHash]);
    return rows[0].id;
  }

  /** The token and its session, locked so two concurrent uses cannot both succeed. */
  async findTokenForUpdate(db: Db, tokenId: string): Promise<SessionState | null> {
    const rows: { session_id: string; user_id: string; expires_at: Date; revoked_at: Date | null; token_hash: Buffer; used_at: Date | null }[] =
      await db.query(
        `SELECT t.session_id, s.user_id, s.expires_at, s.revoked_at, t.token_hash, t.used_at
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
         WHERE t.id = $1 FOR UPDATE OF t, s`,
        [tokenId],
      );
    const r = rows[0];
    return r ? { sessionId: r.session_id, userId: r.user_id, expiresAt: r.expires_at, revokedAt: r.revoked_at, tokenHash: r.token_hash, usedAt: r.used_at } : null;
  }

  async markTokenUsed(db: Db, tokenId: string): Promise<void> {
    await db.query('UPDATE refresh_tokens SET used_at = now() WHERE id = $1', [tokenId]);
  }

  async revoke(db: Db, sessionId: string, reason: string): Promise<void> {
    await db.query('UPDATE sessions SET revoked_at = coalesce(revoked_at, now()), revoked_reason = coalesce(revoked_reason, $2) WHERE id = $1', [sessionId, reason]);
  }

  async isActive(db: Db, sessionId: string): Promise<boolean> {
    const rows: unknown[] = await db.query('SELECT 1 FROM sessions WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()', [sessionId]);
    return rows.length > 0;
  }
}
