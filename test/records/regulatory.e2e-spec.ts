import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { FixedClock } from '@app/domain';
import { AuditLogRepository, DisputeRepository, NoticeRepository, OutboxRepository } from '@app/persistence';
import { onlyError } from '@app/testing';
import { DisputeDeadlines } from '@worker/records/dispute-deadlines.service';
import { type MovableClock, movableClock, type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';
import { CONFIRM, DISPUTE, FILE_PUBLIC, RECORD, RECORDS, type RecordShape, reportTrade, RESOLVE, unique, VERIFY } from './records-support';

const DAY = 86_400_000;

/**
 * The rules from credit-reporting law, with the API's clock moved by the test (the only
 * thing faked): notice before negative information counts, the 5-year expiry, the 20-day
 * dispute deadline with its alert at 15 days and escalation at 20.
 */
describe('rules from credit-reporting law, with an injected clock', () => {
  let api: RunningApi;
  let world: World;
  let apiClock: MovableClock;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    apiClock = movableClock(api);
  });
  afterEach(() => {
    apiClock.at = new Date();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await api.close();
  });

  const NOTICES = `query($c: ID, $n: ID) { notices(companyId: $c, consortiumId: $n) { id kind message recordId waitingUntil acknowledgedAt } }`;

  it('negative information is noticed to its subject first and counts only after the waiting period', async () => {
    apiClock.at = new Date('2025-06-15T08:00:00Z');
    const { home } = world;
    // paid 45 days beyond terms
    const record = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2025-03-01', dueDate: '2025-03-31', paidDate: '2025-05-15' });
    expect(record).toMatchObject({ negative: true, countsFrom: '2025-06-23T00:00:00.000Z', expiresOn: '2030-05-15' });
    const { notices } = await world.home.memberB.client.ok<{ notices: { id: string; kind: string; message: string; recordId: string; waitingUntil: string }[] }>(NOTICES, {
      c: home.companyB.id,
    });
    const notice = notices.find((n) => n.recordId === record.id);
    expect(notice).toMatchObject({ kind: 'NEGATIVE_INFORMATION', waitingUntil: '2025-06-23T00:00:00.000Z' });
    expect(notice?.message).toMatch(/45 days beyond terms.*2025-06-23/);
    // the notice names no supplier
    expect(notice?.message).not.toContain(home.companyA.name);
    // a company's notice is its own to acknowledge: not its coordinator's, not another member's
    const ACK = `mutation($id: ID!) { acknowledgeNotice(id: $id) { id acknowledgedAt } }`;
    expect(onlyError(await home.coordinator.client.request(ACK, { id: notice?.id })).extensions?.code).toBe('FORBIDDEN');
    expect(onlyError(await home.memberA.client.request(ACK, { id: notice?.id })).extensions?.code).toBe('FORBIDDEN');
    const acked = await home.memberB.client.ok<{ acknowledgeNotice: { acknowledgedAt: string } }>(ACK, { id: notice?.id });
    expect(acked.acknowledgeNotice.acknowledgedAt).toBe('2025-06-15T08:00:00.000Z');
    // the coordinator reads the company's notices; the other member does not
    expect((await home.coordinator.client.request(NOTICES, { c: home.companyB.id })).errors).toBeUndefined();
    expect(onlyError(await home.memberA.client.request(NOTICES, { c: home.companyB.id })).extensions?.code).toBe('FORBIDDEN');
    // a payment made on time is not negative and counts at once
    const fine = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2025-03-01', dueDate: '2025-03-31', paidDate: '2025-04-02' });
    expect(fine).toMatchObject({ negative: false, countsFrom: '2025-06-15T08:00:00.000Z', expiresOn: null });
  });

  it('negative information stops showing 5 years after the event ended, to the day; auditors still find it', async () => {
    apiClock.at = new Date('2020-03-01T09:00:00Z');
    const { home } = world;
    const record = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2019-10-01', dueDate: '2019-10-31', paidDate: '2020-01-20' });
    expect(record.expiresOn).toBe('2025-01-20');
    const visibleTo = async (client: typeof home.memberB.client, companyId = home.companyB.id): Promise<boolean> => {
      const { records } = await client.ok<{ records: RecordShape[] }>(RECORDS, { companyId, kind: 'TRADE_EXPERIENCE' });
      return records.some((r) => r.id === record.id);
    };
    apiClock.at = new Date('2025-01-19T23:00:00Z');
    expect(await visibleTo(home.memberB.client)).toBe(true);
    expect(await visibleTo(home.coordinator.client)).toBe(true);
    apiClock.at = new Date('2025-01-20T00:30:00Z');
    expect(await visibleTo(home.memberB.client)).toBe(false);
    // nor to the supplier that filed it
    expect(await visibleTo(home.memberA.client, home.companyA.id)).toBe(false);
    expect(await visibleTo(home.coordinator.client)).toBe(false);
    expect((await home.memberB.client.ok<{ record: RecordShape | null }>(RECORD, { id: record.id })).record).toBeNull();
    // kept for audit
    const audit = await world.admin.client.ok<{ records: RecordShape[] }>(RECORDS, { companyId: home.companyB.id, includeExpired: true });
    expect(audit.records.find((r) => r.id === record.id)).toMatchObject({ expiresOn: '2025-01-20' });
    const rows: { n: string }[] = await api.dataSource.query('SELECT count(*) AS n FROM trade_experiences WHERE record_id = $1', [record.id]);
    expect(Number(rows[0].n)).toBe(1);
  });

  it('negative information past its 5 years shows in no dispute list and takes no status move; auditors still find it', async () => {
    const { home } = world;
    // a judgment that ended 2019-03-01 (expires 2024-03-01), disputed and upheld that year
    apiClock.at = new Date('2019-04-01T09:00:00Z');
    const judgmentInput = { subjectCreditCode: home.companyB.creditCode, publicKind: 'JUDGMENT', caseNo: `(2018)浙0302民初${unique()}号`, authority: '温州市鹿城区人民法院', eventDate: '2018-11-01', endedOn: '2019-03-01', amount: '80000.00' };
    const judgment = (await home.coordinator.client.ok<{ filePublicRecord: RecordShape }>(FILE_PUBLIC, { input: judgmentInput })).filePublicRecord;
    expect(judgment.expiresOn).toBe('2024-03-01');
    await home.memberB.client.ok(DISPUTE, { id: judgment.id, reason: '判决已履行完毕' });
    await home.coordinator.client.ok(RESOLVE, { id: judgment.id, resolution: 'RECORD_CONFIRMED', note: '法院记录属实' });
    // bills paid 43 days beyond terms (expire 2024-03-15): one pending, one disputed days before it expired
    const pending = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2019-01-01', dueDate: '2019-01-31', paidDate: '2019-03-15' });
    const disputed = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2019-01-01', dueDate: '2019-01-31', paidDate: '2019-03-15' });
    expect(pending.expiresOn).toBe('2024-03-15');
    apiClock.at = new Date('2024-03-10T09:00:00Z');
    await home.memberB.client.ok(DISPUTE, { id: disputed.id, reason: '已按约付款' });

    apiClock.at = new Date('2025-01-01T09:00:00Z');
    const DISPUTES = `query($c: ID!) { disputes(consortiumId: $c, openOnly: false, limit: 500) { id record { id ... on PublicRecord { caseNo amount authority } } } }`;
    type Listed = { id: string; record: { id: string; caseNo?: string } };
    const listed = async (client: typeof home.coordinator.client): Promise<string[]> =>
      (await client.ok<{ disputes: Listed[] }>(DISPUTES, { c: home.consortium.id })).disputes.map((d) => d.record.id);
    const coordinatorSees = await listed(home.coordinator.client);
    expect(coordinatorSees).not.toContain(judgment.id);
    expect(coordinatorSees).not.toContain(disputed.id);
    expect(await listed(world.admin.client)).toEqual(expect.arrayContaining([judgment.id, disputed.id]));

    // moving an expired record answers as for a record that is not there, and changes nothing
    const code = async (client: typeof home.coordinator.client, document: string, variables: Record<string, unknown>): Promise<unknown> =>
      onlyError(await client.request(document, variables)).extensions?.code;
    expect(await code(home.memberB.client, CONFIRM, { id: pending.id })).toBe('NOT_FOUND');
    expect(await code(home.memberB.client, DISPUTE, { id: pending.id, reason: '已按约付款' })).toBe('NOT_FOUND');
    expect(await code(home.coordinator.client, VERIFY, { id: pending.id })).toBe('NOT_FOUND');
    expect(await code(home.coordinator.client, RESOLVE, { id: disputed.id, resolution: 'RECORD_REJECTED', note: '已过五年' })).toBe('NOT_FOUND');
    const { records } = await world.admin.client.ok<{ records: RecordShape[] }>(RECORDS, { companyId: home.companyB.id, includeExpired: true });
    expect(records.filter((r) => [pending.id, disputed.id].includes(r.id)).map((r) => [r.id, r.status]).sort()).toEqual(
      [
        [pending.id, 'PENDING'],
        [disputed.id, 'DISPUTED'],
      ].sort(),
    );
  });

  it('a dispute shows its 20-day deadline; it is alerted at 15 days and escalated after 20, by timers and in the list', async () => {
    const opened = new Date('2025-05-01T10:00:00Z');
    apiClock.at = opened;
    const { home } = world;
    const record = await reportTrade(home.memberA.client, home.companyB.creditCode);
    await home.memberB.client.ok(DISPUTE, { id: record.id, reason: '金额与合同不符' });
    const timers: { stage: string; run_at: Date }[] = await api.dataSource.query(
      `SELECT payload->>'stage' AS stage, run_at FROM outbox WHERE job_name = 'dispute-deadline.v1' AND payload->>'recordId' = $1 ORDER BY run_at`,
      [record.id],
    );
    expect(timers.map((t) => [t.stage, t.run_at.toISOString()])).toEqual([
      ['alert', '2025-05-16T10:00:00.000Z'],
      ['escalate', '2025-05-21T10:00:00.000Z'],
    ]);

    const DISPUTES = `query($c: ID!) { disputes(consortiumId: $c) { id deadline daysOpen alerted escalated record { id status } } }`;
    type Listed = { id: string; deadline: string; daysOpen: number; alerted: boolean; escalated: boolean; record: { id: string } };
    const mine = async (): Promise<Listed> => {
      const { disputes } = await home.coordinator.client.ok<{ disputes: Listed[] }>(DISPUTES, { c: home.consortium.id });
      return disputes.find((d) => d.record.id === record.id) as Listed;
    };
    expect(await mine()).toMatchObject({ deadline: '2025-05-21T10:00:00.000Z', daysOpen: 0, alerted: false, escalated: false });
    expect(onlyError(await home.memberB.client.request(DISPUTES, { c: home.consortium.id })).extensions?.code).toBe('FORBIDDEN');
    expect(onlyError(await world.other.coordinator.client.request(DISPUTES, { c: home.consortium.id })).extensions?.code).toBe('FORBIDDEN');

    // the worker's timers, on the same moving clock
    const clock = new FixedClock(opened);
    const deadlines = new DisputeDeadlines(api.dataSource, new DisputeRepository(), new NoticeRepository(), new AuditLogRepository(), new OutboxRepository(), clock);
    const coordinatorNotices = async (): Promise<string[]> => {
      const { notices } = await home.coordinator.client.ok<{ notices: { kind: string; recordId: string }[] }>(NOTICES, { n: home.consortium.id });
      return notices.filter((n) => n.recordId === record.id).map((n) => n.kind).sort();
    };
    expect(await coordinatorNotices()).toEqual(['DISPUTE_OPENED']);

    apiClock.at = new Date(opened.getTime() + 15 * DAY + 60_000);
    clock.set(apiClock.at);
    expect(await deadlines.run(record.id, 'alert')).toBe('raised');
    expect(await mine()).toMatchObject({ daysOpen: 15, alerted: true, escalated: false });
    expect(await coordinatorNotices()).toEqual(['DISPUTE_ALERT', 'DISPUTE_OPENED']);

    apiClock.at = new Date(opened.getTime() + 21 * DAY);
    clock.set(apiClock.at);
    expect(await deadlines.run(record.id, 'escalate')).toBe('raised');
    const escalated = await mine();
    expect(escalated).toMatchObject({ daysOpen: 21, escalated: true });
    // escalated disputes lead the list (open ones by deadline)
    const { disputes } = await home.coordinator.client.ok<{ disputes: Listed[] }>(DISPUTES, { c: home.consortium.id });
    expect(disputes[0].escalated).toBe(true);
    expect(await coordinatorNotices()).toEqual(['DISPUTE_ALERT', 'DISPUTE_ESCALATED', 'DISPUTE_OPENED']);
    // the record counts nowhere meanwhile: it is DISPUTED
    expect((await home.memberB.client.ok<{ record: RecordShape }>(RECORD, { id: record.id })).record.status).toBe('DISPUTED');
  });
});
