import type { Db } from '../database';
import { returnedRows } from './query-result';
import { KIND_SPECS } from './record-kinds';
import { counting } from './scoring-input.repository';

/** The daily maintenance's queries: what time changed, and housekeeping. */
export class MaintenanceRepository {
  /**
   * Companies whose rating inputs changed by the passing of time in (from, to], each with its
   * consortium (whose standing reads some of them): a verified record whose notice period
   * ended, or that expired (negative information after five years), both sides of it (its
   * subject and its filer or creditor); and the records that count by dates of their own, as
   * @app/scoring reads them: a guarantee counts from its start_date through the day before its
   * end_date (the guarantor's network factor, and the standing's guarantee edges: start_date
   * <= day < end_date), so it changes on its start_date and on its end_date, for its guarantor
   * (reporter_company_id) and its borrower (subject_id); a soft signal counts from its
   * recorded_on through its valid_until (recorded_on <= day <= valid_until), so it changes on
   * its recorded_on and on the day after its valid_until.
   */
  async companiesWithTimeChanges(db: Db, from: string, to: string): Promise<{ companyId: string; consortiumId: string }[]> {
    const branches: string[] = [];
    const verified = `t.is_current AND t.status = 'VERIFIED'`;
    for (const spec of Object.values(KIND_SPECS)) {
      const other = spec.kind === 'TRADE_EXPERIENCE' ? 't.counterparty_id' : 't.reporter_company_id';
      const when = `${verified} AND (
          (t.counts_from >= (($1::date + 1)::timestamp AT TIME ZONE 'UTC') AND t.counts_from < (($2::date + 1)::timestamp AT TIME ZONE 'UTC'))
          OR (t.expires_on > $1::date AND t.expires_on <= $2::date))`;
      branches.push(`SELECT t.subject_id AS company_id FROM ${spec.table} t WHERE ${when}`);
      branches.push(`SELECT ${other} FROM ${spec.table} t WHERE ${other} IS NOT NULL AND ${when}`);
    }
    // a guarantee starts counting on its start_date and stops on its end_date
    const guarantee = `${verified} AND ((t.start_date > $1::date AND t.start_date <= $2::date) OR (t.end_date > $1::date AND t.end_date <= $2::date))`;
    branches.push(`SELECT t.subject_id FROM guarantees t WHERE ${guarantee}`);
    branches.push(`SELECT t.reporter_company_id FROM guarantees t WHERE t.reporter_company_id IS NOT NULL AND ${guarantee}`);
    // a soft signal starts counting on its recorded_on and stops the day after its valid_until
    branches.push(
      `SELECT t.subject_id FROM soft_signals t WHERE ${verified} AND ((t.recorded_on > $1::date AND t.recorded_on <= $2::date) OR (t.valid_until >= $1::date AND t.valid_until < $2::date))`,
    );
    const rows: { company_id: string; consortium_id: string }[] = await db.query(
      `SELECT DISTINCT changed.company_id, c.consortium_id FROM (${branches.join(' UNION ALL ')}) changed JOIN companies c ON c.id = changed.company_id ORDER BY changed.company_id`,
      [from, to],
    );
    return rows.map((r) => ({ companyId: r.company_id, consortiumId: r.consortium_id }));
  }

  /**
   * Consortia with an invoice between two of their members that turned overdue unpaid in
   * (from, to]: a current, counting trade experience whose subject and creditor are members of
   * the same consortium. The standing's edge query (StandingInputRepository) reads an invoice
   * as overdue at D when `due_date < D` and it is not paid by D, so it turns overdue on
   * due_date + 1 (in the window when from <= due_date < to), unpaid then when `paid_date` is
   * null or after that day (a payment is never filed ahead of its date). No record
   * changes on that day, so nothing else queues the standing. Any filing of the invoice
   * passes (the edge query takes the supplier's filing first): a standing queued for nothing
   * writes nothing. Counting as of `to`: one that started or stopped counting since is
   * already queued with its companies (companiesWithTimeChanges).
   */
  async consortiaWithPayablesTurnedOverdue(db: Db, from: string, to: string): Promise<string[]> {
    const rows: { consortium_id: string }[] = await db.query(
      `SELECT DISTINCT d.consortium_id
       FROM trade_experiences t
       JOIN companies d ON d.id = t.subject_id
       JOIN companies k ON k.id = t.counterparty_id AND k.consortium_id = d.consortium_id
       WHERE ${counting('t')}
         AND t.due_date >= $1::date AND t.due_date < $2::date
         AND (t.paid_date IS NULL OR t.paid_date > t.due_date + 1)
       ORDER BY d.consortium_id`,
      [from, to],
    );
    return rows.map((r) => r.consortium_id);
  }

