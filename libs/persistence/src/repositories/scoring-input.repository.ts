import {
  type Counterparty,
  type FinancialStatement,
  type GuaranteeGiven,
  type LoanRecord,
  NO_TRADE,
  type ObligationPayment,
  type PaymentWindows,
  type PublicRecord,
  type ScoringInput,
  type SoftSignal,
  type TaxCreditGradeRecord,
  type TradeExperience,
  type TradeSummary,
} from '@app/domain/scoring';
import { decimalToFen, fenToNumber } from '@app/domain';
import { type Db, inOneSnapshot } from '../database';
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

const EPOCH_2000 = Date.UTC(2000, 0, 1);
/** Days since 2000-01-01 (as the trade query sends dates) to ISO dates, each day formatted once. */
function dayNames(): (days: number) => string {
  const names = new Map<number, string>();
  return (days) => {
    let name = names.get(days);
    if (name === undefined) {
      name = new Date(EPOCH_2000 + days * 86_400_000).toISOString().slice(0, 10);
      names.set(days, name);
    }
    return name;
  };
}

interface Builder {
  tradeExperiences: TradeExperience[];
  loans: LoanRecord[];
  obligationPayments: ObligationPayment[];
  taxCreditGrades: TaxCreditGradeRecord[];
  publicRecords: PublicRecord[];
  financialStatements: FinancialStatement[];
  softSignals: SoftSignal[];
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

/** paydexKeyThirds of @app/scoring in SQL, of an integer expression (held equal to it by a property test). */
export const paydexKeyThirdsSql = (days: string): string =>
  `(CASE WHEN ${days} <= -30 THEN 300 WHEN ${days} <= 15 THEN 240 - 2 * ${days} WHEN ${days} <= 30 THEN 270 - 4 * ${days} WHEN ${days} <= 180 THEN 180 - ${days} ELSE 0 END)`;

/**
 * summariseTrade of @app/scoring as one aggregate over a company's counting invoices (each
 * invoice's days beyond terms at $2 and its key computed once, below): the sums of
 * TradeSummary in its field order, space-separated. $3 starts the 24-month window, $4 the
 * last 3 months, $5 the last 12; the trend's windows take only invoices already due at $2
 * (the 12 months' part ends at $4, before $2). `fen * k` fits a bigint (fen below 2^53, which the loaders'
 * numbers hold; key thirds <= 300), and so does `fen * days` while |days| <= 1,000; terms are
 * not bounded (an invoice dated decades before its due date, paid on its date, has days in
 * the tens of thousands), so such rare lines are multiplied in numeric (all of them in
 * numeric cost the pass about two seconds over ten million lines). PostgreSQL sums bigints
 * in numeric, exactly; a property test holds it equal to the engine's.
 */
const TRADE_SUMS = `concat_ws(' ',
  count(*),
  count(*) FILTER (WHERE w),
  coalesce(sum(fen) FILTER (WHERE w), 0),
  coalesce(sum(fen * k) FILTER (WHERE w), 0),
  coalesce(sum(fen * days) FILTER (WHERE w AND days BETWEEN -1000 AND 1000), 0) + coalesce(sum(fen::numeric * days) FILTER (WHERE w AND days NOT BETWEEN -1000 AND 1000), 0),
  coalesce(sum(fen) FILTER (WHERE w AND due_date > $4::date AND due_date <= $2::date), 0),
  coalesce(sum(fen * k) FILTER (WHERE w AND due_date > $4::date AND due_date <= $2::date), 0),
  coalesce(sum(fen) FILTER (WHERE w AND due_date <= $4::date AND due_date > $5::date), 0),
  coalesce(sum(fen * k) FILTER (WHERE w AND due_date <= $4::date AND due_date > $5::date), 0),
  greatest(0, max(days) FILTER (WHERE w), max($2::date - due_date) FILTER (WHERE invoiced AND (paid_date IS NULL OR paid_date > $2::date))))`;

/**
 * A company's counting invoices (`from`) as payment experiences at $2: amount in fen, days
 * beyond terms (daysBeyondTermsOn of @app/scoring), its key in thirds, whether invoiced by
 * $2 and within the window. OFFSET 0 keeps PostgreSQL from copying each expression into
 * every aggregate that reads it.
 */
const experiences = (from: string): string =>
  `SELECT *, ${paydexKeyThirdsSql('days')} AS k, invoiced AND due_date > $3::date AS w
   FROM (SELECT subject_id, due_date, paid_date, (amount * 100)::bigint AS fen, invoice_date <= $2::date AS invoiced,
                CASE WHEN paid_date <= $2::date THEN paid_date - due_date ELSE greatest(0, $2::date - due_date) END AS days
         FROM ${from} OFFSET 0) e OFFSET 0`;

/**
 * The parts of a data fingerprint over the rows of `involved` (company_id, change_seq,
 * counts_from, expires_on), as columns a, b, c: the sum of the rows' change numbers, the
 * last notice period passed by $2 (epoch seconds) and the last expiry passed by $2
 * (YYYYMMDD). Every change of a record gives a current row a new, larger number from
 * record_change_seq, or adds one, so the sum grows with every committed change, whatever the
 * order transactions commit in. The largest number would not: a long transaction (an import)
 * takes its number first, a short one takes a larger one and commits, a recompute reads,
 * and the import's commit leaves the largest number as it was.
 */
const NOTICE_PASSED = `counts_from < (($2::date + 1)::timestamp AT TIME ZONE 'UTC')`;
const EXPIRY_PASSED = `expires_on <= $2::date`;
const VERSION_PARTS = `sum(change_seq)::text AS a,
  floor(extract(epoch FROM max(counts_from) FILTER (WHERE ${NOTICE_PASSED})))::bigint::text AS b,
  to_char(max(expires_on) FILTER (WHERE ${EXPIRY_PASSED}), 'YYYYMMDD') AS c`;

/**
 * VERSION_PARTS in two steps, for a large set: the rows' sums and maxima grouped one way
 * (these columns), then VERSION_PARTS over them (a sum of sums is the sum, a maximum of
 * maxima the maximum).
 */
const SIDE_PARTS = `sum(change_seq) AS change_seq,
  max(counts_from) FILTER (WHERE ${NOTICE_PASSED}) AS counts_from,
  max(expires_on) FILTER (WHERE ${EXPIRY_PASSED}) AS expires_on`;

interface VersionParts {
  readonly a: string | null;
  readonly b: string | null;
  readonly c: string | null;
}

const versionText = (p: VersionParts): string => `${p.a ?? 0}.${p.b ?? 0}.${p.c ?? 0}`;

/** The parts of the union of two disjoint sets of rows, from the parts of each (the sum of the sums, the later of the others). */
function unionParts(x: VersionParts, y: VersionParts): VersionParts {
  const later = (p: string | null, q: string | null, compare: (p: string, q: string) => boolean): string | null =>
    p === null ? q : q === null ? p : compare(p, q) ? p : q;
  const numerically = (p: string, q: string) => BigInt(p) >= BigInt(q);
  const sum = x.a === null ? y.a : y.a === null ? x.a : String(BigInt(x.a) + BigInt(y.a));
  return { a: sum, b: later(x.b, y.b, numerically), c: later(x.c, y.c, (p, q) => p >= q) };
}

/** The fingerprint branches of every record kind but trade, for the companies $1: the subject's and the reporter's. */
function otherKindBranches(): string[] {
  const branches: string[] = [];
  for (const spec of Object.values(KIND_SPECS)) {
    if (spec.kind === 'TRADE_EXPERIENCE') continue;
    const agg = (company: string) => `SELECT ${company} AS company_id, change_seq, counts_from, expires_on FROM ${spec.table} t`;
    branches.push(`${agg('t.subject_id')} WHERE t.is_current AND t.subject_id = ANY($1::uuid[])`);
    branches.push(`${agg('t.reporter_company_id')} WHERE t.is_current AND t.reporter_company_id = ANY($1::uuid[])`);
  }
  return branches;
}

/**
 * Each company's counterparties, largest volume first; equal volumes with one partner in
 * both roles: the order the invoices come in (by subject), the buyer's side first when the
 * partner sorts before the company.
 */
function sortCounterparties(counterparties: Map<string, Counterparty[]>): void {
  for (const [companyId, list] of counterparties) {
    const first = (c: Counterparty): number => ((c.role === 'BUYER') === c.counterpartyId < companyId ? 0 : 1);
    list.sort((x, y) => y.tradeVolume - x.tradeVolume || x.counterpartyId.localeCompare(y.counterpartyId) || first(x) - first(y));
  }
}

/** A trade pass's partners in one role (their ids and volumes as comma-separated text) as counterparties. */
function partnerList(ids: string | null, volumes: string | null, role: Counterparty['role']): Counterparty[] {
  if (ids === null || volumes === null) return [];
  const amounts = volumes.split(',');
  return ids.split(',').map((id, i) => ({ counterpartyId: id, role, tradeVolume: Number(amounts[i]), pd: null }));
}

/** TRADE_SUMS' text back into a TradeSummary. */
function tradeSummary(text: string): TradeSummary {
  const [counted, experiences, amount, keyed, lateness, recentAmount, recentKeyed, earlierAmount, earlierKeyed, worst] = text.split(' ');
  return {
    counted: Number(counted),
    window: {
      experiences: Number(experiences),
      amount: BigInt(amount),
      keyed: BigInt(keyed),
      lateness: BigInt(lateness),
      recentAmount: BigInt(recentAmount),
      recentKeyed: BigInt(recentKeyed),
      earlierAmount: BigInt(earlierAmount),
      earlierKeyed: BigInt(earlierKeyed),
      worst: Number(worst),
    },
  };
}

/**
 * Loads what the scoring engine reads, for many companies at once: one query per record
 * kind for the whole batch, never one per company. Counterparties' PDs are left null: the
 * recompute pipeline fills them from the latest ratings.
 */
export class ScoringInputRepository {
  async loadScoringInputs(
    db: Db,
    companyIds: readonly string[],
    asOf: string,
    options: {
      readonly counterparties?: ReadonlyMap<string, Counterparty[]>;
      /** the companies' trade already summarised (`fingerprints` with windows): their trade lines are not loaded */
      readonly tradeSummaries?: ReadonlyMap<string, TradeSummary>;
    } = {},
  ): Promise<Map<string, ScoringInput>> {
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
          guaranteesGiven: [],
        },
      ]),
    );
    if (ids.length === 0) return new Map();
    const params = [ids, asOf];
    const of = (id: string): Builder => out.get(id) as Builder;

    // Trade: both sides of an invoice may count (the supplier's receivable and the buyer's
    // payable, matched); the invoice is counted once, the supplier's filing first. Both
    // filings of an invoice name the same subject (the buyer) and creditor, so the company's
    // own payment experiences are its subject rows, deduplicated; its counterparties and
    // their trade volumes (both roles) come aggregated from the database.
    const trades: { record_id: string; subject_id: string; counterparty_id: string; amount: string; invoice_day: number; due_day: number; paid_day: number | null }[] =
      options.tradeSummaries ? [] : await db.query(
        `SELECT DISTINCT ON (subject_id, counterparty_id, invoice_no)
                record_id, subject_id, counterparty_id, (amount * 100)::bigint::text AS amount,
                invoice_date - DATE '2000-01-01' AS invoice_day, due_date - DATE '2000-01-01' AS due_day, paid_date - DATE '2000-01-01' AS paid_day
         FROM trade_experiences t WHERE t.subject_id = ANY($1::uuid[]) AND ${counting('t')}
         ORDER BY subject_id, counterparty_id, invoice_no, (side = 'SUPPLIER') DESC, record_id`,
        params,
      );
    const day = dayNames();
    for (const t of trades) {
      of(t.subject_id).tradeExperiences.push({
        id: t.record_id,
        creditorId: t.counterparty_id,
        amount: Number(t.amount),
        invoiceDate: day(t.invoice_day),
        dueDate: day(t.due_day),
        paidDate: t.paid_day === null ? null : day(t.paid_day),
      });
    }
    const counterparties = options.counterparties ?? (await this.counterparties(db, ids, asOf));

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
      result.set(companyId, {
        companyId,
        tradeExperiences: b.tradeExperiences,
        loans: b.loans,
        obligationPayments: b.obligationPayments,
        taxCreditGrades: b.taxCreditGrades,
        publicRecords: b.publicRecords,
        financialStatements: b.financialStatements,
        softSignals: b.softSignals,
        counterparties: counterparties.get(companyId) ?? [],
        guaranteesGiven: b.guaranteesGiven,
        ...(options.tradeSummaries ? { tradeSummary: options.tradeSummaries.get(companyId) ?? NO_TRADE } : {}),
      });
    }
    return result;
  }

  /**
   * Each company's trade counterparties over the 12 months to `asOf` (invoice dates), with
   * their trade volume, largest first (PDs left null): its suppliers from the invoices it is
   * the subject of, its buyers from the invoices it is the creditor of, each invoice counted
   * once as in loadScoringInputs.
   */
  async counterparties(db: Db, companyIds: readonly string[], asOf: string): Promise<Map<string, Counterparty[]>> {
    return (await this.fingerprints(db, companyIds, asOf)).counterparties;
  }

  /**
   * A cheap fingerprint of what counts for each company at `asOf`: the last change of any
   * record it is involved in, and the last notice period and expiry passed by `asOf` (time
   * changes what counts even when no record changes). Equal strings: nothing to recompute.
   * Companies with no records get "0.0.0".
   */
  async dataVersions(db: Db, companyIds: readonly string[], asOf: string): Promise<Map<string, string>> {
    return (await this.fingerprints(db, companyIds, asOf)).versions;
  }

  /** 64 MB for the transaction's sorts (SET LOCAL work_mem): a chunk's trade lines (a hundred thousand and more) sort in memory, not on disk. */
  async sortChunkInMemory(db: Db): Promise<void> {
    await db.query(`SET LOCAL work_mem = '64MB'`);
  }

  /**
   * dataVersions and counterparties in one statement: the trade lines a company is the
   * subject or the creditor of are read from the table once for both (the creditor's lines
   * are scattered over the table, one heap page each), and aggregated in the database. With
   * the payment windows of `asOf`, also each company's trade summarised as the rating reads
   * it (`trade`), so that no trade line travels to the worker.
   */
  async fingerprints(
    db: Db,
    companyIds: readonly string[],
    asOf: string,
    windows?: PaymentWindows,
  ): Promise<{ versions: Map<string, string>; counterparties: Map<string, Counterparty[]>; trade: Map<string, TradeSummary> }> {
    const ids = [...new Set(companyIds)];
    if (ids.length === 0) return { versions: new Map(), counterparties: new Map(), trade: new Map() };
    if (windows && windows.asOf !== asOf) throw new RangeError(`payment windows of ${windows.asOf} for a fingerprint at ${asOf}`);
    const branches = [
      // a trade experience's filer is its subject or its creditor
      `SELECT subject_id AS company_id, change_seq, counts_from, expires_on FROM subject_lines`,
      `SELECT counterparty_id AS company_id, change_seq, counts_from, expires_on FROM creditor_lines`,
      ...otherKindBranches(),
    ];
    const lines = (side: 'subject_id' | 'counterparty_id', extra: string) =>
      `SELECT subject_id, counterparty_id, invoice_no, side, record_id, amount, invoice_date, change_seq, counts_from, expires_on, status, is_current${extra}
       FROM trade_experiences t WHERE t.is_current AND t.${side} = ANY($1::uuid[])`;
    const invoices = (from: string, extra: string) =>
      `SELECT DISTINCT ON (subject_id, counterparty_id, invoice_no) subject_id, counterparty_id, amount, invoice_date${extra}
       FROM ${from} t WHERE ${counting('t')}
       ORDER BY subject_id, counterparty_id, invoice_no, (side = 'SUPPLIER') DESC, record_id`;
    const recent = `invoice_date > $2::date - interval '12 months' AND invoice_date <= $2::date`;
    // the company's own payment experiences are the invoices it is the subject of: with
    // windows, they come summed as the payment-behaviour factor reads them (TRADE_SUMS)
    const dates = windows ? ', due_date, paid_date' : '';
    const rows: { what: 'V' | 'P' | 'BUYER' | 'SUPPLIER'; company_id: string; other_id: string | null; a: string | null; b: string | null; c: string | null }[] =
      await db.query(
        `WITH subject_lines AS MATERIALIZED (${lines('subject_id', dates)}), creditor_lines AS MATERIALIZED (${lines('counterparty_id', '')}),
              subject_invoices AS MATERIALIZED (${invoices('subject_lines', dates)})
         SELECT 'V' AS what, company_id, NULL::uuid AS other_id, ${VERSION_PARTS}
         FROM (${branches.join(' UNION ALL ')}) involved GROUP BY company_id
         UNION ALL
         SELECT 'SUPPLIER', subject_id, counterparty_id, sum((amount * 100)::bigint)::text, NULL, NULL
         FROM subject_invoices d WHERE ${recent} GROUP BY subject_id, counterparty_id
         UNION ALL
         SELECT 'BUYER', counterparty_id, subject_id, sum((amount * 100)::bigint)::text, NULL, NULL
         FROM (${invoices('creditor_lines', '')}) d WHERE ${recent} GROUP BY counterparty_id, subject_id
         ${windows ? `UNION ALL SELECT 'P', subject_id, NULL, ${TRADE_SUMS}, NULL, NULL FROM (${experiences('subject_invoices')}) x GROUP BY subject_id` : ''}`,
        windows ? [ids, asOf, windows.from, windows.recentFrom, windows.earlierFrom] : [ids, asOf],
      );
    const found = new Map<string, string>();
    const counterparties = new Map<string, Counterparty[]>();
    const trade = new Map<string, TradeSummary>();
    for (const r of rows) {
      if (r.what === 'V') {
        found.set(r.company_id, versionText(r));
        continue;
      }
      if (r.what === 'P') {
        trade.set(r.company_id, tradeSummary(r.a as string));
        continue;
      }
      const c: Counterparty = { counterpartyId: r.other_id as string, role: r.what, tradeVolume: Number(r.a), pd: null };
      const list = counterparties.get(r.company_id);
      if (list) list.push(c);
      else counterparties.set(r.company_id, [c]);
    }
    sortCounterparties(counterparties);
    if (windows) for (const id of ids) if (!trade.has(id)) trade.set(id, NO_TRADE);
    return { versions: new Map(ids.map((id) => [id, found.get(id) ?? '0.0.0'])), counterparties, trade };
  }

  /**
   * Readies a connection of its own for `prepareTradePass`, for its session: 256 MB for sorts
   * and hashes, no statement timeout, and a client gone (a worker killed) noticed within 5 s.
   */
  async tuneTradePassConnection(db: Db): Promise<void> {
    await db.query(`SET work_mem = '256MB'; SET statement_timeout = 0; SET client_connection_check_interval = '5s'`);
  }

  /** Undoes `tuneTradePassConnection` before the connection goes back to the pool. */
  async resetTradePassConnection(db: Db): Promise<void> {
    await db.query('RESET work_mem; RESET statement_timeout; RESET client_connection_check_interval');
  }

  /**
   * The trade pass of a full recompute run (`runId`, as of `asOf`): the whole trade ledger
   * read sequentially into one row per company of `full_recompute_trade` (its trade part of
   * the fingerprint and its trade summary) and one per company and role of
   * `full_recompute_partners` (its suppliers, its buyers, with their trade volume of the
   * last 12 months): what `fingerprints` reads by index for a few companies. Empties the
   * previous run's rows first (one run at a time). Its three statements share the
   * connections given, each taking the next when it is free (with three, all at once; with
   * two: the fingerprints on one, the suppliers then the buyers on the other), and read one
   * snapshot (`inOneSnapshot`): a change committed meanwhile is in all three or in none, so
   * a company's partner lists never hold a line its fingerprint's change sum lacks (that
   * company would pass for unchanged and be rated from stale lists). Connections of their
   * own, outside a transaction; or one connection in the caller's transaction, whose
   * snapshot the statements then read. Each
   * invoice counts once, the supplier's filing first, as in `fingerprints`: a buyer's
   * filing counts only when no counting supplier's filing of the same invoice exists (one
   * record per invoice and side: record ids derive from the key).
   */
  async prepareTradePass(connections: readonly Db[], runId: string, asOf: string, windows: PaymentWindows): Promise<void> {
    if (windows.asOf !== asOf) throw new RangeError(`payment windows of ${windows.asOf} for a trade pass at ${asOf}`);
    if (connections.length === 0) throw new RangeError('a trade pass needs a connection');
    await connections[0].query('TRUNCATE full_recompute_trade, full_recompute_partners');
    const invoices = `
      SELECT subject_id, counterparty_id, amount, invoice_date, due_date, paid_date FROM trade_experiences t
      WHERE ${counting('t')} AND t.side = 'SUPPLIER'
      UNION ALL
      SELECT subject_id, counterparty_id, amount, invoice_date, due_date, paid_date FROM trade_experiences t
      WHERE ${counting('t')} AND t.side = 'BUYER' AND NOT EXISTS (
        SELECT 1 FROM trade_experiences s
        WHERE s.subject_id = t.subject_id AND s.counterparty_id = t.counterparty_id AND s.invoice_no = t.invoice_no
          AND s.side = 'SUPPLIER' AND ${counting('s')})`;
    // a company's partners in one role and their volumes: the lines sorted by company and
    // partner, summed per pair, gathered per company (a sort, not a hash of every pair)
    const partners = (role: 'S' | 'B', company: string, other: string): [string, unknown[]] => [
      `INSERT INTO full_recompute_partners (run_id, company_id, role, ids, volumes)
       SELECT $1, company_id, '${role}', array_agg(other_id), array_agg(volume) FROM (
         SELECT company_id, other_id, sum(fen) AS volume FROM (
           SELECT ${company} AS company_id, ${other} AS other_id, (amount * 100)::bigint AS fen FROM (${invoices}) i
           WHERE invoice_date > $2::date - interval '12 months' AND invoice_date <= $2::date
           ORDER BY 1, 2) lines
         GROUP BY company_id, other_id) pairs
       GROUP BY company_id`,
      [runId, asOf],
    ];
    // the longest first: three statements over the connections, each taking the next
    const statements: [string, unknown[]][] = [
      [
        `WITH involved AS (
           SELECT company_id, ${VERSION_PARTS} FROM (
             SELECT subject_id AS company_id, ${SIDE_PARTS} FROM trade_experiences t WHERE t.is_current GROUP BY subject_id
             UNION ALL
             SELECT counterparty_id, ${SIDE_PARTS} FROM trade_experiences t WHERE t.is_current GROUP BY counterparty_id) sides
           GROUP BY company_id),
         summed AS (SELECT subject_id, ${TRADE_SUMS} AS sums FROM (${experiences(`(${invoices}) i`)}) x GROUP BY subject_id)
         INSERT INTO full_recompute_trade (run_id, company_id, change_sum, counts_from, expires_on, sums)
         SELECT $1, v.company_id, v.a::bigint, v.b::bigint, v.c, s.sums FROM involved v LEFT JOIN summed s ON s.subject_id = v.company_id`,
        [runId, asOf, windows.from, windows.recentFrom, windows.earlierFrom],
      ],
      partners('S', 'subject_id', 'counterparty_id'),
      partners('B', 'counterparty_id', 'subject_id'),
    ];
    // one statement per connection at a time, the connections' statements in parallel
    const queue = [...statements];
    const run = (): Promise<unknown> =>
      Promise.all(
        connections.map(async (db) => {
          for (let next = queue.shift(); next; next = queue.shift()) await db.query(next[0], next[1]);
        }),
      );
    const inCallersTransaction = connections.length === 1 && connections[0].queryRunner?.isTransactionActive === true;
    await (inCallersTransaction ? run() : inOneSnapshot(connections, run));
    // fresh statistics: without them the planner takes the tables for empty and answers each
    // chunk's probe of 500 companies by hashing the run's every row (all 100,000 partner
    // lists at that size: the chunk's slowest read)
    await connections[0].query('ANALYZE full_recompute_trade (run_id, company_id), full_recompute_partners (run_id, company_id, role)');
  }

  /**
   * `fingerprints` with windows, from run `runId`'s trade pass: a company whose current trade
   * lines changed since the pass (the sum of their change numbers differs from the pass's;
   * every filing and status change gives a line a new, larger one) is read live by
   * `fingerprints`; the others take their trade part from the pass and the other kinds live.
   * Same answers as `fingerprints`, without reaching every trade line by index.
   */
  async fingerprintsFromTradePass(
    db: Db,
    runId: string,
    companyIds: readonly string[],
    asOf: string,
    windows: PaymentWindows,
  ): Promise<{ versions: Map<string, string>; counterparties: Map<string, Counterparty[]>; trade: Map<string, TradeSummary> }> {
    const ids = [...new Set(companyIds)];
    if (ids.length === 0) return { versions: new Map(), counterparties: new Map(), trade: new Map() };
    if (windows.asOf !== asOf) throw new RangeError(`payment windows of ${windows.asOf} for a fingerprint at ${asOf}`);
    // the live sum of the change numbers of each company's current trade lines: two
    // index-only scans each (the indexes end with the change number)
    const passed: {
      company_id: string;
      live: string | null;
      pass: string | null;
      b: string | null;
      c: string | null;
      sums: string | null;
      suppliers: string | null;
      supplier_volumes: string | null;
      buyers: string | null;
      buyer_volumes: string | null;
    }[] = await db.query(
      `SELECT c.id AS company_id,
              nullif(coalesce((SELECT sum(change_seq) FROM trade_experiences t WHERE t.subject_id = c.id AND t.is_current), 0)
                     + coalesce((SELECT sum(change_seq) FROM trade_experiences t WHERE t.counterparty_id = c.id AND t.is_current), 0), 0)::text AS live,
              p.change_sum::text AS pass, p.counts_from::text AS b, p.expires_on AS c, p.sums,
              -- the lists as text: node-pg's array parser took 50 ms for a chunk's 60,000 ids
              array_to_string(s.ids, ',') AS suppliers, array_to_string(s.volumes, ',') AS supplier_volumes,
              array_to_string(b.ids, ',') AS buyers, array_to_string(b.volumes, ',') AS buyer_volumes
       FROM unnest($2::uuid[]) c (id) LEFT JOIN full_recompute_trade p ON p.run_id = $1 AND p.company_id = c.id
            LEFT JOIN full_recompute_partners s ON s.run_id = $1 AND s.company_id = c.id AND s.role = 'S'
            LEFT JOIN full_recompute_partners b ON b.run_id = $1 AND b.company_id = c.id AND b.role = 'B'`,
      [runId, ids],
    );
    const fresh = passed.filter((r) => r.live === r.pass);
    const stale = passed.filter((r) => r.live !== r.pass).map((r) => r.company_id);
    const live = await this.fingerprints(db, stale, asOf, windows);
    const freshIds = fresh.map((r) => r.company_id);
    const others: { company_id: string; a: string | null; b: string | null; c: string | null }[] = freshIds.length
      ? await db.query(`SELECT company_id, ${VERSION_PARTS} FROM (${otherKindBranches().join(' UNION ALL ')}) involved GROUP BY company_id`, [freshIds, asOf])
      : [];

    const otherParts = new Map(others.map((r) => [r.company_id, r]));
    const versions = live.versions;
    const trade = live.trade;
    const counterparties = new Map<string, Counterparty[]>();
    for (const r of fresh) {
      const other = otherParts.get(r.company_id);
      const merged = other ? unionParts({ a: r.pass, b: r.b, c: r.c }, other) : { a: r.pass, b: r.b, c: r.c };
      versions.set(r.company_id, versionText(merged));
      trade.set(r.company_id, r.sums === null ? NO_TRADE : tradeSummary(r.sums));
      const list = [...partnerList(r.suppliers, r.supplier_volumes, 'SUPPLIER'), ...partnerList(r.buyers, r.buyer_volumes, 'BUYER')];
      if (list.length > 0) counterparties.set(r.company_id, list);
    }
    sortCounterparties(counterparties);
    for (const [id, list] of live.counterparties) counterparties.set(id, list);
    return { versions, counterparties, trade };
  }
}
