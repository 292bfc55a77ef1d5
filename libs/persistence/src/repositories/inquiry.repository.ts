import type { BankRatingRead, BankReader, ConsentScope, Inquiry, InquiryChannel, InquiryPurpose } from '@app/domain';
import type { BackedRating, RatingFactor, RatingReason } from '@app/domain/scoring';
import type { Db } from '../database';
import { preparedQuery } from './prepared-query';

interface InquiryRow {
  id: string;
  company_id: string;
  consortium_id: string;
  bank_id: string;
  consent_id: string;
  user_id: string | null;
  api_key_id: string | null;
  purpose: InquiryPurpose;
  scope: ConsentScope;
  channel: InquiryChannel;
  at: Date;
  event_id: string | null;
  audit_seq: string | null;
}

const COLUMNS = 'id, company_id, consortium_id, bank_id, consent_id, user_id, api_key_id, purpose, scope, channel, at, event_id, audit_seq';

const toInquiry = (r: InquiryRow): Inquiry => ({
  id: String(r.id),
  companyId: r.company_id,
  consortiumId: r.consortium_id,
  bankId: r.bank_id,
  consentId: r.consent_id,
  userId: r.user_id,
  apiKeyId: r.api_key_id,
  purpose: r.purpose,
  scope: r.scope,
  channel: r.channel,
  at: r.at,
  eventId: r.event_id === null ? null : String(r.event_id),
  auditSeq: r.audit_seq === null ? null : Number(r.audit_seq),
});

/** What one read asks for: who reads, why, through which door, at what time. */
export interface ReadRequest {
  readonly reader: BankReader;
  readonly purpose: InquiryPurpose;
  readonly channel: InquiryChannel;
  readonly now: Date;
}

/** A time window over a company's inquiries: `from` inclusive, `to` exclusive; null leaves that side open. */
export interface InquiryWindow {
  readonly from?: Date | null;
  readonly to?: Date | null;
}

/** One rating read of a batch: a company's code, and who reads it why. */
export interface RatingReadItem {
  readonly creditCode: string;
  readonly reader: BankReader;
  readonly purpose: InquiryPurpose;
  readonly channel: InquiryChannel;
}

interface RatingReadRow {
  ord: number;
  credit_code: string;
  company_id: string;
  company_name: string;
  consortium_name: string;
  consortium_grade: string | null;
  inquiry_id: string;
  at: Date;
  score: number | null;
  grade: string | null;
  pd: number | null;
  reasons: RatingReason[] | null;
  factors: RatingFactor[] | null;
  backed: BackedRating | null;
  verified_records: number | null;
  model_version: string | null;
  computed_at: Date | null;
}

/** A read the consent allowed, with its inquiry: for the credit report, which loads the rest itself. */
export interface RecordedRead {
  readonly inquiryId: string;
  readonly consentId: string;
  readonly companyId: string;
  readonly consortiumId: string;
  readonly at: Date;
}

/**
 * Rating reads, any number, from any banks, in one statement: for each item, the consent
 * check (an active consent of the reading bank, not revoked, not expired at $8, of a scope
 * in $9), the inquiry row, and the data. An item without consent yields no row and writes
 * nothing. Inquiry ids are drawn in `allowed` (materialised: once per row) so the answer can
 * name each item's inquiry. One statement is one commit: under load, many reads share it.
 */
