import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, type Company, daysBetween, toCalendarDate } from '@app/domain';
import { JobName, QueueName } from '@app/jobs';
import { type OutboxMessage, OutboxRepository, ScoringInputRepository, StandingInputRepository } from '@app/persistence';
import { type Job, Queue } from 'bullmq';
import IORedis from 'ioredis';
import { createWorld, type SignedIn, type World } from '../support/world';
import { CONFIRM, REPORT_TRADE, type RecordShape, tradeInput, unique, VERIFY } from '../records/records-support';
import { eventually, type IsolatedPipeline, isolatedPipeline, ratingsSettled, type RunningWorker } from './pipeline-support';

/**
 * Reliability scenario 8 (docs/reliability.md): changes to one company are recomputed one run
 * at a time (BullMQ keepLastIfActive), what arrives while a run waits or runs merged into the
 * next, and the last run reads the last change; a wave of changes to many members of one
 * consortium costs one standing (recompute-standing.v1 waits 2 s for more of the same).
 * recompute-company.v1 has no such wait: how many runs 200 updates cost depends on how long a
 * run takes against the time between updates (so the test reports the count and asserts only
 * what keepLastIfActive guarantees).
 *
 * The trade lines are invoiced 15 months ago: inside the payment factor's 24 months, outside
 * the 12 months of trade volume the network factor reads. No company's rating then depends on
 * another's PD, so a rating is a function of its own records alone, and "a fresh recompute
 * writes nothing" is an exact oracle (with partners in the network, a partner's move under
 * NETWORK_FANOUT_POINTS legitimately leaves a rating behind until its next recompute).
 */

const UPDATES = 200;
const SPREAD_MS = 5_000;
/** invoices updated side by side (one client's mutations in a row are too slow for 200 in 5 s), each STEPS times */
const LANES = 10;
const STEPS = UPDATES / LANES;
/** the worst delay of the tests' last versions, in days beyond terms (30 would make it negative information) */
const LATE = 25;

interface PaymentFigures {
  experiences: number;
  worstDaysBeyondTerms: number;
  weightedDaysBeyondTerms: number;
}

