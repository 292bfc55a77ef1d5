import type { PartnerCheck, PartnerCheckRules } from '@app/domain';
import type { Db } from '../database';

interface RulesRow {
  contribution_window_months: number;
  min_trade_lines: number;
  daily_check_limit: number;
}

interface CheckRow {
  id: string;
  checker_company_id: string;
  checker_name: string;
  at: Date;
}

export interface NewPartnerCheck {
  readonly consortiumId: string;
  readonly checkerCompanyId: string;
  readonly checkedBy: string;
  readonly partnerCompanyId: string;
  readonly at: Date;
}

/** Give-to-get rules, the per-day counters and the log of partner checks. */
export class PartnerCheckRepository {
  /** The consortium's own rules, or null while it uses the platform's defaults. */
  async rules(db: Db, consortiumId: string): Promise<Omit<PartnerCheckRules, 'custom'> | null> {
    const rows: RulesRow[] = await db.query(
      'SELECT contribution_window_months, min_trade_lines, daily_check_limit FROM partner_check_rules WHERE consortium_id = $1',
      [consortiumId],
    );
    const r = rows[0];
    return r ? { contributionWindowMonths: r.contribution_window_months, minTradeLines: r.min_trade_lines, dailyCheckLimit: r.daily_check_limit } : null;
  }

  async setRules(db: Db, consortiumId: string, rules: Omit<PartnerCheckRules, 'custom'>, actorId: string, at: Date): Promise<void> {
    await db.query(
      `INSERT INTO partner_check_rules (consortium_id, contribution_window_months, min_trade_lines, daily_check_limit, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (consortium_id) DO UPDATE SET contribution_window_months = $2, min_trade_lines = $3, daily_check_limit = $4,
         updated_by = $5, updated_at = $6`,
      [consortiumId, rules.contributionWindowMonths, rules.minTradeLines, rules.dailyCheckLimit, actorId, at],
    );
  }

  /**
   * Counts one check against the member's limit for `day`, atomically: the upsert locks the
   * day's row, so concurrent checks are counted one after the other and none passes the
   * limit. Returns the day's count with this check, or null when the limit was reached.
   */
  async takeDailyCheck(db: Db, checkerCompanyId: string, day: string, limit: number): Promise<number | null> {
    const rows: { checks: number }[] = await db.query(
      `INSERT INTO partner_check_days AS d (checker_company_id, day, checks) VALUES ($1, $2, 1)
       ON CONFLICT (checker_company_id, day) DO UPDATE SET checks = d.checks + 1 WHERE d.checks < $3
       RETURNING checks`,
      [checkerCompanyId, day, limit],
    );
    return rows[0]?.checks ?? null;
  }

  /** Checks made on `day` by each of the companies (0 for none). */
  async checksOnDay(db: Db, companyIds: readonly string[], day: string): Promise<Map<string, number>> {
    const rows: { checker_company_id: string; checks: number }[] = await db.query(
      'SELECT checker_company_id, checks FROM partner_check_days WHERE checker_company_id = ANY($1::uuid[]) AND day = $2',
      [companyIds, day],
    );
    const found = new Map(rows.map((r) => [r.checker_company_id, r.checks]));
    return new Map(companyIds.map((id) => [id, found.get(id) ?? 0]));
  }

  /** Checks made since `since` by each of the companies (0 for none), by the checker index. */
  async checksSince(db: Db, companyIds: readonly string[], since: Date): Promise<Map<string, number>> {
    const rows: { company_id: string; checks: string }[] = await db.query(
      `SELECT c.id AS company_id, (SELECT count(*) FROM partner_checks k WHERE k.checker_company_id = c.id AND k.at >= $2) AS checks
       FROM unnest($1::uuid[]) AS c(id)`,
      [companyIds, since],
    );
    return new Map(rows.map((r) => [r.company_id, Number(r.checks)]));
  }

  /**
   * Give to get: the trade lines each company reported as the supplier since `since`, by
   * the creditor index. A line counts when the company filed it itself (not a coordinator
   * for it), one of its people filed a version of it since `since` (a version the platform
   * added, the daily run's overdue flag, is no reporting), and it was not rejected; pending
   * and disputed lines count, because verifying them is the buyer's and the coordinator's
   * part, not the reporter's.
   */
  async tradeLinesReported(db: Db, companyIds: readonly string[], since: Date): Promise<Map<string, number>> {
    const rows: { company_id: string; lines: string }[] = await db.query(
      `SELECT c.id AS company_id,
              (SELECT count(*) FROM trade_experiences t
               WHERE t.counterparty_id = c.id AND t.is_current AND t.side = 'SUPPLIER' AND t.reporter_company_id = c.id
                 AND t.status <> 'REJECTED'
                 AND EXISTS (SELECT 1 FROM trade_experiences v WHERE v.record_id = t.record_id AND v.filed_by IS NOT NULL AND v.created_at >= $2)) AS lines
       FROM unnest($1::uuid[]) AS c(id)`,
      [companyIds, since],
    );
    return new Map(rows.map((r) => [r.company_id, Number(r.lines)]));
  }

  async log(db: Db, check: NewPartnerCheck): Promise<{ id: string; at: Date }> {
    const rows: { id: string; at: Date }[] = await db.query(
      `INSERT INTO partner_checks (consortium_id, checker_company_id, checked_by, partner_company_id, at)
       VALUES ($1, $2, $3, $4, $5) RETURNING id, at`,
      [check.consortiumId, check.checkerCompanyId, check.checkedBy, check.partnerCompanyId, check.at],
    );
    return rows[0];
  }

  /** The checks of one company by its partners, newest first. */
  async checksOf(db: Db, partnerCompanyId: string, limit: number): Promise<PartnerCheck[]> {
    const rows: CheckRow[] = await db.query(
      `SELECT k.id, k.checker_company_id, c.name AS checker_name, k.at
       FROM partner_checks k JOIN companies c ON c.id = k.checker_company_id
       WHERE k.partner_company_id = $1 ORDER BY k.at DESC, k.id LIMIT $2`,
      [partnerCompanyId, limit],
    );
    return rows.map((r) => ({ id: r.id, checkerCompanyId: r.checker_company_id, checkerName: r.checker_name, at: r.at }));
  }
}
