import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Clock } from '@app/domain';
import { type AuditEntry, AuditLogRepository, CompanyRepository, type Db, ImportRepository, OutboxRepository } from '@app/persistence';
import { ImportProcessor } from '@worker/imports/import-processor.service';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';
import { REPORT_PAYABLE, unique } from './records-support';

/** The audit log, but the append of `import.merged` (the import's last step before it commits) waits until released. */
class PausingAuditLog extends AuditLogRepository {
  /** the backend of the paused import's transaction, once it is paused */
  readonly reached: Promise<number>;
  release!: () => void;
  private reach!: (pid: number) => void;
  private readonly released: Promise<void>;

  constructor() {
    super();
    this.reached = new Promise((resolve) => (this.reach = resolve));
    this.released = new Promise((resolve) => (this.release = resolve));
  }

  override async append(db: Db, entries: readonly AuditEntry[], at: Date): Promise<number[]> {
    if (entries.some((e) => e.action === 'import.merged')) {
      const pid: { pid: number }[] = await db.query('SELECT pg_backend_pid() AS pid');
      this.reach(pid[0].pid);
      await this.released;
    }
    return super.append(db, entries, at);
  }
}

/**
 * A supplier's import files a new invoice while its buyer files the payable of the same
 * invoice through the API: whichever commits first, the other must see it, so the invoice is
 * matched once and both sides are verified (docs/records.md, Imports).
 */
describe('an import and a buyer filing the same new invoice at once', () => {
  let api: RunningApi;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
  });
  afterAll(async () => api.close());

  /** Whether another backend waits on a lock `pid` holds, polled until `settled` says the other side finished; false then, or after 10 s. */
  async function blockedBy(pid: number, settled: () => boolean): Promise<boolean> {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && !settled(); await new Promise((r) => setTimeout(r, 20))) {
      const waiting: { n: number }[] = await api.dataSource.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
      if (waiting[0].n > 0) return true;
    }
    return false;
  }

  it("matches the invoice when the buyer's payable is filed while the supplier's import merges it", async () => {
    const { home } = world;
    const [supplier, buyer] = [home.companyA, home.companyB];
    const invoice = { invoiceNo: `RACE-${unique()}`, amount: '1000.00', invoiceDate: '2025-01-01', dueDate: '2025-01-31', paidDate: '2025-01-30' };
    const csv = `debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n${buyer.creditCode},${invoice.invoiceNo},${invoice.amount},${invoice.invoiceDate},${invoice.dueDate},${invoice.paidDate}\n`;
    const response = await fetch(`${api.url}/imports/trade-experiences`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${home.memberA.token}` },
      body: csv,
    });
    expect(response.status).toBe(202);
    const importId = ((await response.json()) as { id: string }).id;

    const audit = new PausingAuditLog();
    const processor = new ImportProcessor(api.dataSource, new ImportRepository(), new CompanyRepository(), audit, new OutboxRepository(), api.app.get(Clock), api.config);
    const importing = processor.process(importId);
    importing.catch(() => undefined);
    let filed: { reportTradePayable: { status: string } } | undefined;
    let blocked: boolean;
    try {
      // the import has merged the invoice (a new supplier record, nothing to match yet) and not committed
      const pid = await Promise.race([audit.reached, importing.then(() => Promise.reject(new Error('the import ended without pausing')))]);
      // the buyer files its payable meanwhile: it waits for the import, or (the defect) commits without seeing it
      let settled = false;
      const filing = home.memberB.client.ok<{ reportTradePayable: { status: string } }>(REPORT_PAYABLE, { input: { creditorCreditCode: supplier.creditCode, ...invoice } });
      filing.then(
        () => (settled = true),
        () => (settled = true),
      );
      blocked = await blockedBy(pid, () => settled);
      audit.release();
      const [outcome, payable] = await Promise.all([importing, filing]);
      filed = payable;
      expect(outcome).toMatchObject({ accepted: 1 });
    } finally {
      audit.release();
      await importing.catch(() => undefined);
    }

    const matches: { outcome: string }[] = await api.dataSource.query(
      `SELECT m.outcome FROM trade_matches m JOIN trade_experiences s ON s.record_id = m.supplier_record_id AND s.version = m.supplier_version
       WHERE s.invoice_no = $1 AND s.subject_id = $2`,
      [invoice.invoiceNo, buyer.id],
    );
    expect(matches).toEqual([{ outcome: 'MATCHED' }]);
    const sides: { side: string; status: string }[] = await api.dataSource.query(
      `SELECT side, status FROM trade_experiences WHERE invoice_no = $1 AND subject_id = $2 AND is_current ORDER BY side`,
      [invoice.invoiceNo, buyer.id],
    );
    expect(sides).toEqual([
      { side: 'BUYER', status: 'VERIFIED' },
      { side: 'SUPPLIER', status: 'VERIFIED' },
    ]);
    expect(filed?.reportTradePayable.status).toBe('VERIFIED');
    // it waited for the import's commit (the import held the lock of the buyer's side)
    expect(blocked).toBe(true);
  });
});