const RATING_READS = `
  WITH wanted AS MATERIALIZED (
    SELECT * FROM unnest($1::int[], $2::bpchar[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[])
      AS w(ord, code, bank_id, user_id, api_key_id, purpose, channel)
  ),
  allowed AS MATERIALIZED (
    SELECT w.*, c.id AS company_id, c.consortium_id, c.name AS company_name, k.id AS consent_id, nextval('inquiries_id_seq') AS inquiry_id
    FROM wanted w
    JOIN companies c ON c.credit_code = w.code
    CROSS JOIN LATERAL (
      SELECT k.id FROM consents k
      WHERE k.company_id = c.id AND k.bank_id = w.bank_id AND k.revoked_at IS NULL
        AND (k.expires_at IS NULL OR k.expires_at > $8) AND k.scope = ANY($9::text[])
      ORDER BY k.granted_at DESC LIMIT 1
    ) k
  ),
  inquiry AS (
    INSERT INTO inquiries (id, company_id, consortium_id, bank_id, consent_id, user_id, api_key_id, purpose, scope, channel, at)
    SELECT inquiry_id, company_id, consortium_id, bank_id, consent_id, user_id, api_key_id, purpose, 'RATING', channel, $8
    FROM allowed ORDER BY inquiry_id
  )
  SELECT a.ord, a.code AS credit_code, a.company_id, a.company_name, n.name AS consortium_name, s.grade AS consortium_grade,
         a.inquiry_id, $8::timestamptz AS at, r.score, r.grade, r.pd, r.reasons, r.factors, r.backed, r.verified_records,
         r.model_version, r.computed_at
  FROM allowed a
  JOIN consortia n ON n.id = a.consortium_id
  LEFT JOIN LATERAL (SELECT grade FROM consortium_standings WHERE consortium_id = a.consortium_id ORDER BY id DESC LIMIT 1) s ON true
  LEFT JOIN LATERAL (
    SELECT score, grade, pd, reasons, factors, backed, verified_records, model_version, computed_at
    FROM ratings WHERE company_id = a.company_id ORDER BY id DESC LIMIT 1
  ) r ON true`;

export class InquiryRepository {
  /**
   * Reads the current rating of each item's company and records one inquiry per item read,
   * atomically: one statement (a named prepared one), one round trip, one commit, whatever
   * the number of items. The answer is aligned with `items`: null where the read was
   * refused (no such company, or no active consent of a rating scope for that item's bank),
   * and for those nothing was recorded or read.
   */
  async readRatings(db: Db, items: readonly RatingReadItem[], scopes: readonly ConsentScope[], now: Date): Promise<(BankRatingRead | null)[]> {
    if (items.length === 0) return [];
    const rows = await preparedQuery<RatingReadRow>(db, 'bank-rating-reads', RATING_READS, [
      items.map((_, i) => i),
      items.map((i) => i.creditCode),
      items.map((i) => i.reader.bankId),
      items.map((i) => i.reader.userId),
      items.map((i) => i.reader.apiKeyId),
      items.map((i) => i.purpose),
      items.map((i) => i.channel),
      now,
      scopes,
    ]);
    const answers: (BankRatingRead | null)[] = items.map(() => null);
    for (const r of rows) {
      answers[r.ord] = {
        creditCode: r.credit_code,
        companyId: r.company_id,
        companyName: r.company_name,
        consortiumName: r.consortium_name,
        consortiumGrade: r.consortium_grade,
        inquiryId: String(r.inquiry_id),
        at: r.at,
        rating:
          r.score === null
            ? null
            : {
                score: r.score,
                grade: r.grade as string,
                pd: r.pd as number,
                reasons: r.reasons ?? [],
                factors: r.factors ?? [],
                backed: r.backed,
                verifiedRecords: r.verified_records as number,
                modelVersion: r.model_version as string,
                computedAt: r.computed_at as Date,
              },
      };
    }
    return answers;
  }

  /**
   * Checks the consent for one company and records the inquiry, for reads that load their
   * data afterwards in the same transaction (the credit report). Null: refused, nothing written.
   */
  async record(db: Db, creditCode: string, scopes: readonly ConsentScope[], scope: ConsentScope, request: ReadRequest): Promise<RecordedRead | null> {
    const rows: { id: string; consent_id: string; company_id: string; consortium_id: string; at: Date }[] = await db.query(
      `WITH allowed AS (
         SELECT c.id AS company_id, c.consortium_id, k.id AS consent_id
         FROM companies c
         CROSS JOIN LATERAL (
           SELECT k.id FROM consents k
           WHERE k.company_id = c.id AND k.bank_id = $2 AND k.revoked_at IS NULL
             AND (k.expires_at IS NULL OR k.expires_at > $3) AND k.scope = ANY($4::text[])
           ORDER BY k.granted_at DESC LIMIT 1
         ) k
         WHERE c.credit_code = $1::bpchar
       )
       INSERT INTO inquiries (company_id, consortium_id, bank_id, consent_id, user_id, api_key_id, purpose, scope, channel, at)
       SELECT company_id, consortium_id, $2, consent_id, $5, $6, $7, $8, $9, $3 FROM allowed
       RETURNING id, consent_id, company_id, consortium_id, at`,
      [creditCode, request.reader.bankId, request.now, scopes, request.reader.userId, request.reader.apiKeyId, request.purpose, scope, request.channel],
    );
    const r = rows[0];
    return r ? { inquiryId: String(r.id), consentId: r.consent_id, companyId: r.company_id, consortiumId: r.consortium_id, at: r.at } : null;
  }

