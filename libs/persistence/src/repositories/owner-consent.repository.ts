import type { Db } from '../database';
import { returnedRows } from './query-result';

export interface NewOwnerConsent {
  readonly companyId: string;
  readonly ownerName: string;
  readonly documentSha256: string;
  readonly documentName: string;
  readonly signedOn: string;
  readonly recordedBy: string;
  readonly createdAt: Date;
}

/** The owner's written consents to use the owner's personal credit band, kept apart from records (Art. 13-14). */
export class OwnerConsentRepository {
  async insert(db: Db, c: NewOwnerConsent): Promise<string> {
    const rows: { id: string }[] = await db.query(
      `INSERT INTO owner_consents (company_id, owner_name, document_sha256, document_name, signed_on, recorded_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [c.companyId, c.ownerName, Buffer.from(c.documentSha256, 'hex'), c.documentName, c.signedOn, c.recordedBy, c.createdAt],
    );
    return rows[0].id;
  }

  /** Finds the same consent filed before (same owner and document), so a resubmission is identical. */
  async findSame(db: Db, companyId: string, ownerName: string, documentSha256: string): Promise<string | null> {
    const rows: { id: string }[] = await db.query(
      `SELECT id FROM owner_consents WHERE company_id = $1 AND owner_name = $2 AND document_sha256 = $3 AND revoked_at IS NULL ORDER BY created_at LIMIT 1`,
      [companyId, ownerName, Buffer.from(documentSha256, 'hex')],
    );
    return rows[0]?.id ?? null;
  }

  /** Whether the owner withdrew a consent of this company signed in this document, whatever the owner's name was given as. */
  async revokedDocument(db: Db, companyId: string, documentSha256: string): Promise<boolean> {
    const rows: unknown[] = await db.query(`SELECT 1 FROM owner_consents WHERE company_id = $1 AND document_sha256 = $2 AND revoked_at IS NOT NULL LIMIT 1`, [
      companyId,
      Buffer.from(documentSha256, 'hex'),
    ]);
    return rows.length > 0;
  }

  /**
   * Revokes the consent behind the current version of an owner's-band signal, once: from now
   * on no signal it backs counts. The signed document is the consent, whatever the owner's
   * name was given as, so every consent of the company on the same document is revoked with
   * it. Every current signal they back gets a new change number, so the company's data
   * version moves and its next recompute drops them. Null when the record is no such
   * signal; `revoked` false when nothing was left to revoke.
   */
  async revokeBehind(db: Db, recordId: string, at: Date): Promise<{ consentId: string; revokedAt: Date; revoked: boolean } | null> {
    const rows: { id: string; revoked_at: Date | null; company_id: string; document_sha256: Buffer }[] = await db.query(
      `SELECT c.id, c.revoked_at, c.company_id, c.document_sha256 FROM soft_signals s JOIN owner_consents c ON c.id = s.owner_consent_id
       WHERE s.record_id = $1 AND s.is_current FOR UPDATE OF c`,
      [recordId],
    );
    const consent = rows[0];
    if (!consent) return null;
    const revoked: { id: string }[] = returnedRows(
      await db.query('UPDATE owner_consents SET revoked_at = $3 WHERE company_id = $1 AND document_sha256 = $2 AND revoked_at IS NULL RETURNING id', [
        consent.company_id,
        consent.document_sha256,
        at,
      ]),
    );
    if (revoked.length === 0) return { consentId: consent.id, revokedAt: consent.revoked_at ?? at, revoked: false };
    await db.query(`UPDATE soft_signals SET change_seq = nextval('record_change_seq') WHERE owner_consent_id = ANY($1::uuid[]) AND is_current`, [revoked.map((r) => r.id)]);
    return { consentId: consent.id, revokedAt: consent.revoked_at ?? at, revoked: true };
  }

  /** When each consent was revoked (absent: not revoked, or no such consent). */
  async revokedAt(db: Db, consentIds: readonly string[]): Promise<Map<string, Date>> {
    if (consentIds.length === 0) return new Map();
    const rows: { id: string; revoked_at: Date }[] = await db.query(
      'SELECT id, revoked_at FROM owner_consents WHERE id = ANY($1::uuid[]) AND revoked_at IS NOT NULL',
      [[...new Set(consentIds)]],
    );
    return new Map(rows.map((r) => [r.id, r.revoked_at]));
  }
}
