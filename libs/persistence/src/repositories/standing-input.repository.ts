import { type ConsortiumRiskParameters, type ExposureEdge, type GuaranteeFund, type Grade, type StandingMember, usableFiscalYears } from '@app/domain/scoring';
import { decimalToFen, fenToNumber } from '@app/domain';
import type { Db } from '../database';
import { counting } from './scoring-input.repository';

const fen = (decimal: string | null): number => (decimal === null ? 0 : fenToNumber(decimalToFen(decimal)));

/** Past due and not paid by $2 (daysBeyondTermsOn of @app/scoring: a payment after the date is not known at it). */
const OVERDUE_UNPAID = (alias: string): string => `(${alias}.paid_date IS NULL OR ${alias}.paid_date > $2::date) AND ${alias}.due_date < $2::date`;

export interface StandingSource {
  /** the newest of the members' current ratings: a new member rating is a new standing */
  readonly latestRatingId: string;
  readonly members: StandingMember[];
  readonly edges: ExposureEdge[];
  readonly fund: GuaranteeFund;
  /** the risk parameters its coordinator set (the engine's defaults stand for the others) */
  readonly parameters: Partial<ConsortiumRiskParameters>;
}

/** A consortium's guarantee fund as its coordinator manages it: amounts in yuan, as decimals. */
export interface FundFigures {
  readonly balance: string;
  readonly coverageShare: number;
  readonly contributions: readonly { readonly companyId: string; readonly amount: string }[];
}

/**
 * What a consortium's standing is computed from, at `asOf`, in five set-based queries:
 * every member's current rating (PD, grade), what banks have lent it (its counting loans'
 * outstanding), its latest counting balance sheet (equity and total assets), the network's
 * edges (active guarantees between members; overdue unpaid trade payables between members)
 * and the guarantee fund with its contributions.
 */
