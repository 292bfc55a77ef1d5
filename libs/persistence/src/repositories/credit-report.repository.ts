import type {
  CreditReport,
  PaymentGroup,
  ReportCompanyStatement,
  ReportDispute,
  ReportFinancialYear,
  ReportGuarantee,
  ReportIdentification,
  ReportInquiry,
  ReportLoan,
  ReportObligationKind,
  ReportPaymentBehaviour,
  ReportPublicRecord,
  ReportRatingPoint,
  ReportSoftSignal,
  ReportStanding,
} from '@app/domain';
import type { Db } from '../database';
import { KIND_SPECS } from './record-kinds';

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
   * The sections made of credit records, as they stand on `asOf`. A record shows when its
   * current version is VERIFIED, or DISPUTED (marked, and left out of every figure), has
   * passed its notice period and has not expired. Of two filings of one invoice, bill or tax
   * year, a verified one is shown before a disputed one, then the supplier's (the
   * coordinator's): the filing the rating counts, so the figures agree with its payment index; PENDING and REJECTED versions, superseded
   * versions and negative information past its 5-year expiry never show. Figures over time
   * cover 24 months. The invoices are those the payment index counts: invoiced by `asOf`, due
   * in the last 24 months or later (an open invoice not yet due is on time so far, 0 days
   * beyond terms), so `experiences` is the number the index rests on. Ratios and the payment
   * index are the caller's (scoring's) to work out.
   */
  async recordSections(db: Db, companyId: string, asOf: string): Promise<Omit<RecordSections, 'paymentBehaviour'> & { paymentBehaviour: Omit<ReportPaymentBehaviour, 'paymentIndex'> }> {
    const p = [companyId, asOf];
    const trades: (PaymentGroupRow & { grouping: 'MONTH' | 'AMOUNT' | 'TOTAL'; disputed: string })[] = await db.query(
      `WITH shown AS (
         SELECT DISTINCT ON (counterparty_id, invoice_no) amount, due_date, status,
                CASE WHEN paid_date IS NOT NULL THEN greatest(paid_date - due_date, 0)
                     ELSE greatest($2::date - due_date, 0) END AS dbt
         FROM trade_experiences t
         WHERE t.subject_id = $1 AND ${shown('t')} AND t.due_date > $2::date - interval '24 months' AND t.invoice_date <= $2::date
         ORDER BY counterparty_id, invoice_no, (status = 'VERIFIED') DESC, (side = 'SUPPLIER') DESC, record_id
       ),
       counted AS (
         SELECT *, to_char(due_date, 'YYYY-MM') AS month,
                CASE WHEN amount < 10000 THEN 1 WHEN amount < 50000 THEN 2 WHEN amount < 200000 THEN 3 WHEN amount < 1000000 THEN 4 ELSE 5 END AS bucket
         FROM shown WHERE status = 'VERIFIED'
       ),
       grouped AS (
         SELECT 'MONTH' AS grouping, month AS label, 0 AS ord, count(*) AS experiences, sum(amount) AS amount,
                sum(amount * dbt) / nullif(sum(amount) FILTER (WHERE dbt IS NOT NULL), 0) AS dbt,
                sum(amount) FILTER (WHERE dbt > 30) / nullif(sum(amount), 0) AS severe
         FROM counted GROUP BY month
         UNION ALL
         SELECT 'AMOUNT', bucket::text, bucket, count(*), sum(amount),
                sum(amount * dbt) / nullif(sum(amount) FILTER (WHERE dbt IS NOT NULL), 0),
                sum(amount) FILTER (WHERE dbt > 30) / nullif(sum(amount), 0)
         FROM counted GROUP BY bucket
         UNION ALL
         SELECT 'TOTAL', '', 0, count(*), coalesce(sum(amount), 0), NULL, NULL FROM counted
       )
       SELECT g.*, (SELECT count(*) FROM shown WHERE status = 'DISPUTED') AS disputed FROM grouped g ORDER BY grouping, ord, label DESC`,
      p,
    );
    const group = (r: PaymentGroupRow): PaymentGroup => ({
      label: r.label,
      experiences: Number(r.experiences),
      amount: money(r.amount),
      daysBeyondTerms: r.dbt === null ? 0 : Math.round(Number(r.dbt) * 10) / 10,
      severelyLateShare: r.severe === null ? 0 : Math.round(Number(r.severe) * 1000) / 1000,
    });
    const total = trades.find((t) => t.grouping === 'TOTAL');
    const paymentBehaviour = {
      experiences: total ? Number(total.experiences) : 0,
      totalAmount: total ? money(total.amount) : '0.00',
      byMonth: trades.filter((t) => t.grouping === 'MONTH').map(group),
      byAmount: trades.filter((t) => t.grouping === 'AMOUNT').map((t) => ({ ...group(t), label: AMOUNT_BUCKETS[Number(t.label) - 1] })),
      disputed: total ? Number(total.disputed) : 0,
    };

    const years: Record<string, string | number | boolean>[] = await db.query(
      `SELECT DISTINCT ON (fiscal_year) fiscal_year, audited, status = 'DISPUTED' AS disputed, revenue::text, net_income::text, ebit::text, total_assets::text,
              current_assets::text, total_liabilities::text, current_liabilities::text, retained_earnings::text, equity::text
       FROM financial_statements s WHERE s.subject_id = $1 AND ${shown('s')}
       ORDER BY fiscal_year DESC, (status = 'VERIFIED') DESC, created_at DESC`,
      p,
    );
    const financialYears: ReportFinancialYear[] = years.map((y) => ({
      fiscalYear: Number(y.fiscal_year),
      audited: Boolean(y.audited),
      disputed: Boolean(y.disputed),
      revenue: String(y.revenue),
      netIncome: String(y.net_income),
      ebit: String(y.ebit),
      totalAssets: String(y.total_assets),
      currentAssets: String(y.current_assets),
      totalLiabilities: String(y.total_liabilities),
      currentLiabilities: String(y.current_liabilities),
      retainedEarnings: String(y.retained_earnings),
      equity: String(y.equity),
      ratios: [],
    }));

    const kinds: { kind: ReportObligationKind['kind']; payments: string; on_time: string; late: string; unpaid: string; amount: string; disputed: string }[] = await db.query(
      `WITH shown AS (
         SELECT DISTINCT ON (payment_kind, reference) payment_kind, amount, due_date, paid_date, status
         FROM payment_records r WHERE r.subject_id = $1 AND ${shown('r')} AND r.due_date > $2::date - interval '24 months'
         ORDER BY payment_kind, reference, (status = 'VERIFIED') DESC, (reporter_role = 'COORDINATOR') DESC, record_id
       )
       SELECT payment_kind AS kind,
              count(*) FILTER (WHERE status = 'VERIFIED') AS payments,
              count(*) FILTER (WHERE status = 'VERIFIED' AND paid_date <= due_date) AS on_time,
              count(*) FILTER (WHERE status = 'VERIFIED' AND paid_date > due_date) AS late,
              count(*) FILTER (WHERE status = 'VERIFIED' AND paid_date IS NULL AND due_date < $2::date) AS unpaid,
              coalesce(sum(amount) FILTER (WHERE status = 'VERIFIED'), 0)::numeric(18, 2)::text AS amount,
              count(*) FILTER (WHERE status = 'DISPUTED') AS disputed
       FROM shown GROUP BY payment_kind ORDER BY payment_kind`,
      p,
    );
    const grade: { grade: string; tax_year: number; disputed: boolean }[] = await db.query(
      `SELECT grade, tax_year, status = 'DISPUTED' AS disputed FROM tax_credit_grades g WHERE g.subject_id = $1 AND ${shown('g')}
       ORDER BY tax_year DESC, (status = 'VERIFIED') DESC, (reporter_role = 'COORDINATOR') DESC LIMIT 1`,
      p,
    );
    const obligations = {
      byKind: kinds.map((k) => ({
        kind: k.kind,
        payments: Number(k.payments),
        onTime: Number(k.on_time),
        late: Number(k.late),
        unpaid: Number(k.unpaid),
        amount: k.amount,
        disputed: Number(k.disputed),
      })),
      taxCreditGrade: grade[0] ? { grade: grade[0].grade, taxYear: grade[0].tax_year, disputed: grade[0].disputed } : null,
    };

    const loans: ReportLoan[] = (
      await db.query(
        `SELECT coalesce(b.name, 'unknown') AS lender, l.principal::text AS principal, l.outstanding::text AS outstanding,
                to_char(l.start_date, 'YYYY-MM-DD') AS start_date, to_char(l.maturity_date, 'YYYY-MM-DD') AS maturity_date, l.days_past_due,
                to_char(l.defaulted_on, 'YYYY-MM-DD') AS defaulted_on, to_char(l.cured_on, 'YYYY-MM-DD') AS cured_on, l.status = 'DISPUTED' AS disputed
         FROM loan_records l LEFT JOIN banks b ON b.id = l.reporter_bank_id
         WHERE l.subject_id = $1 AND ${shown('l')} ORDER BY l.start_date DESC, l.record_id`,
        p,
      )
    ).map((l: Record<string, string | number | boolean | null>) => ({
      lender: String(l.lender),
      principal: String(l.principal),
      outstanding: String(l.outstanding),
      startDate: String(l.start_date),
      maturityDate: l.maturity_date as string | null,
      daysPastDue: Number(l.days_past_due),
      defaultedOn: l.defaulted_on as string | null,
      curedOn: l.cured_on as string | null,
      disputed: Boolean(l.disputed),
    }));

    const publicRecords: ReportPublicRecord[] = (
      await db.query(
        `SELECT public_kind AS kind, case_no, authority, to_char(event_date, 'YYYY-MM-DD') AS event_date, to_char(ended_on, 'YYYY-MM-DD') AS ended_on,
                amount::text AS amount, status = 'DISPUTED' AS disputed
         FROM public_records r WHERE r.subject_id = $1 AND ${shown('r')} ORDER BY event_date DESC, record_id`,
        p,
      )
    ).map((r: Record<string, string | boolean | null>) => ({
      kind: r.kind as ReportPublicRecord['kind'],
      caseNo: String(r.case_no),
      authority: String(r.authority),
      eventDate: String(r.event_date),
      endedOn: r.ended_on as string | null,
      amount: r.amount as string | null,
      disputed: Boolean(r.disputed),
    }));

    // reporter_company_id is the guarantor, subject_id the borrower
    const guarantees: { direction: 'GIVEN' | 'RECEIVED'; counterparty: string; amount: string; start_date: string; end_date: string | null; disputed: boolean }[] =
      await db.query(
        `SELECT CASE WHEN g.reporter_company_id = $1 THEN 'GIVEN' ELSE 'RECEIVED' END AS direction, c.name AS counterparty, g.amount::text AS amount,
                to_char(g.start_date, 'YYYY-MM-DD') AS start_date, to_char(g.end_date, 'YYYY-MM-DD') AS end_date, g.status = 'DISPUTED' AS disputed
         FROM guarantees g
         JOIN companies c ON c.id = CASE WHEN g.reporter_company_id = $1 THEN g.subject_id ELSE g.reporter_company_id END
         WHERE (g.reporter_company_id = $1 OR g.subject_id = $1) AND ${shown('g')}
         ORDER BY g.start_date DESC, g.record_id`,
        p,
      );
    const guarantee = (g: (typeof guarantees)[number]): ReportGuarantee => ({
      counterparty: g.counterparty,
      amount: g.amount,
      startDate: g.start_date,
      endDate: g.end_date,
      disputed: g.disputed,
    });

    // the owner's personal credit band is the owner's data, used in scoring with the owner's
    // written consent (Art. 13-14); it is not passed on to banks
    const softInformation: ReportSoftSignal[] = (
      await db.query(
        `SELECT signal_kind AS kind, reference, value, to_char(recorded_on, 'YYYY-MM-DD') AS recorded_on, to_char(valid_until, 'YYYY-MM-DD') AS valid_until,
                status = 'DISPUTED' AS disputed
         FROM soft_signals s WHERE s.subject_id = $1 AND ${shown('s')} AND s.signal_kind <> 'OWNER_CREDIT_BAND'
         ORDER BY recorded_on DESC, record_id`,
        p,
      )
    ).map((s: Record<string, string | number | boolean | null>) => ({
      kind: s.kind as ReportSoftSignal['kind'],
      reference: String(s.reference),
      value: Number(s.value),
      recordedOn: String(s.recorded_on),
      validUntil: s.valid_until as string | null,
      disputed: Boolean(s.disputed),
    }));

    // only disputes of records the report shows: a dispute of negative information still in its
    // notice period, or past its expiry, would tell the bank of a record it may not see
    const disputedShown = Object.values(KIND_SPECS)
      .map((spec) => `(d.kind = '${spec.kind}' AND EXISTS (SELECT 1 FROM ${spec.table} r WHERE r.record_id = d.record_id AND r.version = d.version AND ${shown('r')}))`)
      .join(' OR ');
    const openDisputes: ReportDispute[] = (
      await db.query(
        `SELECT d.kind, d.opened_at, to_char(d.deadline_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS deadline FROM disputes d
         WHERE d.subject_id = $1 AND d.resolved_at IS NULL AND (${disputedShown}) ORDER BY d.deadline_at`,
        p,
      )
    ).map((d: { kind: string; opened_at: Date; deadline: string }) => ({ recordKind: d.kind, openedAt: d.opened_at, deadline: d.deadline }));

    // the company's latest statement on each negative record the report shows (Art. 16); a
    // trade experience is named by its amount and due date, as the payment section names no supplier
    const statement = (table: string, kind: ReportCompanyStatement['recordKind'], about: string) =>
      `SELECT '${kind}' AS kind, ${about} AS about, s.statement, s.made_at
       FROM latest s JOIN ${table} r ON r.record_id = s.record_id AND ${shown('r')} AND r.negative AND r.subject_id = $1
       WHERE s.kind = '${kind}'`;
    const companyStatements: ReportCompanyStatement[] = (
      await db.query(
        `WITH latest AS (
           SELECT DISTINCT ON (record_id) kind, record_id, statement, made_at FROM record_statements
           WHERE subject_id = $1 ORDER BY record_id, made_at DESC, id DESC)
         ${[
           statement('trade_experiences', 'TRADE_EXPERIENCE', `'¥' || r.amount::text || ', due ' || to_char(r.due_date, 'YYYY-MM-DD')`),
           statement('payment_records', 'PAYMENT_RECORD', `r.payment_kind || ' ' || r.reference || ', due ' || to_char(r.due_date, 'YYYY-MM-DD')`),
           statement('loan_records', 'LOAN_RECORD', `'loan ' || r.contract_no || ' of ' || to_char(r.start_date, 'YYYY-MM-DD')`),
           statement('public_records', 'PUBLIC_RECORD', `r.public_kind || ' ' || r.case_no`),
         ].join(' UNION ALL ')}
         ORDER BY made_at DESC, about`,
        p,
      )
    ).map((r: { kind: ReportCompanyStatement['recordKind']; about: string; statement: string; made_at: Date }) => ({
      recordKind: r.kind,
      about: r.about,
      statement: r.statement,
      madeAt: r.made_at,
    }));

    return {
      paymentBehaviour,
      financialYears,
      obligations,
      loans,
      publicRecords,
      guaranteesGiven: guarantees.filter((g) => g.direction === 'GIVEN').map(guarantee),
      guaranteesReceived: guarantees.filter((g) => g.direction === 'RECEIVED').map(guarantee),
      softInformation,
      openDisputes,
      companyStatements,
    };
  }
}

interface PaymentGroupRow {
  label: string;
  experiences: string;
  amount: string;
  dbt: string | null;
  severe: string | null;
}

const AMOUNT_BUCKETS = ['< ¥10,000', '¥10,000 - 50,000', '¥50,000 - 200,000', '¥200,000 - 1,000,000', '≥ ¥1,000,000'];

/** A numeric sum as a Decimal string with two decimals. */
const money = (value: string | number): string => Number(value).toFixed(2);

/**
 * What a report shows at `asOf` ($2): the current version, VERIFIED or DISPUTED, past its
 * notice period (it counts from then) and not expired.
 */
function shown(alias: string): string {
  return `${alias}.is_current AND ${alias}.status IN ('VERIFIED', 'DISPUTED')
    AND ${alias}.counts_from < (($2::date + 1)::timestamp AT TIME ZONE 'UTC')
    AND (${alias}.expires_on IS NULL OR ${alias}.expires_on > $2::date)`;
}

export type RecordSections = Pick<
  CreditReport,
  'paymentBehaviour' | 'financialYears' | 'obligations' | 'loans' | 'publicRecords' | 'guaranteesGiven' | 'guaranteesReceived' | 'softInformation' | 'openDisputes' | 'companyStatements'
>;
