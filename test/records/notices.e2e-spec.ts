import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { NoticeRepository } from '@app/persistence';
import { onlyError } from '@app/testing';
import { type MovableClock, movableClock, type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';
import { DISPUTE, reportTrade, RESOLVE } from './records-support';

interface Listed {
  readonly id: string;
  readonly kind: string;
  readonly message: string;
  readonly recordId: string | null;
  readonly acknowledgedAt: string | null;
}

const NOTICES = `query($c: ID, $n: ID) { notices(companyId: $c, consortiumId: $n, limit: 200) { id kind message recordId acknowledgedAt } }`;
const ACK = `mutation($id: ID!) { acknowledgeNotice(id: $id) { id acknowledgedAt } }`;

/** Notices with the API's clock moved by the test: what they show past a record's 5 years, and acknowledging one twice at once. */
describe('notices', () => {
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

  it('notices naming negative information past its 5 years show to no member or coordinator', async () => {
    const { home } = world;
    apiClock.at = new Date('2020-03-01T09:00:00Z');
    // paid 81 days beyond terms: negative, expires 5 years after the payment
    const record = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2019-10-01', dueDate: '2019-10-31', paidDate: '2020-01-20' });
    expect(record).toMatchObject({ negative: true, expiresOn: '2025-01-20' });
    await home.memberB.client.ok(DISPUTE, { id: record.id, reason: '已按约付款' });
    await home.coordinator.client.ok(RESOLVE, { id: record.id, resolution: 'RECORD_CONFIRMED', note: '发票记录属实' });
    // a later bill, negative until 2029: its notice stays
    apiClock.at = new Date('2024-06-01T09:00:00Z');
    const later = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2024-03-01', dueDate: '2024-03-31', paidDate: '2024-05-20' });
    expect(later.expiresOn).toBe('2029-05-20');

    type Client = typeof home.memberB.client;
    const kindsAbout = async (client: Client, variables: Record<string, unknown>, recordId: string): Promise<string[]> =>
      (await client.ok<{ notices: Listed[] }>(NOTICES, variables)).notices
        .filter((n) => n.recordId === recordId)
        .map((n) => n.kind)
        .sort();
    const views: [Client, Record<string, unknown>][] = [
      [home.memberB.client, { c: home.companyB.id }],
      [home.coordinator.client, { c: home.companyB.id }],
      [home.memberA.client, { c: home.companyA.id }],
      [home.coordinator.client, { c: home.companyA.id }],
      [home.coordinator.client, { n: home.consortium.id }],
    ];
    const expected = [['DISPUTE_RESOLVED', 'NEGATIVE_INFORMATION'], ['DISPUTE_RESOLVED', 'NEGATIVE_INFORMATION'], ['FILING_DISPUTED', 'FILING_DISPUTE_RESOLVED'], ['FILING_DISPUTED', 'FILING_DISPUTE_RESOLVED'], ['DISPUTE_OPENED']];

    // the day before it expires, each list names it
    apiClock.at = new Date('2025-01-19T23:00:00Z');
    for (const [i, [client, variables]] of views.entries()) expect(await kindsAbout(client, variables, record.id)).toEqual(expected[i]);
    const before = (await home.memberB.client.ok<{ notices: Listed[] }>(NOTICES, { c: home.companyB.id })).notices.find((n) => n.recordId === record.id && n.kind === 'NEGATIVE_INFORMATION');
    expect(before?.message).toMatch(/81 days beyond terms/);

    // from its expiry (the UTC day), none does; the later bill's notice is still there
    apiClock.at = new Date('2025-01-20T00:30:00Z');
    for (const [client, variables] of views) expect(await kindsAbout(client, variables, record.id)).toEqual([]);
    expect(await kindsAbout(home.memberB.client, { c: home.companyB.id }, later.id)).toEqual(['NEGATIVE_INFORMATION']);
    // the notices are kept (for audit): an ADMIN reads the record, not the notice lists
    const kept: { n: string }[] = await api.dataSource.query('SELECT count(*) AS n FROM notices WHERE record_id = $1', [record.id]);
    expect(Number(kept[0].n)).toBe(5);
    expect(onlyError(await world.admin.client.request(NOTICES, { c: home.companyB.id })).extensions?.code).toBe('FORBIDDEN');
  });

  it('two members acknowledging one notice at once both get the first acknowledgement, audited once', async () => {
    const { home } = world;
    apiClock.at = new Date('2025-06-15T08:00:00Z');
    const record = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2025-03-01', dueDate: '2025-03-31', paidDate: '2025-05-15' });
    const { notices } = await home.memberB.client.ok<{ notices: Listed[] }>(NOTICES, { c: home.companyB.id });
    const notice = notices.find((n) => n.recordId === record.id && n.kind === 'NEGATIVE_INFORMATION');
    expect(notice?.acknowledgedAt).toBeNull();
    const second = await world.signIn(await world.factories.user('MEMBER', { companyId: home.companyB.id }));

    // both read the notice before either acknowledges it (as two requests racing would)
    const repo = api.app.get(NoticeRepository);
    const findById = repo.findById.bind(repo);
    const waiting: (() => void)[] = [];
    const timers: NodeJS.Timeout[] = [];
    let released = false;
    const spy = jest.spyOn(repo, 'findById').mockImplementation(async (db, id) => {
      const found = await findById(db, id);
      if (id !== notice?.id || released) return found;
      // the first read waits (at most 5 s) for the second
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === 2) {
          released = true;
          timers.forEach(clearTimeout);
          waiting.forEach((r) => r());
        } else {
          timers.push(setTimeout(resolve, 5000));
        }
      });
      return found;
    });
    try {
      type Acked = { acknowledgeNotice: { id: string; acknowledgedAt: string } };
      const [a, b] = await Promise.all([home.memberB.client.ok<Acked>(ACK, { id: notice?.id }), second.client.ok<Acked>(ACK, { id: notice?.id })]);
      expect(a.acknowledgeNotice.acknowledgedAt).toBe('2025-06-15T08:00:00.000Z');
      expect(b.acknowledgeNotice).toEqual(a.acknowledgeNotice);
    } finally {
      spy.mockRestore();
    }
    const audited: { actor_id: string }[] = await api.dataSource.query(
      `SELECT actor_id FROM audit_log WHERE action = 'notice.acknowledged' AND (content::jsonb -> 'details' ->> 'noticeId') = $1`,
      [notice?.id],
    );
    expect(audited).toHaveLength(1);
    // the one audited is the one the notice names as acknowledging it
    const stored: { acknowledged_by: string }[] = await api.dataSource.query('SELECT acknowledged_by FROM notices WHERE id = $1', [notice?.id]);
    expect([home.memberB.user.id, second.user.id]).toContain(stored[0].acknowledged_by);
    expect(audited[0].actor_id).toBe(stored[0].acknowledged_by);
  });
});
