import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { onlyError } from '@app/testing';
import { type MovableClock, movableClock, type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';
import { EXPLAIN, RECORD, type RecordShape, reportTrade } from './records-support';

type Explained = RecordShape & { subjectStatement: { statement: string; madeAt: string } | null };

/**
 * The subject's statement on negative information about it (征信业管理条例 Art. 16): its
 * members add it, whoever reads the record reads it, it changes no rating, and it goes
 * when the record's 5 years are over.
 */
describe('a subject explains negative information about it', () => {
  let api: RunningApi;
  let world: World;
  let apiClock: MovableClock;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    apiClock = movableClock(api);
    apiClock.at = new Date('2025-06-15T08:00:00Z');
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await api.close();
  });

  const explain = async (statement: string, id: string, key?: string): Promise<Explained> =>
    (await world.home.memberB.client.ok<{ explainRecord: Explained }>(EXPLAIN, { id, statement, key })).explainRecord;
  const written = async (recordId: string): Promise<{ statements: number; audits: number; outbox: number }> => {
    const [row] = await api.dataSource.query(
      `SELECT (SELECT count(*) FROM record_statements WHERE record_id = $1)::int AS statements,
              (SELECT count(*) FROM audit_log WHERE action = 'record.explained' AND content LIKE '%' || $1::text || '%')::int AS audits,
              (SELECT count(*) FROM outbox)::int AS outbox`,
      [recordId],
    );
    return row;
  };

  it('only its members add one, to negative information; whoever reads the record reads the latest; no rating moves', async () => {
    const { home } = world;
    // paid 45 days beyond terms: negative
    const late = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2025-03-01', dueDate: '2025-03-31', paidDate: '2025-05-15' });
    expect(late.negative).toBe(true);
    const before = await written(late.id);

    const first = await explain('货款延迟系客户退货纠纷所致，已于5月15日结清', late.id);
    expect(first).toMatchObject({ id: late.id, status: late.status, subjectStatement: { statement: '货款延迟系客户退货纠纷所致，已于5月15日结清', madeAt: apiClock.at.toISOString() } });
    // the filer and the coordinator read it with the record
    for (const reader of [home.memberA, home.coordinator]) {
      const { record } = await reader.client.ok<{ record: Explained }>(`query($id: ID!) { record(id: $id) { id subjectStatement { statement } } }`, { id: late.id });
      expect(record.subjectStatement?.statement).toBe('货款延迟系客户退货纠纷所致，已于5月15日结清');
    }
    // the same statement again writes nothing; another replaces it, the first kept for audit
    await explain('货款延迟系客户退货纠纷所致，已于5月15日结清', late.id);
    apiClock.at = new Date('2025-06-16T08:00:00Z');
    const second = await explain('已与供应商对账确认', late.id);
    expect(second.subjectStatement).toEqual({ statement: '已与供应商对账确认', madeAt: apiClock.at.toISOString() });
    // two statements, two audit entries, and nothing for the pipeline: a statement rates nothing
    expect(await written(late.id)).toEqual({ statements: before.statements + 2, audits: before.audits + 2, outbox: before.outbox });

    // not the filer, not the coordinator, not another company's member
    for (const caller of [home.memberA, home.coordinator, world.other.memberA, world.banker]) {
      expect(onlyError(await caller.client.request(EXPLAIN, { id: late.id, statement: '越权声明' })).extensions?.code).toBe('FORBIDDEN');
    }
    // a record that is not negative takes none
    const onTime = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2025-03-01', dueDate: '2025-03-31', paidDate: '2025-03-30' });
    expect(onlyError(await home.memberB.client.request(EXPLAIN, { id: onTime.id, statement: '按时付款' })).extensions?.code).toBe('CONFLICT');
    expect((await written(onTime.id)).statements).toBe(0);
  });

  it('bad input names the field and writes nothing; a key replays the first answer', async () => {
    const { home } = world;
    apiClock.at = new Date('2025-06-15T08:00:00Z');
    const late = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2025-02-01', dueDate: '2025-03-01', paidDate: '2025-05-01' });
    const before = await written(late.id);
    for (const [variables, field] of [
      [{ id: late.id, statement: '   ' }, 'statement'],
      [{ id: late.id, statement: '说'.repeat(1001) }, 'statement'],
      [{ id: 'not-an-id', statement: '声明' }, 'id'],
    ] as const) {
      expect(onlyError(await home.memberB.client.request(EXPLAIN, variables)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await written(late.id)).toEqual(before);

    const key = `explain-${late.id}`;
    const answered = await explain('首次声明', late.id, key);
    apiClock.at = new Date('2025-06-17T08:00:00Z');
    expect(await explain('首次声明', late.id, key)).toEqual(answered);
    expect(onlyError(await home.memberB.client.request(EXPLAIN, { id: late.id, statement: '另一声明', key })).extensions?.code).toBe('CONFLICT');
    expect((await written(late.id)).statements).toBe(before.statements + 1);
  });

  it("goes with the record when its 5 years are over: no member reads it, none adds one", async () => {
    const { home } = world;
    apiClock.at = new Date('2025-06-15T08:00:00Z');
    const late = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2025-01-01', dueDate: '2025-01-31', paidDate: '2025-04-30' });
    expect(late.expiresOn).toBe('2030-04-30');
    await explain('声明在有效期内', late.id);
    apiClock.at = new Date('2030-04-30T08:00:00Z');
    expect((await home.memberB.client.ok<{ record: unknown }>(RECORD, { id: late.id })).record).toBeNull();
    expect(onlyError(await home.memberB.client.request(EXPLAIN, { id: late.id, statement: '过期后的声明' })).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    // kept for audit: an ADMIN still reads the record and its statement
    const { record } = await world.admin.client.ok<{ record: Explained | null }>(`query($id: ID!) { record(id: $id) { id subjectStatement { statement } } }`, { id: late.id });
    expect(record?.subjectStatement?.statement).toBe('声明在有效期内');
  });
});
