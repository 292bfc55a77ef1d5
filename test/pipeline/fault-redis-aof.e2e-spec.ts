import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, toCalendarDate } from '@app/domain';
import { JobName, QueueName } from '@app/jobs';
import { OutboxRepository } from '@app/persistence';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { CONFIRM, DISPUTE, REPORT_TRADE, tradeInput } from '../records/records-support';
import { inParallel, type PrivateRedis, type PrivateRedisOptions, sleep, timedGraphql } from './fault-support';
import { eventually, type IsolatedPipeline } from './pipeline-support';
import { type FaultMember, type RedisFaultRig, redisFaultRig } from './redis-fault-rig';

/**
 * Reliability scenario 1, "Redis killed mid-ingest" (docs/reliability-anchors.md), with jobs
 * in flight: a private Redis is killed with SIGKILL in the middle of a burst of submissions,
 * while it holds jobs the relay put there and marked sent (recomputes waiting, standings
 * debounced 2 s, dispute deadlines delayed 15 and 20 days), and restarted on the same port
 * and directory while the burst goes on. (fault-redis.e2e-spec.ts stops Redis before its
 * burst, once the queues are idle, so it loses nothing a crash could lose.)
 *
 * The outbox marks a row sent once Redis answered, and nothing sends it again: what Redis
 * loses in its crash is lost for good. Dispute deadlines show it row by row: each row is one
 * delayed job `outbox-<row id>`, and no later change re-arms it (the daily maintenance re-arms
 * stages only once they are due, days later). So:
 * - with the append-only file, fsynced on every write (production: docker/compose.yml, with
 *   REDIS_REQUIRE_AOF), every deadline row has its job after the restart, those sent before
 *   the kill included, and so has every ratings job that waited in Redis at the kill;
 * - without it (`--appendonly no`, the development Redis), the same kill loses every one of
 *   them: this is what REDIS_REQUIRE_AOF guards against, and it shows the oracle can fail.
 * In both, every mutation succeeds and every company ends rated with all its verified
 * records (the recomputes queued after the restart re-rate them).
 */

const COMPANIES = 20;
const SUBMISSIONS = 400;
const CONCURRENCY = 8;
/** every 10th filing is disputed by its subject instead of confirmed: two deadline timers */
const DISPUTE_EVERY = 10;
/** Redis is killed once this many submissions are done (and ratings jobs wait in it), restarted at the second figure */
const KILL_AFTER = 200;
const RESTART_AFTER = 300;
/** how long the kill may wait for a moment when ratings jobs wait in Redis */
const IN_FLIGHT_WAIT_MS = 5_000;

/**
 * A job the worker took just before the kill (Redis wrote it active, and its append-only
 * file kept it so) whose reply the worker never got stays active after the restart until its
 * lock expires and the stalled-job check hands it back; until then it holds its company's next
 * recompute (deduplicated, keepLastIfActive). With the production 30 s lock and 30 s check
 * that took up to 40 s in this test (one company in some runs); shorter here, so the file
 * keeps to its time budget. Not a loss: the job runs again.
 */
const WORKER_SETTINGS = { WORKER_LOCK_DURATION_MS: '5000', WORKER_STALLED_INTERVAL_MS: '5000' };

/** A ratings job that waited (or was delayed) in Redis at the kill: found again if it is the same job. */
interface QueuedJob {
  readonly id: string;
  readonly name: string;
  readonly timestamp: number;
}

interface Burst {
  /** submissions finished with Redis up before the kill, while it was down, after its restart */
  readonly submitted: { readonly before: number; readonly down: number; readonly after: number };
  readonly disputes: number;
  readonly killedAt: Date;
  readonly restartedAt: Date;
  /** how long the burst took, and how long Redis was down */
  readonly burstMs: number;
  readonly downMs: number;
  /** dispute-deadline rows marked sent (committed) just before the kill */
  readonly sentBeforeKill: readonly string[];
  /** ratings jobs waiting, delayed or prioritized in Redis just before the kill */
  readonly ratingsInFlight: readonly QueuedJob[];
  /** delayed dispute-deadline jobs in Redis just before the kill */
  readonly deadlinesInRedis: number;
}

/** What the kill saw just before it. */
type Kill = Pick<Burst, 'killedAt' | 'sentBeforeKill' | 'ratingsInFlight' | 'deadlinesInRedis'>;

interface Oracle {
  readonly deadlineRows: readonly { id: string; sentAt: Date }[];
  /** deadline rows whose job `outbox-<id>` is in Redis */
  readonly found: ReadonlySet<string>;
  /** of the ratings jobs in flight at the kill, those in Redis again (the same job: id and timestamp) */
  readonly ratingsFound: number;
  /** from the restart until the outbox was relayed, and until every company was rated with all its records */
  readonly caughtUpMs: number;
  readonly ratedMs: number;
}