  /**
   * Bills that were not negative information when filed and are now: unpaid, current,
   * pending or verified, and `days` or more past their due date on `today`. Trade experiences
   * and obligation payments (loans come with the bank's own days past due, filed anew). The
   * `limit` earliest due, returned in record id order: the order every writer locks records in
   * (the API's two sides of an invoice, an import's merge), so the run, which locks them in
   * the order given, never waits on one of those in a cycle.
   *
   * A bill whose negative flag was rejected after a dispute is left out while its facts are
   * the ones that flag was about. A rejected version is newer than the current one and holds
   * the same payload: the subject has won that dispute, and flagging it again every day
   * would undo the coordinator's decision. A newer version with other facts is judged anew.
   */
  async overdueUnflagged(db: Db, today: string, days: number, limit: number): Promise<{ kind: 'TRADE_EXPERIENCE' | 'PAYMENT_RECORD'; recordId: string }[]> {
    const branches = (['TRADE_EXPERIENCE', 'PAYMENT_RECORD'] as const).map((kind) => {
      const spec = KIND_SPECS[kind];
      const facts = (alias: string): string => `ROW(${spec.payload.map((p) => `${alias}.${p.column}`).join(', ')})`;
      return `SELECT '${kind}'::text AS kind, t.record_id, t.due_date FROM ${spec.table} t
         WHERE t.is_current AND NOT t.negative AND t.paid_date IS NULL AND t.status IN ('PENDING', 'VERIFIED') AND t.due_date <= $1::date - $2::int
           AND NOT EXISTS (
             SELECT 1 FROM ${spec.table} r
             WHERE r.record_id = t.record_id AND r.version > t.version AND r.status = 'REJECTED' AND r.negative AND ${facts('r')} IS NOT DISTINCT FROM ${facts('t')})`;
    });
    const rows: { kind: 'TRADE_EXPERIENCE' | 'PAYMENT_RECORD'; record_id: string }[] = await db.query(
      `SELECT kind, record_id FROM (
         SELECT kind, record_id FROM (${branches.join(' UNION ALL ')}) overdue ORDER BY due_date, record_id LIMIT $3
       ) batch ORDER BY record_id`,
      [today, days, limit],
    );
    return rows.map((r) => ({ kind: r.kind, recordId: r.record_id }));
  }

  /** Open disputes with a stage due by `now` and not yet raised: their timers are armed again. */
  async disputeStagesDue(db: Db, now: Date): Promise<{ recordId: string; stage: 'alert' | 'escalate' }[]> {
    const rows: { record_id: string; stage: 'alert' | 'escalate' }[] = await db.query(
      `SELECT record_id, 'escalate' AS stage FROM disputes WHERE resolved_at IS NULL AND escalated_at IS NULL AND deadline_at <= $1
       UNION ALL
       SELECT record_id, 'alert' FROM disputes WHERE resolved_at IS NULL AND alerted_at IS NULL AND deadline_at - interval '5 days' <= $1
       ORDER BY 1, 2`,
      [now],
    );
    return rows.map((r) => ({ recordId: r.record_id, stage: r.stage }));
  }

  /** Deletes outbox rows sent before `before`; how many. */
  async purgeSentOutbox(db: Db, before: Date): Promise<number> {
    return returnedRows<{ id: string }>(await db.query('DELETE FROM outbox WHERE sent_at < $1 RETURNING id', [before])).length;
  }
}
