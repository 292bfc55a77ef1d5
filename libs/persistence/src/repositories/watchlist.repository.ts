import { ConflictError, type WatchEntry } from '@app/domain';
import type { Db } from '../database';
import { returnedRows } from './query-result';
import { isPgError, PgCode } from './pg-errors';

interface WatchRow {
  id: string;
  bank_id: string;
  company_id: string;
  added_at: Date;
  removed_at: Date | null;
  removed_reason: 'REMOVED' | 'CONSENT_REVOKED' | null;
}

const COLUMNS = 'id, bank_id, company_id, added_at, removed_at, removed_reason';

const toEntry = (r: WatchRow): WatchEntry => ({
  id: r.id,
  bankId: r.bank_id,
  companyId: r.company_id,
  addedAt: r.added_at,
  removedAt: r.removed_at,
  removedReason: r.removed_reason,
});

/** A watched company, with what a bank's list shows of it. */
export interface WatchedCompany extends WatchEntry {
  readonly creditCode: string;
  readonly companyName: string;
}

export class WatchlistRepository {
  async add(db: Db, input: { bankId: string; companyId: string; userId: string | null; apiKeyId: string | null; at: Date }): Promise<WatchEntry> {
    try {
      const rows: WatchRow[] = await db.query(
        `INSERT INTO watchlist (bank_id, company_id, added_by_user, added_by_api_key, added_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [input.bankId, input.companyId, input.userId, input.apiKeyId, input.at],
      );
      return toEntry(rows[0]);
    } catch (error) {
      if (isPgError(error, PgCode.UNIQUE_VIOLATION)) throw new ConflictError('This company is already on your watchlist', { field: 'creditCode' });
      throw error;
    }
  }

  async findActive(db: Db, bankId: string, companyId: string): Promise<WatchEntry | null> {
    const rows: WatchRow[] = await db.query(`SELECT ${COLUMNS} FROM watchlist WHERE bank_id = $1 AND company_id = $2 AND removed_at IS NULL`, [
      bankId,
      companyId,
    ]);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async remove(db: Db, bankId: string, companyId: string, reason: 'REMOVED' | 'CONSENT_REVOKED', at: Date): Promise<WatchEntry | null> {
    const rows: WatchRow[] = returnedRows(
      await db.query(
        `UPDATE watchlist SET removed_at = $4, removed_reason = $3 WHERE bank_id = $1 AND company_id = $2 AND removed_at IS NULL RETURNING ${COLUMNS}`,
      [bankId, companyId, reason, at],
      ),
    );
    return rows[0] ? toEntry(rows[0]) : null;
  }

  /** The bank's current watchlist, by company name. */
  async listByBank(db: Db, bankId: string): Promise<WatchedCompany[]> {
    const rows: (WatchRow & { credit_code: string; name: string })[] = await db.query(
      `SELECT w.id, w.bank_id, w.company_id, w.added_at, w.removed_at, w.removed_reason, c.credit_code, c.name
       FROM watchlist w JOIN companies c ON c.id = w.company_id
       WHERE w.bank_id = $1 AND w.removed_at IS NULL ORDER BY c.name, w.id`,
      [bankId],
    );
    return rows.map((r) => ({ ...toEntry(r), creditCode: r.credit_code, companyName: r.name }));
  }

  /**
   * The banks that watch a company and still hold an active consent from it at `now`, each
   * with the consent that allows it: whom a RatingChanged event of that company reaches.
   */
  async watchersWithConsent(db: Db, companyId: string, now: Date): Promise<{ bankId: string; consentId: string }[]> {
    const rows: { bank_id: string; consent_id: string }[] = await db.query(
      `SELECT w.bank_id, k.id AS consent_id FROM watchlist w
       CROSS JOIN LATERAL (
         SELECT id FROM consents k WHERE k.company_id = w.company_id AND k.bank_id = w.bank_id
           AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)
         ORDER BY granted_at DESC LIMIT 1
       ) k
       WHERE w.company_id = $1 AND w.removed_at IS NULL
       ORDER BY w.bank_id`,
      [companyId, now],
    );
    return rows.map((r) => ({ bankId: r.bank_id, consentId: r.consent_id }));
  }
}
