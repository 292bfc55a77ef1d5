import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, toCalendarDate } from '@app/domain';
import { OutboxRepository } from '@app/persistence';
import { Factories } from '@app/testing';
import { signIn, type SignedIn } from '../support/world';
import { CONFIRM, REPORT_TRADE, tradeInput } from '../records/records-support';
import { eventually, type IsolatedPipeline } from './pipeline-support';
import { inParallel, type PrivateRedis, timedGet, timedGraphql } from './fault-support';
import { type FaultMember, type RedisFaultRig, redisFaultRig } from './redis-fault-rig';

/**
 * Fault (1) of issue 5: Redis is stopped while members file and confirm 1,000 trade
 * experiences. Mutations write their outbox rows in PostgreSQL only, so every one succeeds
 * and reads go on; the rows wait unsent. When Redis returns (empty: it kept nothing), the
 * relay catches up and every company is rated with every record it got, none missed.
 */

const COMPANIES = 20;
const SUBMISSIONS = 1_000;
/** no call may take longer than this while Redis is down: the API must not wait for it */
const PROMPT_MS = 3_000;

const RATING = `query($id: ID!) { company(id: $id) { id name rating { verifiedRecords computedAt } } }`;

describe('fault: Redis stopped during 1,000 record submissions', () => {
  let rig: RedisFaultRig;
  let redis: PrivateRedis;
  let pipeline: IsolatedPipeline;
  const members: FaultMember[] = [];
  let coordinator: SignedIn;
  /** confirmed trade experiences per subject (the debtor) */
  const confirmed = new Map<string, number>();
  const today = toCalendarDate(new Date());
  // paid before the due date: not negative information, so it counts at once (no notice period)
  const onTime = { invoiceDate: addDays(today, -60), dueDate: addDays(today, -20), paidDate: addDays(today, -25) };

  beforeAll(async () => {
    rig = await redisFaultRig('fault_redis', COMPANIES);
    ({ redis, pipeline } = rig);
    members.push(...rig.members);
    coordinator = await signIn(pipeline.api, await new Factories(pipeline.api.dataSource).user('COORDINATOR', { consortiumId: rig.consortium.id }));
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  /** creditor files an on-time invoice of debtor, and debtor confirms it: one submission */
  const submit = async (creditor: FaultMember, debtor: FaultMember): Promise<{ ms: number }> => {
    const started = Date.now();
    const reported = await timedGraphql<{ reportTradeExperience: { id: string } }>(
      pipeline.api.url,
      creditor.member.token,
      REPORT_TRADE,
      { input: tradeInput(debtor.company.creditCode, onTime) },
    );
    if (reported.errors?.length || !reported.data) throw new Error(`report failed: ${reported.text.slice(0, 300)}`);
    const confirmation = await timedGraphql<{ confirmRecord: { status: string } }>(pipeline.api.url, debtor.member.token, CONFIRM, {
      id: reported.data.reportTradeExperience.id,
    });
    if (confirmation.errors?.length || confirmation.data?.confirmRecord.status !== 'VERIFIED') throw new Error(`confirm failed: ${confirmation.text.slice(0, 300)}`);
    confirmed.set(debtor.company.id, (confirmed.get(debtor.company.id) ?? 0) + 1);
    return { ms: Math.max(reported.ms, confirmation.ms, Date.now() - started) };
  };

  const ratingOf = async (companyId: string): Promise<{ verifiedRecords: number; computedAt: string } | null> => {
    const answer = await timedGraphql<{ company: { rating: { verifiedRecords: number; computedAt: string } | null } }>(
      pipeline.api.url,
      coordinator.token,
      RATING,
      { id: companyId },
    );
    if (answer.errors?.length || !answer.data) throw new Error(`the read failed: ${answer.text.slice(0, 300)}`);
    return answer.data.company.rating;
  };
  const unsent = (): Promise<number> => new OutboxRepository().countUnsent(pipeline.api.dataSource.manager);

  it('every submission succeeds while Redis is down, reads go on, and every company is rated with all its records once Redis returns', async () => {
    const db = pipeline.api.dataSource;

    // with Redis up: one confirmed record per company, rated; nothing left in flight
    await inParallel(members, 5, (m, i) => submit(m, members[(i + 1) % COMPANIES]));
    for (const m of members) {
      await eventually(async () => ((await ratingOf(m.company.id))?.verifiedRecords === 1 ? true : undefined), 30_000, `the first rating of company ${m.company.name}`);
    }
    await eventually(async () => ((await unsent()) === 0 ? true : undefined), 20_000, 'the relay to drain');
    const ratingsBefore = Number((await db.query('SELECT count(*) AS n FROM ratings'))[0].n);
    const lastOutboxBefore = String((await db.query('SELECT coalesce(max(id), 0) AS id FROM outbox'))[0].id);

    // Redis goes away
    await redis.stop();
    const ready = await timedGet(`${pipeline.api.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.text).toContain('redis');
    expect(ready.ms).toBeLessThan(PROMPT_MS);

    // 1,000 submissions (report + confirm), every company the debtor of 50, with reads in between
    const plan = Array.from({ length: SUBMISSIONS }, (_, i) => {
      const creditor = i % COMPANIES;
      const debtor = (creditor + 1 + (Math.floor(i / COMPANIES) % (COMPANIES - 1))) % COMPANIES;
      return { creditor: members[creditor], debtor: members[debtor] };
    });
    const started = Date.now();
    let slowest = 0;
    let reads = 0;
    await inParallel(plan, 8, async ({ creditor, debtor }, i) => {
      const { ms } = await submit(creditor, debtor);
      slowest = Math.max(slowest, ms);
      if (i % 25 === 0) {
        const read = await timedGraphql<{ company: { id: string } }>(pipeline.api.url, coordinator.token, RATING, { id: debtor.company.id });
        expect(read.errors).toBeUndefined();
        expect(read.data?.company.id).toBe(debtor.company.id);
        slowest = Math.max(slowest, read.ms);
        reads++;
      }
    });
    const outage = Date.now() - started;
    expect(reads).toBe(SUBMISSIONS / 25);
    expect(slowest).toBeLessThan(PROMPT_MS);

    // nothing reached Redis: every row of the outage waits in the outbox, and no rating moved
    const waiting = await unsent();
    expect(waiting).toBeGreaterThanOrEqual(SUBMISSIONS);
    const sentDuringOutage = Number((await db.query('SELECT count(*) AS n FROM outbox WHERE id > $1 AND sent_at IS NOT NULL', [lastOutboxBefore]))[0].n);
    expect(sentDuringOutage).toBe(0);
    expect(Number((await db.query('SELECT count(*) AS n FROM ratings'))[0].n)).toBe(ratingsBefore);
    for (const m of members) expect(confirmed.get(m.company.id)).toBe(1 + SUBMISSIONS / COMPANIES);

    // Redis returns, on the same port, empty
    await redis.start();
    const back = Date.now();
    await eventually(async () => ((await unsent()) === 0 ? true : undefined), 30_000, 'the relay to catch up');
    const caughtUp = Date.now() - back;
    for (const m of members) {
      const expected = confirmed.get(m.company.id) as number;
      await eventually(
        async () => ((await ratingOf(m.company.id))?.verifiedRecords === expected ? true : undefined),
        30_000,
        `company ${m.company.name} to be rated with its ${expected} records`,
      );
    }
    const allRated = Date.now() - back;

    // the database agrees: each company's current rating counts every verified record it has
    const rows: { company_id: string; verified_records: number; records: string }[] = await db.query(
      `SELECT c.id AS company_id, cur.verified_records,
              (SELECT count(*) FROM trade_experiences t WHERE t.subject_id = c.id AND t.is_current AND t.status = 'VERIFIED') AS records
       FROM companies c
       CROSS JOIN LATERAL (SELECT verified_records FROM ratings r WHERE r.company_id = c.id ORDER BY r.id DESC LIMIT 1) cur
       WHERE c.id = ANY($1::uuid[])`,
      [members.map((m) => m.company.id)],
    );
    expect(rows).toHaveLength(COMPANIES);
    for (const row of rows) expect(row.verified_records).toBe(Number(row.records));
    expect(await ratingOf(members[0].company.id)).not.toBeNull();
    const readyAgain = await eventually(async () => {
      const answer = await timedGet(`${pipeline.api.url}/health/ready`);
      return answer.status === 200 ? answer : undefined;
    }, 10_000, 'the API to be ready again');
    expect(readyAgain.status).toBe(200);
    process.stdout.write(
      `fault-redis: ${SUBMISSIONS} submissions in ${outage} ms with Redis down (slowest call ${slowest} ms), ${waiting} outbox rows waited; ` +
        `relay caught up ${caughtUp} ms and every company rated ${allRated} ms after Redis returned\n`,
    );
  }, 150_000);
});
