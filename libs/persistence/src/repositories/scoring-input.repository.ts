import type {
  Counterparty,
  FinancialStatement,
  GuaranteeGiven,
  LoanRecord,
  ObligationPayment,
  PublicRecord,
  ScoringInput,
  SoftSignal,
  TaxCreditGradeRecord,
  TradeExperience,
} from '@app/domain/scoring';
import { decimalToFen, fenToNumber } from '@app/domain';
import type { Db } from '../database';
import { KIND_SPECS } from './record-kinds';

/**
 * What counts in a rating at `asOf` (a date, $2): the current version of its record, VERIFIED
 * (so neither pending, disputed nor rejected), past its notice period, not expired.
 */
export function counting(alias: string): string {
  return `${alias}.is_current AND ${alias}.status = 'VERIFIED'
    AND ${alias}.counts_from < (($2::date + 1)::timestamp AT TIME ZONE 'UTC')
    AND (${alias}.expires_on IS NULL OR ${alias}.expires_on > $2::date)`;
}

const fen = (decimal: string): number => fenToNumber(decimalToFen(decimal));

interface Builder {
  tradeExperiences: TradeExperience[];
  loans: LoanRecord[];
  obligationPayments: ObligationPayment[];
  taxCreditGrades: TaxCreditGradeRecord[];
  publicRecords: PublicRecord[];
  financialStatements: FinancialStatement[];
  softSignals: SoftSignal[];
  counterparties: Map<string, { role: 'BUYER' | 'SUPPLIER'; volume: number }>;
  guaranteesGiven: GuaranteeGiven[];
}

const STATEMENT_ITEMS: readonly [string, keyof FinancialStatement][] = [
  ['revenue', 'revenue'],
  ['net_income', 'netIncome'],
  ['ebit', 'ebit'],
  ['total_assets', 'totalAssets'],
  ['current_assets', 'currentAssets'],
  ['total_liabilities', 'totalLiabilities'],
  ['current_liabilities', 'currentLiabilities'],
  ['retained_earnings', 'retainedEarnings'],
  ['equity', 'equity'],
  ['cash', 'cash'],
  ['receivables', 'receivables'],
  ['inventory', 'inventory'],
  ['fixed_assets', 'fixedAssets'],
  ['short_term_liabilities', 'shortTermLiabilities'],
  ['long_term_liabilities', 'longTermLiabilities'],
  ['share_capital', 'shareCapital'],
  ['gross_profit', 'grossProfit'],
  ['operating_profit', 'operatingProfit'],
  ['depreciation', 'depreciation'],
  ['interest_expense', 'interestExpense'],
  ['cost_of_sales', 'costOfSales'],
  ['operating_expenses', 'operatingExpenses'],
  ['prior_year_revenue', 'priorYearRevenue'],
];

/**
 * Loads what the scoring engine reads, for many companies at once: one query per record
 * kind for the whole batch, never one per company. Counterparties' PDs are left null: the
 * recompute pipeline fills them from the latest ratings.
 */
