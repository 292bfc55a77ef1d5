import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Company } from '@app/domain';
import { InquiryRepository } from '@app/persistence';
import { onlyError } from '@app/testing';
import { type MovableClock, movableClock, type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';
import { BANK_RATING, freshCompany, grant } from './bank-support';

/** the last 12 months, as a company asks for them: `from` inclusive, `to` exclusive */
const FROM = new Date('2023-07-01T00:00:00Z');
const TO = new Date('2024-07-01T00:00:00Z');
const MS = 1;

const WINDOW = `query($c: ID!, $from: DateTime, $to: DateTime, $limit: Int, $offset: Int) {
  inquiries(companyId: $c, from: $from, to: $to, limit: $limit, offset: $offset) { id at purpose bank { id } }
}`;

/** What the test wrote: each read's inquiry, its time, and the consent the read went under. */
interface Written {
  readonly id: string;
  readonly at: Date;
  readonly consentId: string;
}

/** Newest first, ties by id, newest id first: the order the log promises. */
const newestFirst = (a: Written, b: Written): number => b.at.getTime() - a.at.getTime() || (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0);

/**
 * The access log over a time window (reliability scenario 33: the subject's view lists 100% of
 * the reads of the last 12 months). Every inquiry is written by a real bank read over HTTP with
 * the API's clock moved, so each carries the time and the consent the product gives it.
 */
describe('the access log over a time window', () => {
  let api: RunningApi;
  let world: World;
  let apiClock: MovableClock;
  let company: Company;
  let member: SignedIn;
  let neighbour: Company;
  const written: Written[] = [];
  const consents: string[] = [];

  const readAt = async (at: Date, consentId: string, creditCode = company.creditCode, log: Written[] | null = written): Promise<void> => {
    apiClock.at = at;
    const purposes = ['LOAN_APPLICATION', 'ACCOUNT_REVIEW', 'MONITORING'];
    const { bankRating } = await world.banker.client.ok<{ bankRating: { inquiryId: string; readAt: string } }>(BANK_RATING, {
      code: creditCode,
      purpose: purposes[written.length % purposes.length],
    });
    expect(new Date(bankRating.readAt)).toEqual(at);
    log?.push({ id: bankRating.inquiryId, at, consentId });
  };

  const list = async (who: SignedIn, variables: Record<string, unknown>): Promise<{ id: string; at: string }[]> =>
    (await who.client.ok<{ inquiries: { id: string; at: string }[] }>(WINDOW, { c: company.id, ...variables })).inquiries;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    apiClock = movableClock(api);
    ({ company, member } = await freshCompany(world));
    const other = await freshCompany(world);
    neighbour = other.company;

    // consent A, given 25 months before the window's end; read twice a month for the 12 months before the window
    apiClock.at = new Date('2022-06-01T08:00:00Z');
    consents.push((await grant(member, world.bank.id)).id);
    for (let month = 0; month < 12; month += 1) {
      await readAt(new Date(Date.UTC(2022, 6 + month, 5, 9, 0, 0)), consents[0]);
      await readAt(new Date(Date.UTC(2022, 6 + month, 20, 15, 30, 0, 250)), consents[0]);
    }
    // consent B replaces A just before the window; every later read goes under B
    apiClock.at = new Date('2023-06-25T10:00:00Z');
    consents.push((await grant(member, world.bank.id)).id);
    await readAt(new Date(FROM.getTime() - MS), consents[1]);
    for (let i = 0; i < 6; i += 1) await readAt(FROM, consents[1]); // six reads at the very instant the window opens
    for (let month = 0; month < 12; month += 1) {
      await readAt(new Date(Date.UTC(2023, 6 + month, 5, 9, 0, 0)), consents[1]);
      await readAt(new Date(Date.UTC(2023, 6 + month, 20, 15, 30, 0, 250)), consents[1]);
    }
    for (let i = 0; i < 10; i += 1) await readAt(new Date('2024-01-15T00:00:00Z'), consents[1]); // ten at one instant mid-window
    await readAt(new Date(TO.getTime() - MS), consents[1]);
    for (let i = 0; i < 3; i += 1) await readAt(TO, consents[1]); // at the instant the window closes: outside it
    await readAt(new Date(TO.getTime() + 86_400_000), consents[1]);

    // another company read in the same window: never in this company's log
    apiClock.at = new Date('2023-06-25T10:00:00Z');
    await grant(other.member, world.bank.id);
    for (const at of [FROM, new Date('2024-01-15T00:00:00Z')]) await readAt(at, '', neighbour.creditCode, null);
    apiClock.at = new Date();
  }, 120_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await api.close();
  });

  const inWindow = (): Written[] => written.filter((w) => w.at >= FROM && w.at < TO).sort(newestFirst);

  it('lists exactly the reads of the last 12 months, newest first with ties by id, and the whole log without a window', async () => {
    const expected = inWindow();
    expect(written).toHaveLength(24 + 1 + 6 + 24 + 10 + 1 + 3 + 1);
    expect(expected).toHaveLength(6 + 24 + 10 + 1);

    const seen = await list(member, { from: FROM.toISOString(), to: TO.toISOString() });
    expect(seen.map((i) => i.id)).toEqual(expected.map((w) => w.id));
    expect(seen.map((i) => i.at)).toEqual(expected.map((w) => w.at.toISOString()));
    // the coordinator sees the same window
    expect((await list(world.home.coordinator, { from: FROM.toISOString(), to: TO.toISOString() })).map((i) => i.id)).toEqual(expected.map((w) => w.id));
    // no window: every read of the company, 24 months and more, and none of the neighbour's
    expect((await list(member, {})).map((i) => i.id)).toEqual([...written].sort(newestFirst).map((w) => w.id));
  });

  it('a window opens at `from` (inclusive) and closes at `to` (exclusive)', async () => {
    const ids = new Set((await list(member, { from: FROM.toISOString(), to: TO.toISOString() })).map((i) => i.id));
    const at = (instant: Date) => written.filter((w) => w.at.getTime() === instant.getTime()).map((w) => w.id);
    expect(at(FROM)).toHaveLength(6);
    for (const id of at(FROM)) expect(ids.has(id)).toBe(true);
    expect(at(new Date(TO.getTime() - MS))).toHaveLength(1);
    for (const id of at(new Date(TO.getTime() - MS))) expect(ids.has(id)).toBe(true);
    expect(at(TO)).toHaveLength(3);
    for (const id of at(TO)) expect(ids.has(id)).toBe(false);
    expect(at(new Date(FROM.getTime() - MS))).toHaveLength(1);
    for (const id of at(new Date(FROM.getTime() - MS))) expect(ids.has(id)).toBe(false);

    // one side open: from alone reaches the newest, to alone the oldest
    const fromOnly = await list(member, { from: FROM.toISOString() });
    expect(fromOnly.map((i) => i.id)).toEqual(written.filter((w) => w.at >= FROM).sort(newestFirst).map((w) => w.id));
    const toOnly = await list(member, { to: FROM.toISOString() });
    expect(toOnly.map((i) => i.id)).toEqual(written.filter((w) => w.at < FROM).sort(newestFirst).map((w) => w.id));
    // an empty window (from equal to to) is no error, and holds nothing
    expect(await list(member, { from: FROM.toISOString(), to: FROM.toISOString() })).toEqual([]);
  });

  it('paging through the window with a small limit returns every read exactly once, in order', async () => {
    const expected = inWindow().map((w) => w.id);
    const limit = 4;
    const pages: string[][] = [];
    // bounded: a log that never ends its last page fails here rather than looping
    for (let offset = 0; offset <= expected.length + limit; offset += limit) {
      const page = (await list(member, { from: FROM.toISOString(), to: TO.toISOString(), limit, offset })).map((i) => i.id);
      expect(page.length).toBeLessThanOrEqual(limit);
      pages.push(page);
      if (page.length < limit) break;
    }
    const all = pages.flat();
    expect(pages).toHaveLength(Math.floor(expected.length / limit) + 1);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expected);
    // the ten reads of one instant are split across pages, and still each comes once
    const tied = written.filter((w) => w.at.getTime() === Date.parse('2024-01-15T00:00:00Z')).map((w) => w.id);
    expect(pages.filter((p) => p.some((id) => tied.includes(id))).length).toBeGreaterThan(1);
  });

  it('each inquiry names the consent its read went under', async () => {
    expect(new Set(consents).size).toBe(2);
    const rows: { id: string; consent_id: string }[] = await api.dataSource.query('SELECT id, consent_id FROM inquiries WHERE company_id = $1 ORDER BY id', [company.id]);
    expect(rows.map((r) => [String(r.id), r.consent_id])).toEqual(
      [...written].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)).map((w) => [w.id, w.consentId]),
    );
  });

  it('a window that ends before it starts, or a malformed instant, is bad input naming the argument, and reads nothing', async () => {
    const reads = jest.spyOn(api.app.get(InquiryRepository), 'listByCompany');
    try {
      const backwards = onlyError(await member.client.request(WINDOW, { c: company.id, from: TO.toISOString(), to: FROM.toISOString() }));
      expect(backwards.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
      const byAMillisecond = onlyError(await member.client.request(WINDOW, { c: company.id, from: new Date(FROM.getTime() + MS).toISOString(), to: FROM.toISOString() }));
      expect(byAMillisecond.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
      for (const [variables, field] of [
        [{ from: '2023-07-01' }, 'from'],
        [{ to: '2024-07-01T00:00:00' }, 'to'],
        [{ from: 1688169600000 }, 'from'],
      ] as const) {
        expect(onlyError(await member.client.request(WINDOW, { c: company.id, ...variables })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      const literal = onlyError(await member.client.request(`query($c: ID!) { inquiries(companyId: $c, to: "next year") { id } }`, { c: company.id }));
      expect(literal.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
  });

  it('a window changes nobody\'s access: a fellow member, another consortium\'s coordinator and the bank are refused', async () => {
    for (const outsider of [world.home.memberA, world.other.coordinator, world.banker]) {
      const refused = onlyError(await outsider.client.request(WINDOW, { c: company.id, from: FROM.toISOString(), to: TO.toISOString() }));
      expect(refused.extensions?.code).toBe('FORBIDDEN');
    }
    // the neighbour's own member sees only the neighbour's reads
    const theirs = await world.signIn(await world.factories.user('MEMBER', { companyId: neighbour.id }));
    const seen = await theirs.client.ok<{ inquiries: { id: string }[] }>(WINDOW, { c: neighbour.id, from: FROM.toISOString(), to: TO.toISOString() });
    expect(seen.inquiries).toHaveLength(2);
    expect(seen.inquiries.some((i) => written.some((w) => w.id === i.id))).toBe(false);
  });
});
