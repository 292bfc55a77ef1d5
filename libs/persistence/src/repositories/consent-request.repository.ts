import { ConflictError, type ConsentRequest, type ConsentRequestStatus, type ConsentScope, type InquiryPurpose, type Page } from '@app/domain';
import type { Db } from '../database';
import { returnedRows } from './query-result';
import { isPgError, PgCode } from './pg-errors';

interface ConsentRequestRow {
  id: string;
  company_id: string;
  consortium_id: string;
  bank_id: string;
  scope: ConsentScope;
  purpose: InquiryPurpose;
  message: string | null;
  requested_expires_at: Date | null;
  requested_at: Date;
  status: ConsentRequestStatus;
  decided_at: Date | null;
  decline_reason: string | null;
  consent_id: string | null;
}

const COLUMNS =
  'id, company_id, consortium_id, bank_id, scope, purpose, message, requested_expires_at, requested_at, status, decided_at, decline_reason, consent_id';

const toRequest = (r: ConsentRequestRow): ConsentRequest => ({
  id: r.id,
  companyId: r.company_id,
  consortiumId: r.consortium_id,
  bankId: r.bank_id,
  scope: r.scope,
  purpose: r.purpose,
  message: r.message,
  requestedExpiresAt: r.requested_expires_at,
  requestedAt: r.requested_at,
  status: r.status,
  decidedAt: r.decided_at,
  declineReason: r.decline_reason,
  consentId: r.consent_id,
});

export class ConsentRequestRepository {
  async insert(
    db: Db,
    input: {
      companyId: string;
      consortiumId: string;
      bankId: string;
      scope: ConsentScope;
      purpose: InquiryPurpose;
      message: string | null;
      requestedExpiresAt: Date | null;
      requestedByUser: string | null;
      requestedByApiKey: string | null;
      requestedAt: Date;
    },
  ): Promise<ConsentRequest> {
    try {
      const rows: ConsentRequestRow[] = await db.query(
        `INSERT INTO consent_requests (company_id, consortium_id, bank_id, scope, purpose, message, requested_expires_at,
                                       requested_by_user, requested_by_api_key, requested_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
        [
          input.companyId,
          input.consortiumId,
          input.bankId,
          input.scope,
          input.purpose,
          input.message,
          input.requestedExpiresAt,
          input.requestedByUser,
          input.requestedByApiKey,
          input.requestedAt,
        ],
      );
      return toRequest(rows[0]);
    } catch (error) {
      if (isPgError(error, PgCode.UNIQUE_VIOLATION)) {
        throw new ConflictError(`Your bank already has a pending ${input.scope} consent request for this company`, { field: 'input.creditCode' });
      }
      throw error;
    }
  }

  async findById(db: Db, id: string): Promise<ConsentRequest | null> {
    const rows: ConsentRequestRow[] = await db.query(`SELECT ${COLUMNS} FROM consent_requests WHERE id = $1`, [id]);
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async findByIdForUpdate(db: Db, id: string): Promise<ConsentRequest | null> {
    const rows: ConsentRequestRow[] = await db.query(`SELECT ${COLUMNS} FROM consent_requests WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async accept(db: Db, id: string, by: string, at: Date, consentId: string): Promise<ConsentRequest> {
    const rows: ConsentRequestRow[] = returnedRows(
      await db.query(
        `UPDATE consent_requests SET status = 'ACCEPTED', decided_at = $3, decided_by = $2, consent_id = $4
       WHERE id = $1 AND status = 'PENDING' RETURNING ${COLUMNS}`,
      [id, by, at, consentId],
      ),
    );
    if (!rows[0]) throw new ConflictError('This consent request has already been decided');
    return toRequest(rows[0]);
  }

  async decline(db: Db, id: string, by: string, at: Date, reason: string | null): Promise<ConsentRequest> {
    const rows: ConsentRequestRow[] = returnedRows(
      await db.query(
        `UPDATE consent_requests SET status = 'DECLINED', decided_at = $3, decided_by = $2, decline_reason = $4
       WHERE id = $1 AND status = 'PENDING' RETURNING ${COLUMNS}`,
      [id, by, at, reason],
      ),
    );
    if (!rows[0]) throw new ConflictError('This consent request has already been decided');
    return toRequest(rows[0]);
  }

  async listByCompany(db: Db, companyId: string, status: ConsentRequestStatus | null, page: Page): Promise<ConsentRequest[]> {
    const rows: ConsentRequestRow[] = await db.query(
      `SELECT ${COLUMNS} FROM consent_requests WHERE company_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY requested_at DESC, id LIMIT $3 OFFSET $4`,
      [companyId, status, page.limit, page.offset],
    );
    return rows.map(toRequest);
  }

  async listByBank(db: Db, bankId: string, status: ConsentRequestStatus | null, page: Page): Promise<ConsentRequest[]> {
    const rows: ConsentRequestRow[] = await db.query(
      `SELECT ${COLUMNS} FROM consent_requests WHERE bank_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY requested_at DESC, id LIMIT $3 OFFSET $4`,
      [bankId, status, page.limit, page.offset],
    );
    return rows.map(toRequest);
  }
}