export class StandingInputRepository {
  async load(db: Db, consortiumId: string, asOf: string): Promise<StandingSource> {
    const params = [consortiumId, asOf];
    const members: { company_id: string; pd: number; grade: Grade; rating_id: string }[] = await db.query(
      `SELECT c.id AS company_id, r.pd, r.grade, r.id AS rating_id
       FROM companies c
       JOIN LATERAL (SELECT id, pd, grade FROM ratings WHERE company_id = c.id ORDER BY id DESC LIMIT 1) r ON true
       WHERE c.consortium_id = $1 ORDER BY c.id`,
      [consortiumId],
    );
    // $2 is read by counting(); the member filter is the consortium of the subject
    const exposures: { subject_id: string; outstanding: string }[] = await db.query(
      `SELECT l.subject_id, sum(l.outstanding)::text AS outstanding
       FROM loan_records l JOIN companies c ON c.id = l.subject_id AND c.consortium_id = $1
       WHERE ${counting('l')} GROUP BY l.subject_id`,
      params,
    );
    // the statement the rating reads (latestUsableStatement of @app/scoring): the latest of a
    // fiscal year ended and not stale (one statement per company and year)
    const years = usableFiscalYears(asOf);
    const sheets: { subject_id: string; equity: string | null; total_assets: string | null }[] = await db.query(
      `SELECT DISTINCT ON (s.subject_id) s.subject_id, s.equity::text, s.total_assets::text
       FROM financial_statements s JOIN companies c ON c.id = s.subject_id AND c.consortium_id = $1
       WHERE ${counting('s')} AND s.fiscal_year BETWEEN ${years.from} AND ${years.to}
       ORDER BY s.subject_id, s.fiscal_year DESC, s.record_id DESC`,
      params,
    );
    // An invoice filed by both sides counts once, the supplier's filing first, as in the
    // rating (ScoringInputRepository): the filing is chosen before the unpaid test, or a
    // buyer's "unpaid" would outvote the supplier's "paid" and make a payable the rating
    // does not see. The inner IN only narrows the sort to invoices that have some overdue
    // unpaid filing: an invoice whose chosen filing passes the test is always among them.
    const edges: { from_id: string; to_id: string; amount: string; kind: ExposureEdge['kind'] }[] = await db.query(
      `SELECT g.subject_id AS from_id, g.reporter_company_id AS to_id, sum(g.amount)::text AS amount, 'GUARANTEE' AS kind
       FROM guarantees g
       JOIN companies b ON b.id = g.subject_id AND b.consortium_id = $1
       JOIN companies o ON o.id = g.reporter_company_id AND o.consortium_id = $1
       WHERE ${counting('g')} AND g.start_date <= $2::date AND (g.end_date IS NULL OR g.end_date > $2::date)
       GROUP BY g.subject_id, g.reporter_company_id
       UNION ALL
       SELECT i.subject_id, i.counterparty_id, sum(i.amount)::text, 'OVERDUE_PAYABLE'
       FROM (SELECT DISTINCT ON (t.subject_id, t.counterparty_id, t.invoice_no) t.subject_id, t.counterparty_id, t.amount, t.due_date, t.paid_date
             FROM trade_experiences t
             WHERE ${counting('t')} AND (t.subject_id, t.counterparty_id, t.invoice_no) IN (
               SELECT u.subject_id, u.counterparty_id, u.invoice_no
               FROM trade_experiences u
               JOIN companies d ON d.id = u.subject_id AND d.consortium_id = $1
               JOIN companies k ON k.id = u.counterparty_id AND k.consortium_id = $1
               WHERE ${counting('u')} AND ${OVERDUE_UNPAID('u')})
             ORDER BY t.subject_id, t.counterparty_id, t.invoice_no, (t.side = 'SUPPLIER') DESC, t.record_id) i
       WHERE ${OVERDUE_UNPAID('i')}
       GROUP BY i.subject_id, i.counterparty_id
       ORDER BY 4, 1, 2`,
      params,
    );
    const funds: { balance: string; coverage_share: number }[] = await db.query(
      'SELECT balance::text, coverage_share FROM guarantee_funds WHERE consortium_id = $1',
      [consortiumId],
    );
    const contributions: { company_id: string; amount: string }[] = await db.query(
      'SELECT company_id, amount::text FROM guarantee_fund_contributions WHERE consortium_id = $1 AND amount > 0 ORDER BY company_id',
      [consortiumId],
    );
    const parameters = await this.riskParameters(db, consortiumId);

    const exposure = new Map(exposures.map((e) => [e.subject_id, fen(e.outstanding)]));
    const sheet = new Map(sheets.map((s) => [s.subject_id, s]));
    return {
      latestRatingId: members.reduce((max, m) => (BigInt(m.rating_id) > BigInt(max) ? m.rating_id : max), '0'),
      members: members.map((m) => ({
        companyId: m.company_id,
        pd: m.pd,
        grade: m.grade,
        exposure: exposure.get(m.company_id) ?? 0,
        equity: fen(sheet.get(m.company_id)?.equity ?? null),
        size: fen(sheet.get(m.company_id)?.total_assets ?? null),
      })),
      edges: edges.map((e) => ({ from: e.from_id, to: e.to_id, amount: fen(e.amount), kind: e.kind })),
      fund: {
        balance: fen(funds[0]?.balance ?? null),
        coverageShare: funds[0]?.coverage_share ?? 0,
        contributions: contributions.map((c) => ({ companyId: c.company_id, amount: fen(c.amount) })),
      },
      parameters,
    };
  }

  /** The risk parameters a consortium's coordinator set; {} when none (every default). */
  async riskParameters(db: Db, consortiumId: string): Promise<Partial<ConsortiumRiskParameters>> {
    const rows: { risk_parameters: Partial<ConsortiumRiskParameters> }[] = await db.query('SELECT risk_parameters FROM consortia WHERE id = $1', [consortiumId]);
    return rows[0]?.risk_parameters ?? {};
  }