interface KilledMidBurst {
  burst(): Promise<Burst>;
  settle(b: Burst): Promise<Oracle>;
  report(b: Burst, o: Oracle, what: string): void;
}

/**
 * A Redis of its own (with `options`), a pipeline of its own (database `name`), an
 * in-process worker and COMPANIES members, set up and torn down by the calling describe.
 */
function redisKilledMidBurst(name: string, options: PrivateRedisOptions): KilledMidBurst {
  let rig: RedisFaultRig;
  let redis: PrivateRedis;
  let pipeline: IsolatedPipeline;
  const members: FaultMember[] = [];
  /** confirmed trade experiences per subject (the debtor) */
  const confirmed = new Map<string, number>();
  const today = toCalendarDate(new Date());
  // paid before the due date: not negative information, so it counts at once (no notice period)
  const onTime = { invoiceDate: addDays(today, -60), dueDate: addDays(today, -20), paidDate: addDays(today, -25) };

  beforeAll(async () => {
    rig = await redisFaultRig(name, COMPANIES, { redis: options, worker: WORKER_SETTINGS });
    ({ redis, pipeline } = rig);
    members.push(...rig.members);
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  const db = () => pipeline.api.dataSource;
  const graphql = <T>(who: FaultMember, query: string, variables: Record<string, unknown>) => timedGraphql<T>(pipeline.api.url, who.member.token, query, variables);

  /** A connection and queues of the test's own, for one look at Redis (closed after: Redis may be killed next). */
  const inRedis = async <T>(look: (queues: { ratings: Queue; records: Queue }) => Promise<T>): Promise<T> => {
    const connection = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
    const ratings = new Queue(QueueName.RATINGS, { connection, prefix: pipeline.config.queuePrefix });
    const records = new Queue(QueueName.RECORDS, { connection, prefix: pipeline.config.queuePrefix });
    try {
      return await look({ ratings, records });
    } finally {
      await ratings.close();
      await records.close();
      connection.disconnect();
    }
  };

  /** creditor files an on-time invoice of debtor; debtor confirms it, or disputes it (two deadline timers) */
  const submit = async (creditor: FaultMember, debtor: FaultMember, dispute: boolean): Promise<void> => {
    const reported = await graphql<{ reportTradeExperience: { id: string } }>(creditor, REPORT_TRADE, { input: tradeInput(debtor.company.creditCode, onTime) });
    if (reported.errors?.length || !reported.data) throw new Error(`report failed: ${reported.text.slice(0, 300)}`);
    const id = reported.data.reportTradeExperience.id;
    if (dispute) {
      const disputed = await graphql<{ disputeRecord: { status: string } }>(debtor, DISPUTE, { id, reason: '发票金额有误' });
      if (disputed.errors?.length || disputed.data?.disputeRecord.status !== 'DISPUTED') throw new Error(`dispute failed: ${disputed.text.slice(0, 300)}`);
      return;
    }
    const confirmation = await graphql<{ confirmRecord: { status: string } }>(debtor, CONFIRM, { id });
    if (confirmation.errors?.length || confirmation.data?.confirmRecord.status !== 'VERIFIED') throw new Error(`confirm failed: ${confirmation.text.slice(0, 300)}`);
    confirmed.set(debtor.company.id, (confirmed.get(debtor.company.id) ?? 0) + 1);
  };

  /**
   * SUBMISSIONS submissions, CONCURRENCY at a time, every company the debtor of one in each
   * run of COMPANIES; Redis is killed after KILL_AFTER and restarted after RESTART_AFTER
   * while the others go on. Throws on the first mutation that fails.
   */
  const burst = async (): Promise<Burst> => {
    const plan = Array.from({ length: SUBMISSIONS }, (_, i) => {
      const creditor = i % COMPANIES;
      const debtor = (creditor + 1 + (Math.floor(i / COMPANIES) % (COMPANIES - 1))) % COMPANIES;
      return { creditor: members[creditor], debtor: members[debtor], dispute: i % DISPUTE_EVERY === DISPUTE_EVERY - 1 };
    });
    const started = Date.now();
    const submitted = { before: 0, down: 0, after: 0 };
    let phase: keyof typeof submitted = 'before';
    let done = 0;
    const faults: { killing?: Promise<Kill>; restarting?: Promise<Date> } = {};

    const kill = async (): Promise<Kill> => {
      const look = () =>
        inRedis(async ({ ratings, records }) => ({
          ratingsInFlight: (await ratings.getJobs(['waiting', 'delayed', 'prioritized'], 0, -1))
            .filter((j) => j && j.name !== JobName.START_FULL_RECOMPUTE)
            .map((j) => ({ id: String(j.id), name: j.name, timestamp: j.timestamp })),
          deadlinesInRedis: (await records.getJobs(['delayed'], 0, -1)).filter((j) => j?.name === JobName.DISPUTE_DEADLINE).length,
        }));
      // the recomputes run in milliseconds: kill at a moment when ratings jobs wait in Redis too
      // (a standing debounced 2 s, recomputes), not only the timers (the burst goes on meanwhile)
      let seen = await look();
      for (const deadline = Date.now() + IN_FLIGHT_WAIT_MS; seen.ratingsInFlight.length === 0 && Date.now() < deadline; ) {
        await sleep(20);
        seen = await look();
      }
      const { ratingsInFlight, deadlinesInRedis } = seen;
      // committed: their jobs are in Redis (the relay commits only after Redis answered)
      const sent: { id: string }[] = await db().query('SELECT id FROM outbox WHERE job_name = $1 AND sent_at IS NOT NULL ORDER BY id', [JobName.DISPUTE_DEADLINE]);
      const killedAt = new Date();
      await redis.stop();
      phase = 'down';
      return { killedAt, sentBeforeKill: sent.map((r) => r.id), ratingsInFlight, deadlinesInRedis };
    };

    await inParallel(plan, CONCURRENCY, async ({ creditor, debtor, dispute }) => {
      await submit(creditor, debtor, dispute);
      submitted[phase]++;
      done++;
      if (done === KILL_AFTER) faults.killing = kill();
      if (done === RESTART_AFTER) {
        faults.restarting = faults.killing?.then(async () => {
          const restartedAt = new Date();
          await redis.start();
          phase = 'after';
          return restartedAt;
        });
      }
    });
    if (!faults.killing || !faults.restarting) throw new Error('the burst ended before the kill and the restart');
    const killed = await faults.killing;
    const restartedAt = await faults.restarting;
    return {
      ...killed,
      restartedAt,
      submitted,
      disputes: plan.filter((s) => s.dispute).length,
      burstMs: Date.now() - started,
      downMs: restartedAt.getTime() - killed.killedAt.getTime(),
    };
  };

  /** Waits for the relay and every company's rating, checks the count oracle, and reads what Redis holds. */
  const settle = async (b: Burst): Promise<Oracle> => {
    await eventually(async () => ((await new OutboxRepository().countUnsent(db().manager)) === 0 ? true : undefined), 30_000, 'the relay to catch up');
    const caughtUpMs = Date.now() - b.restartedAt.getTime();

    // every company's current rating counts every verified record it has (the count oracle of fault-redis)
    const counts = async () => {
      const rows: { company_id: string; verified_records: number | null; records: string }[] = await db().query(
        `SELECT c.id AS company_id, cur.verified_records,
                (SELECT count(*) FROM trade_experiences t WHERE t.subject_id = c.id AND t.is_current AND t.status = 'VERIFIED') AS records
         FROM companies c
         LEFT JOIN LATERAL (SELECT verified_records FROM ratings r WHERE r.company_id = c.id ORDER BY r.id DESC LIMIT 1) cur ON true
         WHERE c.id = ANY($1::uuid[]) ORDER BY c.id`,
        [members.map((m) => m.company.id)],
      );
      return rows.map((r) => ({ company: r.company_id, records: Number(r.records), rated: r.verified_records }));
    };
    const expected = () =>
      [...members]
        .sort((a, b) => (a.company.id < b.company.id ? -1 : 1))
        .map((m) => ({ company: m.company.id, records: confirmed.get(m.company.id) ?? 0, rated: confirmed.get(m.company.id) ?? 0 }));
    // on a timeout, the expectation below shows the difference
    await eventually(async () => (JSON.stringify(await counts()) === JSON.stringify(expected()) ? true : undefined), 45_000, 'every company rated with all its records').catch(() => undefined);
    expect(await counts()).toEqual(expected());
    const ratedMs = Date.now() - b.restartedAt.getTime();

    const deadlineRows: { id: string; sent_at: Date }[] = await db().query('SELECT id, sent_at FROM outbox WHERE job_name = $1 ORDER BY id', [JobName.DISPUTE_DEADLINE]);
    expect(deadlineRows).toHaveLength(2 * b.disputes);
    return inRedis(async ({ ratings, records }) => {
      const found = new Set<string>();
      for (const row of deadlineRows) if (await records.getJob(`outbox-${row.id}`)) found.add(row.id);
      let ratingsFound = 0;
      for (const job of b.ratingsInFlight) {
        // after a restart without persistence, BullMQ's id counter starts again: a new job may take an old id
        const now = await ratings.getJob(job.id);
        if (now && now.name === job.name && now.timestamp === job.timestamp) ratingsFound++;
      }
      return { deadlineRows: deadlineRows.map((r) => ({ id: r.id, sentAt: r.sent_at })), found, ratingsFound, caughtUpMs, ratedMs };
    });
  };

  const report = (b: Burst, o: Oracle, what: string): void => {
    const sentBefore = new Set(b.sentBeforeKill);
    const lostBefore = b.sentBeforeKill.filter((id) => !o.found.has(id)).length;
    const others = o.deadlineRows.filter((r) => !sentBefore.has(r.id));
    process.stdout.write(
      `${name}: ${SUBMISSIONS} submissions (${b.disputes} disputed) in ${b.burstMs} ms: ${b.submitted.before} before the kill, ${b.submitted.down} while Redis was down (${b.downMs} ms), ${b.submitted.after} after its restart; ` +
        `at the kill Redis held ${b.deadlinesInRedis} delayed deadline jobs and ${b.ratingsInFlight.length} ratings jobs waiting or delayed; ` +
        `${b.sentBeforeKill.length} of ${o.deadlineRows.length} deadline rows were sent before the kill: ${b.sentBeforeKill.length - lostBefore} found, ${lostBefore} lost; ` +
        `the other ${others.length}: ${others.filter((r) => o.found.has(r.id)).length} found; ratings jobs in flight at the kill found again: ${o.ratingsFound} of ${b.ratingsInFlight.length}; ` +
        `relay caught up ${o.caughtUpMs} ms and every company rated ${o.ratedMs} ms after the restart; ${what}\n`,
    );
  };

  return { burst, settle, report };
}

/** The deadline rows the relay sent (its transaction started) before the kill, by `sent_at`. */
const sentBeforeByTime = (b: Burst, o: Oracle) => o.deadlineRows.filter((r) => r.sentAt < b.killedAt);

/**
 * The burst went on through the kill and the restart, and the kill met jobs relayed and not
 * yet run: deadline timers sent before it, and ratings jobs waiting in Redis.
 */
function expectKilledWithJobsInFlight(b: Burst, o: Oracle): void {
  expect(b.submitted.before + b.submitted.down + b.submitted.after).toBe(SUBMISSIONS);
  expect(b.submitted.down).toBeGreaterThan(0);
  expect(b.submitted.after).toBeGreaterThan(0);
  expect(b.sentBeforeKill.length).toBeGreaterThan(0);
  expect(sentBeforeByTime(b, o).length).toBeGreaterThanOrEqual(b.sentBeforeKill.length);
  expect(b.ratingsInFlight.length).toBeGreaterThan(0);
}

describe('fault: Redis with its append-only file killed with SIGKILL mid-burst, jobs in flight (reliability scenario 1)', () => {
  const scenario = redisKilledMidBurst('fault_redis_aof', { appendOnly: true });

  it('with the append-only file: every mutation succeeds, and after the restart every dispute-deadline timer relayed before the kill, and every ratings job waiting at the kill, is still in Redis; every company rated with all its records', async () => {
    const b = await scenario.burst();
    const o = await scenario.settle(b);
    expectKilledWithJobsInFlight(b, o);
    expect(b.deadlinesInRedis).toBeGreaterThanOrEqual(b.sentBeforeKill.length);

    // row by row: every deadline row has its delayed job, those sent before the kill included
    expect(o.deadlineRows.filter((r) => !o.found.has(r.id)).map((r) => r.id)).toEqual([]);
    // and every ratings job that waited in Redis at the kill is there again (run since, or waiting)
    expect(o.ratingsFound).toBe(b.ratingsInFlight.length);
    scenario.report(b, o, 'nothing lost');
  }, 120_000);
});

describe('fault: Redis without persistence killed with SIGKILL mid-burst, jobs in flight (what REDIS_REQUIRE_AOF guards against)', () => {
  const scenario = redisKilledMidBurst('fault_redis_noaof', {});

  it('without persistence: every mutation succeeds and every company ends rated, but every dispute-deadline timer relayed before the kill, and every ratings job waiting at the kill, is lost (the row-by-row oracle fails)', async () => {
    const b = await scenario.burst();
    const o = await scenario.settle(b);
    expectKilledWithJobsInFlight(b, o);
    // Redis came back empty: every timer relayed before the kill is gone, and its row stays
    // marked sent, so nothing relays it again; so are the ratings jobs that waited
    expect(b.sentBeforeKill.filter((id) => o.found.has(id))).toEqual([]);
    expect(o.ratingsFound).toBe(0);
    // the rows relayed after the restart have their jobs: the oracle tells the two apart
    const sentAfterRestart = o.deadlineRows.filter((r) => r.sentAt >= b.restartedAt);
    expect(sentAfterRestart.length).toBeGreaterThan(0);
    expect(sentAfterRestart.filter((r) => !o.found.has(r.id)).map((r) => r.id)).toEqual([]);
    scenario.report(b, o, 'lost with Redis, as REDIS_REQUIRE_AOF warns');
  }, 120_000);
});
