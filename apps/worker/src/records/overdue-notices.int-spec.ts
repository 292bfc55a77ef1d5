import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Company, FixedClock, type TradeExperiencePayload } from '@app/domain';
import { AuditLogRepository, CreditRecordRepository, MaintenanceRepository, NoticeRepository, OutboxRepository, recordLockSql } from '@app/persistence';
import { Factories, openTestDataSource, testConfig, withOwnConnections } from '@app/testing';
import type { DataSource } from 'typeorm';
import { OverdueNotices } from './overdue-notices.service';

describe('bills that become negative by ageing, with an injected clock (worker, real PostgreSQL)', () => {
  let ds: DataSource;
  let clock: FixedClock;
  let overdue: OverdueNotices;
  let supplier: Company;
  let buyer: Company;
  const records = new CreditRecordRepository();

  /** A receivable filed unpaid and within terms (not negative), as a supplier's filing leaves it; or a later version of it. */
  async function fileBill(invoiceNo: string, changes: Partial<TradeExperiencePayload> = {}): Promise<string> {
    const recordId = await records.recordIdFor(ds.manager, 'TRADE_EXPERIENCE', { side: 'SUPPLIER', counterparty_id: supplier.id, subject_id: buyer.id, invoice_no: invoiceNo });
    await records.lock(ds.manager, recordId);
    await records.append(ds.manager, recordId, {
      kind: 'TRADE_EXPERIENCE',
      consortiumId: buyer.consortiumId,
      subjectId: buyer.id,
      reporterCompanyId: supplier.id,
      reporterBankId: null,
      reporterRole: 'MEMBER',
      filedStatus: 'PENDING',
      payload: { side: 'SUPPLIER', creditorId: supplier.id, invoiceNo, amount: '100.00', invoiceDate: '2025-03-01', dueDate: '2025-03-31', paidDate: null, ...changes },
      evidence: null,
      negative: false,
      noticeId: null,
      countsFrom: clock.now(),
      endedOn: null,
      expiresOn: null,
      filedBy: null,
      createdAt: clock.now(),
    });
    return recordId;
  }

  /** The subject disputes the current version and the coordinator rejects it, as RecordsService does. */
  async function disputeAndReject(recordId: string): Promise<void> {
    const current = await records.findCurrent(ds.manager, recordId);
    if (!current) throw new Error(`no record ${recordId}`);
    await records.setStatus(ds.manager, current, 'DISPUTED', { action: 'DISPUTE', actorId: null, at: clock.now() });
    await records.setStatus(ds.manager, { ...current, status: 'DISPUTED' }, 'REJECTED', { action: 'RESOLVE_REJECTED', actorId: null, at: clock.now() });
  }

  /** The daily run; it sees every consortium's bills, so the tests look only at their own records. */
  async function runOn(day: string): Promise<void> {
    clock.set(new Date(`${day}T08:00:00Z`));
    await overdue.run(day);
  }

  const negativeNotices = async (recordId: string): Promise<number> =>
    ((await ds.query(`SELECT count(*)::int AS n FROM notices WHERE record_id = $1 AND kind = 'NEGATIVE_INFORMATION'`, [recordId])) as { n: number }[])[0].n;

  beforeAll(async () => {
    ds = await openTestDataSource();
    const f = new Factories(ds);
    const consortium = await f.consortium();
    [supplier, buyer] = [await f.company(consortium.id), await f.company(consortium.id)];
    clock = new FixedClock(new Date('2025-03-15T08:00:00Z'));
    overdue = new OverdueNotices(testConfig(), ds, records, new MaintenanceRepository(), new NoticeRepository(), new AuditLogRepository(), new OutboxRepository(), clock);
  });
  afterAll(async () => ds.destroy());

  it('a negative flag rejected after a dispute sticks: the same unpaid bill is not flagged again; a new version of it may be', async () => {
    clock.set(new Date('2025-03-15T08:00:00Z'));
    const recordId = await fileBill('OD-1');
    await runOn('2025-04-29'); // 29 days past due
    expect(await records.findCurrent(ds.manager, recordId)).toMatchObject({ version: 1, negative: false });
    await runOn('2025-04-30');
    expect(await records.findCurrent(ds.manager, recordId)).toMatchObject({ version: 2, negative: true, payload: { paidDate: null } });

    await disputeAndReject(recordId);
    expect(await records.findCurrent(ds.manager, recordId)).toMatchObject({ version: 1, negative: false });
    await runOn('2025-05-01');
    await runOn('2025-06-30');
    expect(await records.findCurrent(ds.manager, recordId)).toMatchObject({ version: 1, negative: false });
    expect(await negativeNotices(recordId)).toBe(1);

    // new facts: the supplier corrects the bill, due later; once that is 30 days overdue unpaid, it is flagged
    clock.set(new Date('2025-07-01T08:00:00Z'));
    await fileBill('OD-1', { amount: '90.00', dueDate: '2025-07-31' });
    await runOn('2025-08-29');
    expect(await records.findCurrent(ds.manager, recordId)).toMatchObject({ version: 3, negative: false });
    await runOn('2025-08-30');
    expect(await records.findCurrent(ds.manager, recordId)).toMatchObject({ version: 4, negative: true, payload: { amount: '90.00' } });
    expect(await negativeNotices(recordId)).toBe(2);
  });

  it('a rejected version with other facts does not keep the bill before it from being flagged', async () => {
    clock.set(new Date('2025-03-15T08:00:00Z'));
    const recordId = await fileBill('OD-2');
    // a correction of the amount, disputed and rejected before the bill was overdue: version 1 counts again
    await fileBill('OD-2', { amount: '120.00' });
    await disputeAndReject(recordId);
    expect(await records.findCurrent(ds.manager, recordId)).toMatchObject({ version: 1 });
    await runOn('2025-04-30');
    expect(await records.findCurrent(ds.manager, recordId)).toMatchObject({ version: 3, negative: true, payload: { amount: '100.00' } });
    expect(await negativeNotices(recordId)).toBe(1);
  });

  it('locks its batch in record id order, as imports and two-sided filings do: it never deadlocks with an import', async () => {
    clock.set(new Date('2025-09-01T08:00:00Z'));
    // two bills, the one due first having the larger record id (the order the run used to lock in)
    const idOf = (invoiceNo: string): Promise<string> =>
      records.recordIdFor(ds.manager, 'TRADE_EXPERIENCE', { side: 'SUPPLIER', counterparty_id: supplier.id, subject_id: buyer.id, invoice_no: invoiceNo });
    const named = await Promise.all(['LK-1', 'LK-2'].map(async (invoiceNo) => ({ invoiceNo, recordId: await idOf(invoiceNo) })));
    const [b, a] = [...named].sort((x, y) => (x.recordId < y.recordId ? -1 : 1));
    await fileBill(a.invoiceNo, { dueDate: '2025-09-01' });
    await fileBill(b.invoiceNo, { dueDate: '2025-09-15' });

    const waitingLocks = async (): Promise<number> =>
      ((await ds.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      )) as { n: number }[])[0].n;
    await withOwnConnections(ds, 1, async ([importer]) => {
      await importer.query('BEGIN');
      try {
        // an import holds B, as its merge does when it locks in record id order
        await records.lock(importer, b.recordId);
        clock.set(new Date('2025-10-20T08:00:00Z'));
        const run = overdue.run('2025-10-20');
        run.catch(() => undefined);
        for (let i = 0; i < 100 && (await waitingLocks()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
        expect(await waitingLocks()).toBe(1);
        // the import's lock statement for both (ImportRepository.lockAndReread): A is free, since the run waits for B before taking it
        await importer.query(`SELECT count(${recordLockSql('l.record_id::text')}) FROM (SELECT unnest($1::uuid[]) AS record_id ORDER BY 1) l`, [[a.recordId, b.recordId]]);
        await importer.query('COMMIT');
        await run;
      } catch (error) {
        await importer.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
    for (const { recordId } of [a, b]) expect(await records.findCurrent(ds.manager, recordId)).toMatchObject({ version: 2, negative: true });
  });
});