interface CurrentRating {
  id: string;
  data_version: string;
  computed_at: Date;
  payment: { status: string; figures?: PaymentFigures } | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('recompute debounce: many changes, few jobs, the last change counted (reliability scenario 8)', () => {
  let pipeline: IsolatedPipeline;
  let worker: RunningWorker;
  let world: World;
  let connection: IORedis;
  let ratings: Queue;

  beforeAll(async () => {
    pipeline = await isolatedPipeline('debounce');
    worker = await pipeline.startWorker();
    world = await createWorld(pipeline.api);
    connection = new IORedis(pipeline.config.redisUrl, { maxRetriesPerRequest: null });
    ratings = new Queue(QueueName.RATINGS, { connection, prefix: pipeline.config.queuePrefix });
  });

  afterAll(async () => {
    await ratings?.close();
    connection?.disconnect();
    await worker?.close();
    await pipeline?.api.close();
    await pipeline?.drop();
  });

  const db = () => pipeline.api.dataSource;
  const today = () => toCalendarDate(new Date());
  const quiet = () => ratingsSettled(db(), ratings);
  /** the ratings queue's jobs that started running at or after `since`, run to their end (call once settled) */
  const ranSince = async (since: number): Promise<Job[]> =>
    (await ratings.getJobs(['completed', 'failed'], 0, 20_000)).filter((j): j is Job => Boolean(j) && (j.processedOn ?? 0) >= since);
  const ofCompany = (jobs: Job[], companyId: string) => jobs.filter((j) => j.name === JobName.RECOMPUTE_COMPANY && j.data.companyId === companyId);
  const ofStanding = (jobs: Job[], consortiumId: string) => jobs.filter((j) => j.name === JobName.RECOMPUTE_STANDING && j.data.consortiumId === consortiumId);
  const maxId = async (table: 'ratings' | 'consortium_standings' | 'outbox'): Promise<string> =>
    ((await db().query(`SELECT coalesce(max(id), 0)::text AS id FROM ${table}`)) as { id: string }[])[0].id;
  const queue = (message: OutboxMessage) => db().transaction((tx) => new OutboxRepository().add(tx, [message]));
  /** trade dates 15 months back: in the payment window (24 months), out of the network's trade volume (12 months) */
  const tradeDates = (daysLate: number) => {
    const invoiceDate = addDays(today(), -450);
    const dueDate = addDays(invoiceDate, 30);
    return { invoiceDate, dueDate, paidDate: addDays(dueDate, daysLate) };
  };
  /** the company's current rating, with its payment-behaviour factor as the engine stored it */
  const current = async (companyId: string): Promise<CurrentRating> =>
    (
      (await db().query(
        `SELECT id, data_version, computed_at, (SELECT f FROM jsonb_array_elements(detail->'factorResults') f WHERE f->>'factor' = 'PAYMENT_BEHAVIOUR') AS payment
         FROM ratings WHERE company_id = $1 ORDER BY id DESC LIMIT 1`,
        [companyId],
      )) as CurrentRating[]
    )[0];
  /** the consortium's last standing was computed from what its computer reads now (its data version, a digest of it all) */
  const standingIsCurrent = async (consortiumId: string): Promise<boolean> => {
    const rows: { data_version: string; model_version: string }[] = await db().query(
      'SELECT data_version, model_version FROM consortium_standings WHERE consortium_id = $1 ORDER BY id DESC LIMIT 1',
      [consortiumId],
    );
    const source = await new StandingInputRepository().load(db().manager, consortiumId, today());
    return rows[0]?.data_version === createHash('sha1').update(JSON.stringify(source)).update(`|${rows[0]?.model_version}`).digest('hex');
  };
  const fileTrade = async (supplier: SignedIn, debtor: Company, fields: Record<string, unknown>): Promise<RecordShape> =>
    (await supplier.client.ok<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, { input: tradeInput(debtor.creditCode, fields) })).reportTradeExperience;

  it(`${UPDATES} updates of one company's records through the API over about 5 s: one recompute at a time, fewer runs than updates, and the final rating counts the last version of each`, async () => {
    const { home } = world;
    const subject = home.companyB;
    const [supplier, buyer] = [home.memberA, home.memberB];

    // LANES invoices of the subject, each filed by the supplier and confirmed by the buyer; then
    // each is filed again and again. Version v of lane l: an amount of its own, paid 0..19 days
    // late, except the last version, 21..25 days late (so the worst delay, LATE, is a last
    // version's, and the weighted delay is the last versions' alone)
    const lastVersion = 1 + STEPS / 2;
    const versionOf = (lane: number, v: number) => ({
      invoiceNo: `FP-${lane}-${unique()}`,
      amount: `${40_000 + 1_000 * lane + 7 * v}.00`,
      ...tradeDates(v === lastVersion ? LATE - 4 + (lane % 5) : (v + lane) % 20),
    });
    const lines: RecordShape[] = [];
    for (let lane = 0; lane < LANES; lane++) {
      const line = await fileTrade(supplier, subject, versionOf(lane, 1));
      await buyer.client.ok(CONFIRM, { id: line.id });
      lines.push(line);
    }
    const invoiceOf = (lane: number) => lines[lane].invoiceNo as string;
    await quiet();

    const ratingsBefore = await maxId('ratings');
    const standingsBefore = await maxId('consortium_standings');
    const outboxBefore = await maxId('outbox');
    const started = Date.now();
    let lastUpdateAt = 0;
    // one update every SPREAD_MS / UPDATES ms, the lanes taking turns: in a lane, the supplier
    // files the next version (pending: the line stops counting), then the buyer confirms it
    // (verified: it counts again, with its new figures)
    await Promise.all(
      lines.map(async (line, lane) => {
        for (let step = 0; step < STEPS; step++) {
          const due = started + ((step * LANES + lane) * SPREAD_MS) / UPDATES;
          if (due > Date.now()) await sleep(due - Date.now());
          const version = 2 + Math.floor(step / 2);
          lastUpdateAt = Math.max(lastUpdateAt, Date.now());
          if (step % 2 === 0) {
            const filed = await fileTrade(supplier, subject, { ...versionOf(lane, version), invoiceNo: invoiceOf(lane) });
            expect([filed.id, filed.version, filed.status]).toEqual([line.id, version, 'PENDING']);
          } else {
            const confirmed = await buyer.client.ok<{ confirmRecord: RecordShape }>(CONFIRM, { id: line.id });
            expect([confirmed.confirmRecord.version, confirmed.confirmRecord.status]).toEqual([version, 'VERIFIED']);
          }
        }
      }),
    );
    const spanMs = Date.now() - started;
    await quiet();

    const ran = await ranSince(started);
    const companyJobs = ofCompany(ran, subject.id).sort((a, b) => (a.processedOn ?? 0) - (b.processedOn ?? 0));
    const standingJobs = ofStanding(ran, home.consortium.id);
    // the recomputes of the subject the updates asked for (one per mutation), as the relay moved them to BullMQ
    const asked: { n: number }[] = await db().query(`SELECT count(*)::int AS n FROM outbox WHERE id > $1 AND job_name = $2 AND payload->>'companyId' = $3`, [
      outboxBefore,
      JobName.RECOMPUTE_COMPANY,
      subject.id,
    ]);
    const written: { n: number }[] = await db().query('SELECT count(*)::int AS n FROM ratings WHERE company_id = $1 AND id > $2', [subject.id, ratingsBefore]);
    const standingsWritten: { n: number }[] = await db().query('SELECT count(*)::int AS n FROM consortium_standings WHERE consortium_id = $1 AND id > $2', [
      home.consortium.id,
      standingsBefore,
    ]);
    process.stdout.write(
      `debounce: ${UPDATES} updates in ${spanMs} ms asked ${asked[0].n} recomputes of the subject; ${companyJobs.length} recompute-company jobs ran ` +
        `(${companyJobs.reduce((s, j) => s + j.attemptsMade, 0)} attempts, ${Math.round(companyJobs.reduce((s, j) => s + (j.finishedOn ?? 0) - (j.processedOn ?? 0), 0) / companyJobs.length)} ms each on average), ` +
        `${written[0].n} ratings written; ${standingJobs.length} standing jobs, ${standingsWritten[0].n} standings written\n`,
    );

    // spread over about 5 s, not a burst in one transaction
    expect(spanMs).toBeGreaterThanOrEqual(SPREAD_MS - 100);
    expect(ran.filter((j) => j.failedReason)).toEqual([]);
    // deduplicated per company (keepLastIfActive): one run at a time, each the next only once the
    // one before finished, and fewer runs than recomputes asked. How many fewer depends on how
    // long a run takes against the time between updates: what arrives while a run waits or runs
    // is merged into the next, nothing more (recompute-company.v1 has no debounce)
    expect(asked[0].n).toBe(UPDATES);
    expect(companyJobs.length).toBeGreaterThanOrEqual(1);
    expect(companyJobs.slice(1).filter((j, k) => (j.processedOn ?? 0) < (companyJobs[k].finishedOn ?? Infinity)).map((j) => j.id)).toEqual([]);
    expect(companyJobs.length).toBeLessThan(asked[0].n);
    expect(written[0].n).toBeLessThanOrEqual(companyJobs.length);
    // the standing, queued by every one of those runs, waits 2 s each time: about one per 2 s of changes
    expect(standingJobs.length).toBeGreaterThanOrEqual(1);
    expect(standingJobs.length).toBeLessThanOrEqual(Math.ceil(spanMs / 2_000) + 2);
    expect(standingsWritten[0].n).toBeLessThanOrEqual(standingJobs.length);

    // the final rating counts the last version of every line: LANES verified lines, the worst
    // 25 days late, the delay weighted by the last versions' amounts
    const final = await current(subject.id);
    const last = lines.map((_, lane) => {
      const v = versionOf(lane, lastVersion);
      return { fen: BigInt(Math.round(Number(v.amount) * 100)), days: daysBetween(v.dueDate, v.paidDate) };
    });
    const totalFen = last.reduce((sum, l) => sum + l.fen, 0n);
    const lateFen = last.reduce((sum, l) => sum + l.fen * BigInt(l.days), 0n);
    expect(final.payment).toMatchObject({ status: 'SCORED', figures: { experiences: LANES, worstDaysBeyondTerms: LATE } });
    expect(final.payment?.figures?.weightedDaysBeyondTerms).toBeCloseTo(Number(lateFen) / Number(totalFen), 2);
    expect(new Date(final.computed_at).getTime()).toBeGreaterThanOrEqual(lastUpdateAt);
    const api = await buyer.client.ok<{ company: { rating: { verifiedRecords: number } | null } }>('query($id: ID!) { company(id: $id) { rating { verifiedRecords } } }', {
      id: subject.id,
    });
    expect(api.company.rating?.verifiedRecords).toBe(LANES);
    // computed from the records as they stand now
    const fingerprint = (await new ScoringInputRepository().dataVersions(db().manager, [subject.id], today())).get(subject.id);
    expect(final.data_version.startsWith(`${fingerprint}|${today()}|`)).toBe(true);

    // and the last standing rests on the subject's last rating (and every other member's)
    expect(await standingIsCurrent(home.consortium.id)).toBe(true);

    // one more recompute through the outbox finds the rating current: it writes nothing
    const oracleFrom = Date.now();
    await queue({ job: JobName.RECOMPUTE_COMPANY, payload: { companyId: subject.id, reason: 'oracle' } });
    await quiet();
    const oracle = ofCompany(await ranSince(oracleFrom), subject.id).filter((j) => j.data.reason === 'oracle');
    expect(oracle.map((j) => j.returnvalue)).toEqual([expect.objectContaining({ examined: 1, written: 0 })]);
    expect((await current(subject.id)).id).toBe(final.id);
  });

  it("an update committed while the company's run is under way, after it read its data, gets one more run, which reads it", async () => {
    const { other } = world;
    const subject = other.companyB;
    const [supplier, buyer] = [other.memberA, other.memberB];
    const lines: RecordShape[] = [];
    for (let n = 0; n < 3; n++) {
      const line = await fileTrade(supplier, subject, { amount: '60000.00', ...tradeDates(0) });
      await buyer.client.ok(CONFIRM, { id: line.id });
      lines.push(line);
    }
    await quiet();
    expect((await current(subject.id)).payment).toMatchObject({ figures: { experiences: 3, worstDaysBeyondTerms: 0 } });
    const started = Date.now();

    // the test holds the ratings table so that a run reads its data and then waits to write
    const holder = db().createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query('LOCK TABLE ratings IN SHARE MODE');
      // the supplier files a second version of the first line, paid 25 days late: pending, the line stops counting
      const corrected = { invoiceNo: lines[0].invoiceNo, amount: '90000.00', ...tradeDates(LATE) };
      expect((await fileTrade(supplier, subject, corrected)).version).toBe(2);
      // the run it queued has read two counting lines and waits to write its rating
      await eventually(
        async () => ((await db().query(`SELECT 1 FROM pg_locks WHERE relation = 'ratings'::regclass AND NOT granted`)) as unknown[]).length > 0 || undefined,
        20_000,
        'a run of the subject waiting to write',
      );
      const running = ofCompany((await ratings.getJobs(['active'], 0, 100)).filter((j): j is Job => Boolean(j)), subject.id);
      expect(running).toHaveLength(1);
      // now the buyer confirms it, and the relay hands its recompute to BullMQ while that run is active
      await buyer.client.ok(CONFIRM, { id: lines[0].id });
      await eventually(async () => ((await new OutboxRepository().countUnsent(db().manager)) === 0 ? true : undefined), 20_000, 'the confirmation relayed');
      expect(ofCompany((await ratings.getJobs(['active'], 0, 100)).filter((j): j is Job => Boolean(j)), subject.id).map((j) => j.id)).toEqual([running[0].id]);
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
    await quiet();

    // two runs: the one that read the pending version, then one more that read the confirmation
    const runs = ofCompany(await ranSince(started), subject.id).sort((a, b) => (a.processedOn ?? 0) - (b.processedOn ?? 0));
    process.stdout.write(`debounce: a change during a run: ${runs.length} runs of the subject, ${runs.map((r) => JSON.stringify(r.returnvalue)).join(', ')}\n`);
    expect(runs).toHaveLength(2);
    expect(runs[1].processedOn ?? 0).toBeGreaterThanOrEqual(runs[0].finishedOn ?? Infinity);
    const final = await current(subject.id);
    const fen = [9_000_000n, 6_000_000n, 6_000_000n];
    expect(final.payment).toMatchObject({ status: 'SCORED', figures: { experiences: 3, worstDaysBeyondTerms: LATE } });
    expect(final.payment?.figures?.weightedDaysBeyondTerms).toBeCloseTo(Number(fen[0] * BigInt(LATE)) / Number(fen[0] + fen[1] + fen[2]), 2);
    const fingerprint = (await new ScoringInputRepository().dataVersions(db().manager, [subject.id], today())).get(subject.id);
    expect(final.data_version.startsWith(`${fingerprint}|${today()}|`)).toBe(true);
  });

  it('a wave of changes to many members of one consortium costs one standing, and that standing rests on every member\'s last rating', async () => {
    const { factories } = world;
    const consortium = await factories.consortium();
    const coordinator = await world.signIn(await factories.user('COORDINATOR', { consortiumId: consortium.id }));
    const supplierCompany = await factories.company(consortium.id);
    const supplier = await world.signIn(await factories.user('MEMBER', { companyId: supplierCompany.id }));
    const members: Company[] = [];
    for (let n = 0; n < 10; n++) members.push(await factories.company(consortium.id));

    // each member owes the supplier three invoices; two are verified (too few for the payment
    // factor), the third, paid late, waits for the wave
    const pending = await Promise.all(
      members.map(async (member) => {
        for (let n = 0; n < 2; n++) {
          const line = await fileTrade(supplier, member, { amount: '80000.00', ...tradeDates(0) });
          await coordinator.client.ok(VERIFY, { id: line.id });
        }
        return (await fileTrade(supplier, member, { amount: '120000.00', ...tradeDates(20) })).id;
      }),
    );
    await quiet();
    const standingsBefore = await maxId('consortium_standings');
    const standingBefore = await eventually(
      async () =>
        ((await db().query('SELECT id FROM consortium_standings WHERE consortium_id = $1 ORDER BY id DESC LIMIT 1', [consortium.id])) as { id: string }[])[0],
      5_000,
      'a first standing',
    );

    // the wave: the coordinator verifies the ten late invoices at once
    const started = Date.now();
    await Promise.all(pending.map((id) => coordinator.client.ok(VERIFY, { id })));
    const waveMs = Date.now() - started;
    await quiet();

    const ran = await ranSince(started);
    const standingJobs = ofStanding(ran, consortium.id);
    const memberJobs = ran.filter((j) => j.name === JobName.RECOMPUTE_COMPANY && members.some((m) => m.id === j.data.companyId));
    const standings: { id: string; data_version: string; model_version: string; grade_distribution: { grade: string; count: number }[] }[] = await db().query(
      'SELECT id, data_version, model_version, grade_distribution FROM consortium_standings WHERE consortium_id = $1 AND id > $2 ORDER BY id',
      [consortium.id, standingsBefore],
    );
    process.stdout.write(
      `debounce: a wave of ${members.length} verifications in ${waveMs} ms; ${memberJobs.length} member recomputes; ` +
        `${standingJobs.length} standing jobs, ${standings.length} standings written\n`,
    );

    expect(ran.filter((j) => j.failedReason)).toEqual([]);
    // every member was rated again with its third line
    const rated: { company_id: string; experiences: number }[] = await db().query(
      `SELECT DISTINCT ON (company_id) company_id,
              (SELECT (f->'figures'->>'experiences')::int FROM jsonb_array_elements(detail->'factorResults') f WHERE f->>'factor' = 'PAYMENT_BEHAVIOUR') AS experiences
       FROM ratings WHERE company_id = ANY($1) ORDER BY company_id, id DESC`,
      [members.map((m) => m.id)],
    );
    expect(rated.map((r) => r.experiences)).toEqual(members.map(() => 3));
    expect(memberJobs.length).toBeGreaterThanOrEqual(members.length);
    // ... and all their runs, each of which queued the standing, cost one standing job and one standing
    expect(standingJobs.length).toBeGreaterThanOrEqual(1);
    expect(standingJobs.length).toBeLessThanOrEqual(2);
    expect(standings.length).toBeGreaterThanOrEqual(1);
    expect(standings.length).toBeLessThanOrEqual(standingJobs.length);
    expect(standings[0].id).not.toBe(standingBefore.id);

    // the last standing rests on what stands now: every member's current rating (the digest
    // the standing computer takes of its inputs), and its grade distribution is theirs
    const last = standings[standings.length - 1];
    expect(await standingIsCurrent(consortium.id)).toBe(true);
    const grades: { grade: string; count: number }[] = await db().query(
      `SELECT grade, count(*)::int AS count FROM (
         SELECT DISTINCT ON (company_id) grade FROM ratings WHERE company_id IN (SELECT id FROM companies WHERE consortium_id = $1) ORDER BY company_id, id DESC
       ) r GROUP BY grade`,
      [consortium.id],
    );
    const byGrade = (list: { grade: string; count: number }[]) => Object.fromEntries(list.filter((g) => g.count > 0).map((g) => [g.grade, g.count]));
    expect(byGrade(last.grade_distribution)).toEqual(byGrade(grades));

    // one more standing job through the outbox finds it current: it writes nothing
    const oracleFrom = Date.now();
    await queue({ job: JobName.RECOMPUTE_STANDING, payload: { consortiumId: consortium.id } });
    await quiet();
    const oracle = ofStanding(await ranSince(oracleFrom), consortium.id);
    expect(oracle.map((j) => j.returnvalue)).toEqual([{ members: members.length + 1, written: false }]);
    expect(await maxId('consortium_standings')).toBe(last.id);
  });
});
