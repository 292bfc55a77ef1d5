import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Clock } from '@app/domain';
import { onlyError } from '@app/testing';
import { type RunningApi, startApi } from '../support/api';
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

/** Notices with the API's clock moved by the test: what they show past a record's 5 years. */
describe('notices', () => {
  let api: RunningApi;
  let world: World;
  let now: Date;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    jest.spyOn(api.app.get(Clock), 'now').mockImplementation(() => new Date(now.getTime()));
  });
  afterEach(() => {
    now = new Date();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await api.close();
  });

  it('notices naming negative information past its 5 years show to no member or coordinator', async () => {
    const { home } = world;
    now = new Date('2020-03-01T09:00:00Z');
    // paid 81 days beyond terms: negative, expires 5 years after the payment
    const record = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2019-10-01', dueDate: '2019-10-31', paidDate: '2020-01-20' });
    expect(record).toMatchObject({ negative: true, expiresOn: '2025-01-20' });
    await home.memberB.client.ok(DISPUTE, { id: record.id, reason: '已按约付款' });
    await home.coordinator.client.ok(RESOLVE, { id: record.id, resolution: 'RECORD_CONFIRMED', note: '发票记录属实' });
    // a later bill, negative until 2029: its notice stays
    now = new Date('2024-06-01T09:00:00Z');
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
    now = new Date('2025-01-19T23:00:00Z');
    for (const [i, [client, variables]] of views.entries()) expect(await kindsAbout(client, variables, record.id)).toEqual(expected[i]);
    const before = (await home.memberB.client.ok<{ notices: Listed[] }>(NOTICES, { c: home.companyB.id })).notices.find((n) => n.recordId === record.id && n.kind === 'NEGATIVE_INFORMATION');
    expect(before?.message).toMatch(/81 days beyond terms/);

    // from its expiry (the UTC day), none does; the later bill's notice is still there
    now = new Date('2025-01-20T00:30:00Z');
    for (const [client, variables] of views) expect(await kindsAbout(client, variables, record.id)).toEqual([]);
    expect(await kindsAbout(home.memberB.client, { c: home.companyB.id }, later.id)).toEqual(['NEGATIVE_INFORMATION']);
    // the notices are kept (for audit): an ADMIN reads the record, not the notice lists
    const kept: { n: string }[] = await api.dataSource.query('SELECT count(*) AS n FROM notices WHERE record_id = $1', [record.id]);
    expect(Number(kept[0].n)).toBe(5);
    expect(onlyError(await world.admin.client.request(NOTICES, { c: home.companyB.id })).extensions?.code).toBe('FORBIDDEN');
  });
});
