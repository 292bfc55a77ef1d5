import type { Consent, ConsentScope, Page } from '@app/domain';
import type { Db } from '../database';
import { returnedRows } from './query-result';

interface ConsentRow {
  id: string;
  company_id: string;
  consortium_id: string;
  bank_id: string;
  scope: ConsentScope;
  granted_by: string;
  granted_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoke_reason: 'REVOKED' | 'SUPERSEDED' | null;
  request_id: string | null;
}

const COLUMNS = 'id, company_id, consortium_id, bank_id, scope, granted_by, granted_at, expires_at, revoked_at, revoke_reason, request_id';

const toConsent = (r: ConsentRow): Consent => ({
  id: r.id,
  companyId: r.company_id,
  consortiumId: r.consortium_id,
  bankId: r.bank_id,
  scope: r.scope,
  grantedBy: r.granted_by,
  grantedAt: r.granted_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  revokeReason: r.revoke_reason,
  requestId: r.request_id,
});

/** Why a bank may not read a company now, from its latest consent (for a helpful refusal). */
export interface ConsentRefusal {
  readonly creditCode: string;
  readonly reason: 'NO_CONSENT' | 'EXPIRED' | 'REVOKED' | 'SCOPE';
  readonly at: Date | null;
}

export class ConsentRepository {
  /**
   * Serialises grants and revocations for one company and bank, so that two grants at once
   * cannot both stay active.
   */
  async lockCompanyBank(db: Db, companyId: string, bankId: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('consent:' || $1 || ':' || $2, 0))`, [companyId, bankId]);
  }

  async insert(
    db: Db,
    input: { companyId: string; consortiumId: string; bankId: string; scope: ConsentScope; grantedBy: string; grantedAt: Date; expiresAt: Date | null; requestId?: string | null },
  ): Promise<Consent> {
    const rows: ConsentRow[] = await db.query(
      `INSERT INTO consents (company_id, consortium_id, bank_id, scope, granted_by, granted_at, expires_at, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [input.companyId, input.consortiumId, input.bankId, input.scope, input.grantedBy, input.grantedAt, input.expiresAt, input.requestId ?? null],
    );
    return toConsent(rows[0]);
  }

  /** Ends the active consents of this company, bank and scope: a new grant replaces them. */
  async supersedeActive(db: Db, companyId: string, bankId: string, scope: ConsentScope, by: string, now: Date): Promise<string[]> {
    const rows: { id: string }[] = returnedRows(
      await db.query(
        `UPDATE consents SET revoked_at = $5, revoked_by = $4, revoke_reason = 'SUPERSEDED'
       WHERE company_id = $1 AND bank_id = $2 AND scope = $3 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $5)
       RETURNING id`,
      [companyId, bankId, scope, by, now],
      ),
    );
    return rows.map((r) => r.id);
  }

  async findById(db: Db, id: string): Promise<Consent | null> {
    const rows: ConsentRow[] = await db.query(`SELECT ${COLUMNS} FROM consents WHERE id = $1`, [id]);
    return rows[0] ? toConsent(rows[0]) : null;
  }

  async findByIdForUpdate(db: Db, id: string): Promise<Consent | null> {
    const rows: ConsentRow[] = await db.query(`SELECT ${COLUMNS} FROM consents WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? toConsent(rows[0]) : null;
  }

  async revoke(db: Db, id: string, by: string, at: Date): Promise<Consent> {
    const rows: ConsentRow[] = returnedRows(
      await db.query(
        `UPDATE consents SET revoked_at = $3, revoked_by = $2, revoke_reason = 'REVOKED' WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [id, by, at],
      ),
    );
    if (!rows[0]) throw new Error(`consent ${id} was already revoked`);
    return toConsent(rows[0]);
  }

  /** A company's consents, newest first (active, expired, revoked: the whole history), a page of it. */
  async listByCompany(db: Db, companyId: string, page: Page): Promise<Consent[]> {
    const rows: ConsentRow[] = await db.query(`SELECT ${COLUMNS} FROM consents WHERE company_id = $1 ORDER BY granted_at DESC, id LIMIT $2 OFFSET $3`, [
      companyId,
      page.limit,
      page.offset,
    ]);
    return rows.map(toConsent);
  }

  /**
   * The consents given to a bank, newest first; with `activeAt`, only those neither revoked
   * nor expired then (filtered before the limit, so an old active consent is not pushed out
   * by newer ended ones).
   */
  async listByBank(db: Db, bankId: string, options: Page & { activeAt?: Date }): Promise<Consent[]> {
    const active = options.activeAt ? `AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $4)` : '';
    const rows: ConsentRow[] = await db.query(
      `SELECT ${COLUMNS} FROM consents WHERE bank_id = $1 ${active} ORDER BY granted_at DESC, id LIMIT $2 OFFSET $3`,
      options.activeAt ? [bankId, options.limit, options.offset, options.activeAt] : [bankId, options.limit, options.offset],
    );
    return rows.map(toConsent);
  }

  /** Whether the company has, at `now`, an active consent for the bank in one of `scopes`. */
  async hasActive(db: Db, companyId: string, bankId: string, scopes: readonly ConsentScope[], now: Date): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `SELECT 1 FROM consents WHERE company_id = $1 AND bank_id = $2 AND revoked_at IS NULL
         AND (expires_at IS NULL OR expires_at > $4) AND scope = ANY($3::text[]) LIMIT 1`,
      [companyId, bankId, scopes, now],
    );
    return rows.length > 0;
  }

  /** Of `companyIds`, those with an active consent (any scope) for the bank at `now`. */
  async activeCompanies(db: Db, bankId: string, companyIds: readonly string[], now: Date): Promise<Set<string>> {
    if (companyIds.length === 0) return new Set();
    const rows: { company_id: string }[] = await db.query(
      `SELECT DISTINCT company_id FROM consents WHERE bank_id = $1 AND company_id = ANY($2::uuid[])
         AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3)`,
      [bankId, companyIds, now],
    );
    return new Set(rows.map((r) => r.company_id));
  }

  /**
   * For codes a bank was refused: what its latest consent from that company says. Answers
   * only from the bank's own consents, so a refusal tells it nothing it did not know.
   */
  async explainRefusals(db: Db, bankId: string, creditCodes: readonly string[], scopes: readonly ConsentScope[], now: Date): Promise<Map<string, ConsentRefusal>> {
    const result = new Map<string, ConsentRefusal>(creditCodes.map((code) => [code, { creditCode: code, reason: 'NO_CONSENT', at: null }]));
    if (creditCodes.length === 0) return result;
    const rows: { credit_code: string; scope: ConsentScope; expires_at: Date | null; revoked_at: Date | null; revoke_reason: string | null }[] = await db.query(
      `SELECT DISTINCT ON (c.credit_code) c.credit_code, k.scope, k.expires_at, k.revoked_at, k.revoke_reason
       FROM companies c JOIN consents k ON k.company_id = c.id AND k.bank_id = $1
       WHERE c.credit_code = ANY($2::text[])
       ORDER BY c.credit_code, (k.scope = ANY($3::text[])) DESC, k.granted_at DESC`,
      [bankId, creditCodes, scopes],
    );
    for (const r of rows) {
      const code = r.credit_code;
      if (!scopes.includes(r.scope)) result.set(code, { creditCode: code, reason: 'SCOPE', at: null });
      else if (r.revoked_at && r.revoke_reason === 'REVOKED') result.set(code, { creditCode: code, reason: 'REVOKED', at: r.revoked_at });
      else if (r.expires_at && r.expires_at.getTime() <= now.getTime()) result.set(code, { creditCode: code, reason: 'EXPIRED', at: r.expires_at });
    }
    return result;
  }
}