  /** Replaces the risk parameters a consortium sets ({}: every default). */
  async setRiskParameters(db: Db, consortiumId: string, parameters: Partial<ConsortiumRiskParameters>): Promise<void> {
    await db.query('UPDATE consortia SET risk_parameters = $2::jsonb WHERE id = $1', [consortiumId, JSON.stringify(parameters)]);
  }

  /** A consortium's fund as set (none yet: a balance of 0 covering nothing), every contribution, in yuan. */
  async fundFigures(db: Db, consortiumId: string): Promise<FundFigures> {
    const funds: { balance: string; coverage_share: number }[] = await db.query('SELECT balance::text, coverage_share FROM guarantee_funds WHERE consortium_id = $1', [consortiumId]);
    const contributions: { company_id: string; amount: string }[] = await db.query(
      'SELECT company_id, amount::text FROM guarantee_fund_contributions WHERE consortium_id = $1 ORDER BY company_id',
      [consortiumId],
    );
    return {
      balance: funds[0]?.balance ?? '0.00',
      coverageShare: funds[0]?.coverage_share ?? 0,
      contributions: contributions.map((c) => ({ companyId: c.company_id, amount: c.amount })),
    };
  }

  /** The funds of several consortia, with the contributions of the given companies only (for backed ratings). */
  async funds(db: Db, consortiumIds: readonly string[], companyIds: readonly string[]): Promise<Map<string, GuaranteeFund>> {
    if (consortiumIds.length === 0) return new Map();
    const funds: { consortium_id: string; balance: string; coverage_share: number }[] = await db.query(
      'SELECT consortium_id, balance::text, coverage_share FROM guarantee_funds WHERE consortium_id = ANY($1::uuid[])',
      [consortiumIds],
    );
    const contributions: { consortium_id: string; company_id: string; amount: string }[] = await db.query(
      `SELECT consortium_id, company_id, amount::text FROM guarantee_fund_contributions
       WHERE consortium_id = ANY($1::uuid[]) AND company_id = ANY($2::uuid[]) AND amount > 0`,
      [consortiumIds, companyIds],
    );
    return new Map(
      funds.map((f) => [
        f.consortium_id,
        {
          balance: fen(f.balance),
          coverageShare: f.coverage_share,
          contributions: contributions.filter((c) => c.consortium_id === f.consortium_id).map((c) => ({ companyId: c.company_id, amount: fen(c.amount) })),
        },
      ]),
    );
  }

  /**
   * Sets a consortium's fund (the coordinator's figures): its contributions become exactly
   * those given; null leaves them as they are.
   */
  async setFund(db: Db, consortiumId: string, balanceYuan: string, coverageShare: number, contributions: readonly { companyId: string; amountYuan: string }[] | null): Promise<void> {
    await db.query(
      `INSERT INTO guarantee_funds (consortium_id, balance, coverage_share) VALUES ($1, $2, $3)
       ON CONFLICT (consortium_id) DO UPDATE SET balance = EXCLUDED.balance, coverage_share = EXCLUDED.coverage_share, updated_at = now()`,
      [consortiumId, balanceYuan, coverageShare],
    );
    if (contributions === null) return;
    await db.query('DELETE FROM guarantee_fund_contributions WHERE consortium_id = $1 AND NOT (company_id = ANY($2::uuid[]))', [
      consortiumId,
      contributions.map((c) => c.companyId),
    ]);
    if (contributions.length === 0) return;
    await db.query(
      `INSERT INTO guarantee_fund_contributions (consortium_id, company_id, amount)
       SELECT $1, * FROM unnest($2::uuid[], $3::numeric[])
       ON CONFLICT (consortium_id, company_id) DO UPDATE SET amount = EXCLUDED.amount, updated_at = now()`,
      [consortiumId, contributions.map((c) => c.companyId), contributions.map((c) => c.amountYuan)],
    );
  }
}
