import type { Db } from '../database';
import { returnedRows } from './query-result';

export interface ApiKey {
  readonly id: string;
  readonly bankId: string;
  readonly name: string;
  readonly prefix: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  bank_id: string;
  name: string;
  prefix: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  bankId: r.bank_id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

const COLUMNS = 'id, bank_id, name, prefix, created_at, revoked_at, last_used_at';

export class ApiKeyRepository {
  async insert(db: Db, input: { bankId: string; name: string; prefix: string; keyHash: Buffer; createdBy: string }): Promise<ApiKey> {
    const rows: ApiKeyRow[] = await db.query(
      `INSERT INTO api_keys (bank_id, name, prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [input.bankId, input.name, input.prefix, input.keyHash, input.createdBy],
    );
    return toApiKey(rows[0]);
  }

  /** The active key with this hash; touches last_used_at at most once a minute. */
  async findActiveByHash(db: Db, keyHash: Buffer): Promise<ApiKey | null> {
    const rows: ApiKeyRow[] = await db.query(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`, [keyHash]);
    const key = rows[0];
    if (!key) return null;
    if (!key.last_used_at || Date.now() - key.last_used_at.getTime() > 60_000) {
      await db.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [key.id]);
    }
    return toApiKey(key);
  }

  async findById(db: Db, id: string): Promise<ApiKey | null> {
    const rows: ApiKeyRow[] = await db.query(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
    return rows[0] ? toApiKey(rows[0]) : null;
  }

  async listByBank(db: Db, bankId: string): Promise<ApiKey[]> {
    const rows: ApiKeyRow[] = await db.query(`SELECT ${COLUMNS} FROM api_keys WHERE bank_id = $1 ORDER BY created_at DESC`, [bankId]);
    return rows.map(toApiKey);
  }

  async revoke(db: Db, id: string): Promise<ApiKey | null> {
    const rows = returnedRows<ApiKeyRow>(
      await db.query(`UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`, [id]),
    );
    return rows[0] ? toApiKey(rows[0]) : null;
  }
}