export class ScoringInputRepository {
  async loadScoringInputs(db: Db, companyIds: readonly string[], asOf: string): Promise<Map<string, ScoringInput>> {
    const ids = [...new Set(companyIds)];
    const out = new Map<string, Builder>(
      ids.map((id) => [
        id,
        {
          tradeExperiences: [],
          loans: [],
          obligationPayments: [],
          taxCreditGrades: [],
          publicRecords: [],
          financialStatements: [],
          softSignals: [],
          counterparties: new Map(),
          guaranteesGiven: [],
        },
      ]),
    );
    if (ids.length === 0) return new Map();
    const params = [ids, asOf];
    const of = (id: string): Builder => out.get(id) as Builder;

    // Trade: both sides of an invoice may count (the supplier's receivable and the buyer's
    // payable, matched); the invoice is counted once, the supplier's filing first.
    const trades: {
      record_id: string;
      subject_id: string;
      counterparty_id: string;
      amount: string;
      invoice_date: string;
      due_date: string;
      paid_date: string | null;
      recent: boolean;
    }[] = await db.query(
      `WITH involved AS (
         SELECT t.record_id, t.subject_id, t.counterparty_id, t.invoice_no, t.side, t.amount, t.invoice_date, t.due_date, t.paid_date
         FROM trade_experiences t WHERE t.subject_id = ANY($1::uuid[]) AND ${counting('t')}
         UNION ALL
         SELECT t.record_id, t.subject_id, t.counterparty_id, t.invoice_no, t.side, t.amount, t.invoice_date, t.due_date, t.paid_date
         FROM trade_experiences t WHERE t.counterparty_id = ANY($1::uuid[]) AND ${counting('t')}
       )
       SELECT DISTINCT ON (subject_id, counterparty_id, invoice_no)
              record_id, subject_id, counterparty_id, (amount * 100)::bigint::text AS amount,
              to_char(invoice_date, 'YYYY-MM-DD') AS invoice_date, to_char(due_date, 'YYYY-MM-DD') AS due_date,
              to_char(paid_date, 'YYYY-MM-DD') AS paid_date,
              invoice_date > $2::date - interval '12 months' AND invoice_date <= $2::date AS recent
       FROM involved ORDER BY subject_id, counterparty_id, invoice_no, (side = 'SUPPLIER') DESC, record_id`,
      params,
    );
    const volume = (company: string, counterpartyId: string, role: 'BUYER' | 'SUPPLIER', amount: number): void => {
      const key = `${role}:${counterpartyId}`;
      const c = of(company).counterparties;
      c.set(key, { role, volume: (c.get(key)?.volume ?? 0) + amount });
    };
    for (const t of trades) {
      const amount = Number(t.amount);
      if (out.has(t.subject_id)) {
        of(t.subject_id).tradeExperiences.push({
          id: t.record_id,
          creditorId: t.counterparty_id,
          amount,
          invoiceDate: t.invoice_date,
          dueDate: t.due_date,
          paidDate: t.paid_date,
        });
        if (t.recent) volume(t.subject_id, t.counterparty_id, 'SUPPLIER', amount);
      }
      if (t.recent && out.has(t.counterparty_id)) volume(t.counterparty_id, t.subject_id, 'BUYER', amount);
    }

    const loans: {
      record_id: string;
      subject_id: string;
      principal: string;
      outstanding: string;
      start_date: string;
      repayments: { dueDate: string; amount: string; paidDate: string | null }[];
      defaulted_on: string | null;
      cured_on: string | null;
    }[] = await db.query(
      `SELECT record_id, subject_id, principal::text, outstanding::text, to_char(start_date, 'YYYY-MM-DD') AS start_date, repayments,
              to_char(defaulted_on, 'YYYY-MM-DD') AS defaulted_on, to_char(cured_on, 'YYYY-MM-DD') AS cured_on
       FROM loan_records l WHERE l.subject_id = ANY($1::uuid[]) AND ${counting('l')} ORDER BY start_date, record_id`,
      params,
    );
    for (const l of loans) {
      of(l.subject_id).loans.push({
        id: l.record_id,
        principal: fen(l.principal),
        outstanding: fen(l.outstanding),
        startDate: l.start_date,
        repayments: l.repayments.map((r) => ({ dueDate: r.dueDate, amount: fen(r.amount), paidDate: r.paidDate })),
        defaultedOn: l.defaulted_on,
        curedOn: l.cured_on,
      });
    }

    // the company's own filing and the coordinator's official export of one bill count once, the export first
    const payments: { record_id: string; subject_id: string; payment_kind: ObligationPayment['kind']; amount: string; due_date: string; paid_date: string | null }[] =
      await db.query(
        `SELECT DISTINCT ON (subject_id, payment_kind, reference) record_id, subject_id, payment_kind, amount::text,
                to_char(due_date, 'YYYY-MM-DD') AS due_date, to_char(paid_date, 'YYYY-MM-DD') AS paid_date
         FROM payment_records p WHERE p.subject_id = ANY($1::uuid[]) AND ${counting('p')}
         ORDER BY subject_id, payment_kind, reference, (reporter_role = 'COORDINATOR') DESC, record_id`,
        params,
      );
    for (const p of payments) {
      of(p.subject_id).obligationPayments.push({ id: p.record_id, kind: p.payment_kind, amount: fen(p.amount), dueDate: p.due_date, paidDate: p.paid_date });
    }

    const grades: { subject_id: string; tax_year: number; grade: TaxCreditGradeRecord['grade']; published_on: string }[] = await db.query(
      `SELECT DISTINCT ON (subject_id, tax_year) subject_id, tax_year, grade, to_char(published_on, 'YYYY-MM-DD') AS published_on
       FROM tax_credit_grades g WHERE g.subject_id = ANY($1::uuid[]) AND ${counting('g')}
       ORDER BY subject_id, tax_year, (reporter_role = 'COORDINATOR') DESC, record_id`,
      params,
    );
    for (const g of grades) of(g.subject_id).taxCreditGrades.push({ year: g.tax_year, grade: g.grade, publishedOn: g.published_on });

    const publics: { record_id: string; subject_id: string; public_kind: PublicRecord['kind']; event_date: string; ended_on: string | null; amount: string | null }[] =
      await db.query(
        `SELECT record_id, subject_id, public_kind, to_char(event_date, 'YYYY-MM-DD') AS event_date, to_char(ended_on, 'YYYY-MM-DD') AS ended_on, amount::text
         FROM public_records p WHERE p.subject_id = ANY($1::uuid[]) AND ${counting('p')} ORDER BY event_date, record_id`,
        params,
      );
    for (const p of publics) {
      of(p.subject_id).publicRecords.push({
        id: p.record_id,
        kind: p.public_kind,
        eventDate: p.event_date,
        endedOn: p.ended_on,
        amount: p.amount === null ? null : fen(p.amount),
      });
    }

    const statements: Record<string, string | number | null>[] = await db.query(
      `SELECT record_id, subject_id, fiscal_year, ${STATEMENT_ITEMS.map(([c]) => `${c}::text`).join(', ')}
       FROM financial_statements s WHERE s.subject_id = ANY($1::uuid[]) AND ${counting('s')} ORDER BY fiscal_year, record_id`,
      params,
    );
    for (const s of statements) {
      const statement: Record<string, unknown> = { id: s.record_id, fiscalYear: s.fiscal_year };
      for (const [column, prop] of STATEMENT_ITEMS) if (s[column] !== null) statement[prop] = fen(s[column] as string);
      of(s.subject_id as string).financialStatements.push(statement as unknown as FinancialStatement);
    }

    // the owner's band counts only while the owner's written consent stands
    const signals: { record_id: string; subject_id: string; signal_kind: SoftSignal['kind']; value: number; recorded_on: string; valid_until: string | null }[] =
      await db.query(
        `SELECT s.record_id, s.subject_id, s.signal_kind, s.value, to_char(s.recorded_on, 'YYYY-MM-DD') AS recorded_on, to_char(s.valid_until, 'YYYY-MM-DD') AS valid_until
         FROM soft_signals s LEFT JOIN owner_consents c ON c.id = s.owner_consent_id
         WHERE s.subject_id = ANY($1::uuid[]) AND ${counting('s')} AND (s.owner_consent_id IS NULL OR c.revoked_at IS NULL)
         ORDER BY s.recorded_on, s.record_id`,
        params,
      );
    for (const s of signals) {
      of(s.subject_id).softSignals.push({ id: s.record_id, kind: s.signal_kind, recordedOn: s.recorded_on, validUntil: s.valid_until, value: s.value });
    }

    const guarantees: { record_id: string; guarantor_id: string; subject_id: string; amount: string; start_date: string; end_date: string | null }[] = await db.query(
      `SELECT record_id, reporter_company_id AS guarantor_id, subject_id, amount::text, to_char(start_date, 'YYYY-MM-DD') AS start_date,
              to_char(end_date, 'YYYY-MM-DD') AS end_date
       FROM guarantees g WHERE g.reporter_company_id = ANY($1::uuid[]) AND ${counting('g')} ORDER BY start_date, record_id`,
      params,
    );
    for (const g of guarantees) {
      of(g.guarantor_id).guaranteesGiven.push({ id: g.record_id, borrowerId: g.subject_id, amount: fen(g.amount), startDate: g.start_date, endDate: g.end_date });
    }

    const result = new Map<string, ScoringInput>();
    for (const [companyId, b] of out) {
      const counterparties: Counterparty[] = [...b.counterparties.entries()]
        .map(([key, c]) => ({ counterpartyId: key.slice(key.indexOf(':') + 1), role: c.role, tradeVolume: c.volume, pd: null }))
        .sort((x, y) => y.tradeVolume - x.tradeVolume || x.counterpartyId.localeCompare(y.counterpartyId));
      result.set(companyId, {
        companyId,
        tradeExperiences: b.tradeExperiences,
        loans: b.loans,
        obligationPayments: b.obligationPayments,
        taxCreditGrades: b.taxCreditGrades,
        publicRecords: b.publicRecords,
        financialStatements: b.financialStatements,
        softSignals: b.softSignals,
        counterparties,
        guaranteesGiven: b.guaranteesGiven,
      });
    }
    return result;
  }

