import type { Db } from '../database';

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
}