  /**
   * Records the alerts of one RatingChanged event, one inquiry per bank, under the consent
   * that allowed each; a second run for the same event records nothing more.
   */
  async recordAlerts(db: Db, event: { id: string; companyId: string; consortiumId: string }, alerts: readonly { bankId: string; consentId: string }[], at: Date): Promise<void> {
    if (alerts.length === 0) return;
    await db.query(
      `INSERT INTO inquiries (company_id, consortium_id, bank_id, consent_id, purpose, scope, channel, at, event_id)
       SELECT $1, $2, a.bank_id, a.consent_id, 'MONITORING', 'RATING', 'ALERT', $5, $6
       FROM unnest($3::uuid[], $4::uuid[]) AS a(bank_id, consent_id)
       ON CONFLICT (bank_id, event_id) WHERE event_id IS NOT NULL DO NOTHING`,
      [event.companyId, event.consortiumId, alerts.map((a) => a.bankId), alerts.map((a) => a.consentId), at, event.id],
    );
  }

  /**
   * A company's inquiries at `from` or later and before `to` (either open when null), newest
   * first. Ties on `at` (a batch, or a frozen clock, writes many at one instant) go by id,
   * so the order is total and pages cut by `limit` and `offset` neither skip nor repeat a row.
   * `inquiries_company_idx (company_id, at DESC)` bounds the window (both sides are index
   * conditions); the id tie-break sorts only the rows it yields.
   */
  async listByCompany(db: Db, companyId: string, window: InquiryWindow = {}, limit = 1000, offset = 0): Promise<Inquiry[]> {
    const rows: InquiryRow[] = await db.query(
      `SELECT ${COLUMNS} FROM inquiries
       WHERE company_id = $1 AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at < $3)
       ORDER BY at DESC, id DESC LIMIT $4 OFFSET $5`,
      [companyId, window.from ?? null, window.to ?? null, limit, offset],
    );
    return rows.map(toInquiry);
  }

  /** Locks up to `limit` inquiries not yet in the audit log, oldest first; concurrent sealers skip them. */
  async claimUnsealed(db: Db, limit: number): Promise<Inquiry[]> {
    const rows: InquiryRow[] = await db.query(
      `SELECT ${COLUMNS} FROM inquiries WHERE audit_seq IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(toInquiry);
  }

  /** Marks inquiries as sealed by the audit-log entry `auditSeq` (once: a sealed one is never re-sealed). */
  async markSealed(db: Db, inquiryIds: readonly string[], auditSeq: number): Promise<void> {
    if (inquiryIds.length === 0) return;
    await db.query('UPDATE inquiries SET audit_seq = $2 WHERE id = ANY($1::bigint[]) AND audit_seq IS NULL', [inquiryIds, auditSeq]);
  }

  /** The inquiries one audit-log entry sealed, in id order. */
  async sealedBy(db: Db, auditSeq: number): Promise<Inquiry[]> {
    const rows: InquiryRow[] = await db.query(`SELECT ${COLUMNS} FROM inquiries WHERE audit_seq = $1 ORDER BY id`, [auditSeq]);
    return rows.map(toInquiry);
  }

  /** Every seal in the audit log, with what it says it sealed. */
  async seals(db: Db): Promise<{ seq: number; count: number; digest: string }[]> {
    const rows: { seq: string; details: { count: number; digest: string } }[] = await db.query(
      `SELECT seq, content::jsonb -> 'details' AS details FROM audit_log WHERE action = 'inquiries.sealed' ORDER BY seq`,
    );
    return rows.map((r) => ({ seq: Number(r.seq), count: r.details.count, digest: r.details.digest }));
  }

  async countUnsealed(db: Db): Promise<number> {
    const rows: { n: string }[] = await db.query('SELECT count(*) AS n FROM inquiries WHERE audit_seq IS NULL');
    return Number(rows[0].n);
  }
}