  /**
   * A cheap fingerprint of what counts for each company at `asOf`: the last change of any
   * record it is involved in, and the last notice period and expiry passed by `asOf` (time
   * changes what counts even when no record changes). Equal strings: nothing to recompute.
   * Companies with no records get "0.0.0".
   */
  async dataVersions(db: Db, companyIds: readonly string[], asOf: string): Promise<Map<string, string>> {
    const ids = [...new Set(companyIds)];
    if (ids.length === 0) return new Map();
    const branches: string[] = [];
    for (const spec of Object.values(KIND_SPECS)) {
      const agg = (company: string) => `SELECT ${company} AS company_id, change_seq, counts_from, expires_on FROM ${spec.table} t`;
      branches.push(`${agg('t.subject_id')} WHERE t.is_current AND t.subject_id = ANY($1::uuid[])`);
      // a trade experience's filer is its subject or its creditor
      const other = spec.kind === 'TRADE_EXPERIENCE' ? 't.counterparty_id' : 't.reporter_company_id';
      branches.push(`${agg(other)} WHERE t.is_current AND ${other} = ANY($1::uuid[])`);
    }
    const rows: { company_id: string; seq: string | null; counted: string | null; expired: string | null }[] = await db.query(
      `SELECT company_id, max(change_seq)::text AS seq,
              floor(extract(epoch FROM max(counts_from) FILTER (WHERE counts_from < (($2::date + 1)::timestamp AT TIME ZONE 'UTC'))))::bigint::text AS counted,
              to_char(max(expires_on) FILTER (WHERE expires_on <= $2::date), 'YYYYMMDD') AS expired
       FROM (${branches.join(' UNION ALL ')}) involved GROUP BY company_id`,
      [ids, asOf],
    );
    const found = new Map(rows.map((r) => [r.company_id, `${r.seq ?? 0}.${r.counted ?? 0}.${r.expired ?? 0}`]));
    return new Map(ids.map((id) => [id, found.get(id) ?? '0.0.0']));
  }
}
