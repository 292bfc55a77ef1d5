import type { CreditReport, ReportIdentification, ReportInquiry, ReportRatingPoint, ReportStanding } from '@app/domain';
import type { Db } from '../database';

/**
 * The parts of a credit report that come from the registry, the rating history, the
 * standing and the inquiry log. Each method reads one company, set-based, in the report's
 * transaction (one snapshot for the whole report).
 */
export class CreditReportRepository {
  async identification(db: Db, companyId: string): Promise<ReportIdentification | null> {
    const rows: { credit_code: string; name: string; consortium_name: string; region: string; industry: string; joined_on: string }[] = await db.query(
      `SELECT c.credit_code, c.name, n.name AS consortium_name, n.region, n.industry, to_char(c.joined_on, 'YYYY-MM-DD') AS joined_on
       FROM companies c JOIN consortia n ON n.id = c.consortium_id WHERE c.id = $1`,
      [companyId],
    );
    const r = rows[0];
    return r
      ? { creditCode: r.credit_code, name: r.name, consortiumName: r.consortium_name, region: r.region, industry: r.industry, memberSince: r.joined_on }
      : null;
  }

  /** The ratings computed since `since`, newest first (at most `limit`). */
  async ratingHistory(db: Db, companyId: string, since: Date, limit = 200): Promise<ReportRatingPoint[]> {
    const rows: { computed_at: Date; score: number; grade: string; pd: number; backed_grade: string | null; reason_codes: string[] | null }[] = await db.query(
      `SELECT computed_at, score, grade, pd, backed->>'grade' AS backed_grade,
              (SELECT array_agg(r->>'code' ORDER BY o) FROM jsonb_array_elements(reasons) WITH ORDINALITY AS x(r, o)) AS reason_codes
       FROM ratings WHERE company_id = $1 AND computed_at >= $2 ORDER BY id DESC LIMIT $3`,
      [companyId, since, limit],
    );
    return rows.map((r) => ({ computedAt: r.computed_at, score: r.score, grade: r.grade, pd: r.pd, backedGrade: r.backed_grade, reasonCodes: r.reason_codes ?? [] }));
  }

  async standing(db: Db, consortiumId: string): Promise<ReportStanding | null> {
    const rows: { grade: string; weighted_pd: number; guarantee_coverage: number; computed_at: Date; members: string }[] = await db.query(
      `SELECT s.grade, s.weighted_pd, s.guarantee_coverage, s.computed_at, (SELECT count(*) FROM companies WHERE consortium_id = $1) AS members
       FROM consortium_standings s WHERE s.consortium_id = $1 ORDER BY s.id DESC LIMIT 1`,
      [consortiumId],
    );
    const r = rows[0];
    return r ? { grade: r.grade, weightedPd: r.weighted_pd, guaranteeCoverage: r.guarantee_coverage, members: Number(r.members), computedAt: r.computed_at } : null;
  }

  /** Bank reads of the company since `since`, newest first, with the banks' names. */
  async inquiries(db: Db, companyId: string, since: Date, limit = 1000): Promise<ReportInquiry[]> {
    const rows: { bank_name: string; purpose: ReportInquiry['purpose']; scope: ReportInquiry['scope']; at: Date }[] = await db.query(
      `SELECT b.name AS bank_name, i.purpose, i.scope, i.at FROM inquiries i JOIN banks b ON b.id = i.bank_id
       WHERE i.company_id = $1 AND i.at >= $2 ORDER BY i.at DESC, i.id DESC LIMIT $3`,
      [companyId, since, limit],
    );
    return rows.map((r) => ({ bankName: r.bank_name, purpose: r.purpose, scope: r.scope, at: r.at }));
  }

  /**
   * The sections made of credit records. The records ledger is another feature's (branch
   * `records`); until it is merged there are no records to show.
   */
  async recordSections(_db: Db, _companyId: string, _asOf: string): Promise<RecordSections> {
    return {
      paymentBehaviour: { paymentIndex: null, experiences: 0, totalAmount: '0.00', byMonth: [], byAmount: [], disputed: 0 },
      financialYears: [],
      obligations: { byKind: [], taxCreditGrade: null },
      loans: [],
      publicRecords: [],
      guaranteesGiven: [],
      guaranteesReceived: [],
      softInformation: [],
      openDisputes: [],
    };
  }
}

export type RecordSections = Pick<
  CreditReport,
  'paymentBehaviour' | 'financialYears' | 'obligations' | 'loans' | 'publicRecords' | 'guaranteesGiven' | 'guaranteesReceived' | 'softInformation' | 'openDisputes'
>;
