import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Company, FixedClock } from '@app/domain';
import { AuditLogRepository, CreditRecordRepository, DisputeRepository, NoticeRepository, OutboxRepository } from '@app/persistence';
import { Factories, openTestDataSource } from '@app/testing';
import type { DataSource } from 'typeorm';
import { DisputeDeadlines } from './dispute-deadlines.service';

const DAY = 86_400_000;

describe('dispute deadlines with an injected clock (worker, real PostgreSQL)', () => {
  let ds: DataSource;
  let clock: FixedClock;
  let deadlines: DisputeDeadlines;
  let a: Company;
  let b: Company;
  const disputes = new DisputeRepository();
  const records = new CreditRecordRepository();
  const opened = new Date('2025-03-01T09:00:00Z');

  async function openDispute(invoiceNo: string): Promise<string> {
    const recordId = await records.recordIdFor(ds.manager, 'TRADE_EXPERIENCE', { side: 'SUPPLIER', counterparty_id: b.id, subject_id: a.id, invoice_no: invoiceNo });
    await disputes.open(ds.manager, {
      kind: 'TRADE_EXPERIENCE',
      recordId,
      version: 1,
      consortiumId: a.consortiumId,
      subjectId: a.id,
      reason: '金额不符',
      openedBy: a.id,
      openedAt: opened,
      deadlineAt: new Date(opened.getTime() + 20 * DAY),
    });
    return recordId;
  }

  const notices = (recordId: string): Promise<{ kind: string }[]> => ds.query(`SELECT kind FROM notices WHERE record_id = $1 ORDER BY created_at`, [recordId]);

  beforeAll(async () => {
    ds = await openTestDataSource();
    const f = new Factories(ds);
    const consortium = await f.consortium();
    [a, b] = [await f.company(consortium.id), await f.company(consortium.id)];
    clock = new FixedClock(opened);
    deadlines = new DisputeDeadlines(ds, disputes, new NoticeRepository(), new AuditLogRepository(), new OutboxRepository(), clock);
  });
  afterAll(async () => ds.destroy());

  it('alerts the coordinator at 15 days and escalates at 20, each once; an early timer is re-armed', async () => {
    const recordId = await openDispute('DL-1');
    clock.set(new Date(opened.getTime() + 14 * DAY));
    expect(await deadlines.run(recordId, 'alert')).toBe('rescheduled');
    const rearmed: { run_at: Date }[] = await ds.query(`SELECT run_at FROM outbox WHERE payload->>'recordId' = $1 AND job_name = 'dispute-deadline.v1'`, [recordId]);
    expect(rearmed.map((r) => r.run_at.toISOString())).toEqual(['2025-03-16T09:00:00.000Z']);
    expect(await notices(recordId)).toEqual([]);

    clock.set(new Date(opened.getTime() + 15 * DAY));
    expect(await deadlines.run(recordId, 'alert')).toBe('raised');
    expect(await deadlines.run(recordId, 'alert')).toBe('already-raised');
    expect(await deadlines.run(recordId, 'escalate')).toBe('rescheduled');

    clock.set(new Date(opened.getTime() + 20 * DAY + 1));
    expect(await deadlines.run(recordId, 'escalate')).toBe('raised');
    expect(await notices(recordId)).toEqual([{ kind: 'DISPUTE_ALERT' }, { kind: 'DISPUTE_ESCALATED' }]);
    const open = await disputes.findOpenForUpdate(ds.manager, recordId);
    expect(open?.alertedAt?.toISOString()).toBe('2025-03-16T09:00:00.000Z');
    expect(open?.escalatedAt).not.toBeNull();
  });

  it('does nothing for a dispute settled before its timer fires', async () => {
    const recordId = await openDispute('DL-2');
    const open = await disputes.findOpenForUpdate(ds.manager, recordId);
    await disputes.resolve(ds.manager, open?.id as string, b.id, 'RECORD_CONFIRMED', '已核实', new Date(opened.getTime() + 3 * DAY));
    clock.set(new Date(opened.getTime() + 30 * DAY));
    expect(await deadlines.run(recordId, 'escalate')).toBe('settled');
    expect(await notices(recordId)).toEqual([]);
  });
});
