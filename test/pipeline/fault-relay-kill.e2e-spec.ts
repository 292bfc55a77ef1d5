import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, type Company, toCalendarDate } from '@app/domain';
import { JobName, QueueName } from '@app/jobs';
import { OutboxRepository } from '@app/persistence';
import { Factories } from '@app/testing';
import { type Job, type JobType, type Queue } from 'bullmq';
import IORedis from 'ioredis';
import { signIn, type SignedIn } from '../support/world';
import { CONFIRM, DISPUTE, REPORT_TRADE, tradeInput } from '../records/records-support';
import { freePort, type PrivateRedis, sleep, spawnWorker, startPrivateRedis, timedGraphql, type WorkerProcess } from './fault-support';
import { eventually, type IsolatedPipeline, isolatedPipeline, repeatedRatings, watchQueues, type WatchedQueues } from './pipeline-support';

/**
 * Reliability scenario 9, "crash between commit and enqueue" (docs/reliability-anchors.md).
 * The API never enqueues: a mutation writes its outbox rows in its own transaction, and the
 * worker's relay adds them to BullMQ and marks them sent in one transaction of its own, after
 * Redis answered (docs/reliability.md, row 9). The window left is the relay's: a relay killed
 * after `addBulk` and before its commit leaves rows that are in Redis yet unsent, and the next
 * relay sends them again, which job-id and deduplication-id deduplication, then the consumer's
 * data-version skip, must absorb; a relay killed before Redis answered must lose nothing.
 *
 * So the worker runs as a process of its own and is killed with SIGKILL again and again while
 * members file trade experiences through the API and confirm (or dispute) them; a new worker
 * starts after each kill. Before each kill the test reads which outbox rows the relay's
 * transaction holds (pgrowlocks) and what it was doing. The kills take turns:
 * - at a random moment, 300-900 ms after the worker said it runs;
 * - after Redis answered, before the commit: the relay's "mark sent" UPDATE sleeps 50 ms first
 *   (a statement trigger on the outbox, this file's fault), and the kill waits for it there;
 * - during the relay's Redis call: Redis (a server of this file's own) holds every write for a
 *   moment (CLIENT PAUSE WRITE), so the relay waits in `addBulk`, and is killed there. A relay
 *   that committed its marks before Redis had the jobs would lose those rows here.
 * Ghost candidates: every outbox row naming the marked company fails its transaction at the
 * COMMIT (a deferred constraint trigger), after the mutation wrote everything, its outbox rows
 * and their NOTIFY included. Nothing of those may reach Redis.
 * A last worker then runs to completion, and the end state is checked against the API's
 * answers: no lost event, no ghost, no double effect, no failed job. Dispute deadlines are
 * delayed jobs with a plain job id (`outbox-<row id>`), kept in Redis for days, so they are
 * checked row by row; recomputes are deduplicated per company, so they are checked by what
 * they must produce, each company's rating.
 */

const MEMBERS = 8;
const KILLS = 18;
/** a random kill lands this long after the worker said it runs */
const KILL_AFTER_MS: readonly [number, number] = [300, 900];
/** how long a kill after Redis answered waits for a relay there before killing anyway */
const WINDOW_WAIT_MS = 3_000;
/** the widened window: between the relay's addBulk (done) and its commit */
const WINDOW_MS = 50;
/** a kill during the Redis call: how long Redis holds writes, and when the kill lands in that */
const PAUSE_MS = 600;
const KILL_IN_PAUSE_MS = 300;
const LANES = 3;
const GHOST_MESSAGE = 'fault-relay-kill: injected failure at commit';

/** A small seeded generator (mulberry32), so a failing run's kill moments can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Member {
  readonly company: Company;
  readonly member: SignedIn;
}

type KillKind = 'random' | 'after-redis' | 'in-redis-call';

/** What a worker's relay held when the worker was killed (read just before the SIGKILL). */
interface Kill {
  readonly at: Date;
  readonly kind: KillKind;
  /** the relay's transaction held claimed outbox rows */
  readonly open: boolean;
  /** ...and was in its "mark sent" UPDATE: Redis had answered, the commit had not happened */
  readonly afterRedis: boolean;
  /** the outbox rows that transaction held */
  readonly rows: readonly string[];
}

const KINDS: readonly KillKind[] = ['random', 'after-redis', 'in-redis-call'];

describe('fault: the outbox relay killed with SIGKILL in and between its transactions (reliability scenario 9)', () => {
  const seed = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000);
  const rand = random(seed);
  let redis: PrivateRedis;
  let pipeline: IsolatedPipeline;
  let workerEnv: Record<string, string>;
  const workers: WorkerProcess[] = [];
  let watched: WatchedQueues;
  let connection: IORedis;
  let queues: ReadonlyMap<QueueName, Queue>;
  /** 'stalled' and 'failed' events seen on any queue, from before the first worker started */
  let stalled: string[];
  let failed: string[];
  const members: Member[] = [];
  let marked: Member;
  const today = toCalendarDate(new Date());
  // paid before the due date: not negative information, so it counts at once (no notice period)
  const onTime = { invoiceDate: addDays(today, -60), dueDate: addDays(today, -20), paidDate: addDays(today, -25) };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    pipeline = await isolatedPipeline('fault_relay_kill', { REDIS_URL: redis.url });
    const db = pipeline.api.dataSource;
    const factories = new Factories(db);
    const consortium = await factories.consortium();
    for (let i = 0; i <= MEMBERS; i++) {
      const company = await factories.company(consortium.id);
      const entry = { company, member: await signIn(pipeline.api, await factories.user('MEMBER', { companyId: company.id })) };
      if (i === MEMBERS) marked = entry;
      else members.push(entry);
    }
    workerEnv = {
      DATABASE_URL: pipeline.databaseUrl,
      REDIS_URL: pipeline.config.redisUrl,
      QUEUE_PREFIX: pipeline.config.queuePrefix,
      // a killed worker's active jobs are taken over within seconds; a job may be in hand at
      // every kill (each new worker takes the stalled ones first), and the test kills far more
      // often than the production limit of 3 takeovers expects: no job may fail for that
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '2000',
      WORKER_MAX_STALLED_COUNT: String(KILLS + 1),
      DB_POOL_SIZE: '6',
    };

    // the faults: a wider relay window, and a commit that fails for the marked company
    await db.query('CREATE EXTENSION IF NOT EXISTS pgrowlocks');
    await db.query(`CREATE FUNCTION fault_relay_window() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(${WINDOW_MS / 1000}); RETURN NULL; END $$`);
    await db.query('CREATE TRIGGER fault_relay_window BEFORE UPDATE OF sent_at ON outbox FOR EACH STATEMENT EXECUTE FUNCTION fault_relay_window()');
    await db.query(`CREATE FUNCTION fault_ghost() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '${GHOST_MESSAGE}'; END $$`);
    await db.query(
      `CREATE CONSTRAINT TRIGGER fault_ghost AFTER INSERT ON outbox DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
       WHEN (NEW.payload->>'companyId' = '${marked.company.id}') EXECUTE FUNCTION fault_ghost()`,
    );

    watched = await watchQueues(pipeline.config);
    ({ connection, queues, stalled, failed } = watched);
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) await w.kill();
    await watched?.close();
    await pipeline?.api.close();
    await pipeline?.drop();
    await redis?.destroy();
  }, 60_000);

  const db = () => pipeline.api.dataSource;
  const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await db().query(sql, params))[0].n);
  const startWorker = async (): Promise<{ worker: WorkerProcess; since: Date }> => {
    // pg_stat_activity.backend_start tells this worker's sessions from a killed one's lingering
    const since = new Date();
    const worker = await spawnWorker({ ...workerEnv, WORKER_HEALTH_PORT: String(await freePort()) });
    workers.push(worker);
    return { worker, since };
  };

  /** The outbox rows a relay transaction of the worker started at `since` holds, and where it is. */
  const relayState = async (since: Date): Promise<Omit<Kill, 'at' | 'kind'>> => {
    const rows: { id: string; in_update: boolean }[] = await db().query(
      // its last statement the UPDATE (running or done) or the COMMIT: Redis had answered
      `SELECT o.id, a.query LIKE 'UPDATE outbox SET sent_at%' OR a.query = 'COMMIT' AS in_update
       FROM pgrowlocks('outbox') l
       JOIN pg_stat_activity a ON a.pid = ANY(l.pids)
       JOIN outbox o ON o.ctid = l.locked_row
       WHERE a.datname = current_database() AND a.application_name = 'credit-alliance-worker' AND a.backend_start >= $1
       ORDER BY o.id`,
      [since],
    );
    return { open: rows.length > 0, afterRedis: rows.some((r) => r.in_update), rows: rows.map((r) => r.id) };
  };

  const graphql = <T>(who: Member, query: string, variables: Record<string, unknown>) => timedGraphql<T>(pipeline.api.url, who.member.token, query, variables, 15_000);

  it('loses no committed event and sends no rolled-back one: every verified record rated, the marked company untouched, re-sends absorbed, nothing failed', async () => {
    const confirmed = new Map<string, number>();
    const problems: string[] = [];
    let ghosts = 0;
    let confirmations = 0;
    let disputes = 0;
    let stop = false;

    /** creditor files an on-time invoice of debtor, and debtor confirms it (or disputes it: two deadline timers) */
    const submit = async (creditor: Member, debtor: Member, dispute: boolean): Promise<void> => {
      const reported = await graphql<{ reportTradeExperience: { id: string } }>(creditor, REPORT_TRADE, { input: tradeInput(debtor.company.creditCode, onTime) });
      if (reported.errors?.length || !reported.data) throw new Error(`report failed: ${reported.text.slice(0, 300)}`);
      if (dispute) {
        const disputed = await graphql<{ disputeRecord: { status: string } }>(debtor, DISPUTE, { id: reported.data.reportTradeExperience.id, reason: '发票金额有误' });
        if (disputed.errors?.length || disputed.data?.disputeRecord.status !== 'DISPUTED') throw new Error(`dispute failed: ${disputed.text.slice(0, 300)}`);
        disputes++;
        return;
      }
      const confirmation = await graphql<{ confirmRecord: { status: string } }>(debtor, CONFIRM, { id: reported.data.reportTradeExperience.id });
      if (confirmation.errors?.length || confirmation.data?.confirmRecord.status !== 'VERIFIED') throw new Error(`confirm failed: ${confirmation.text.slice(0, 300)}`);
      confirmed.set(debtor.company.id, (confirmed.get(debtor.company.id) ?? 0) + 1);
      confirmations++;
    };
    /** a filing that names the marked company, as debtor or as creditor: its commit fails */
    const ghost = async (other: Member, markedIsDebtor: boolean): Promise<void> => {
      const [creditor, debtor] = markedIsDebtor ? [other, marked] : [marked, other];
      const answer = await graphql<unknown>(creditor, REPORT_TRADE, { input: tradeInput(debtor.company.creditCode, onTime) });
      const codes = (answer.errors ?? []).map((e) => e.extensions?.code);
      if (answer.data || JSON.stringify(codes) !== JSON.stringify(['INTERNAL_SERVER_ERROR'])) throw new Error(`a ghost filing did not fail as injected: ${answer.text.slice(0, 300)}`);
      if (answer.text.includes(GHOST_MESSAGE)) throw new Error(`the injected fault leaked to the caller: ${answer.text.slice(0, 300)}`);
      ghosts++;
    };
    const traffic = Array.from({ length: LANES }, async (_, lane) => {
      for (let n = 0; !stop; n++) {
        const a = members[Math.floor(rand() * MEMBERS)];
        const b = members[(members.indexOf(a) + 1 + Math.floor(rand() * (MEMBERS - 1))) % MEMBERS];
        try {
          if (n % 5 === 4) await ghost(a, (n + lane) % 2 === 0);
          else await submit(a, b, n % 5 === 2);
        } catch (error) {
          problems.push((error as Error).message);
          return;
        }
      }
    });

    const kills: Kill[] = [];
    const started = Date.now();
    try {
      for (let i = 0; i < KILLS; i++) {
        const kind = KINDS[i % KINDS.length];
        const { worker, since } = await startWorker();
        await sleep(KILL_AFTER_MS[0] + rand() * (KILL_AFTER_MS[1] - KILL_AFTER_MS[0]));
        let state: Omit<Kill, 'at' | 'kind'>;
        if (kind === 'in-redis-call') {
          // the relay, woken by the traffic's NOTIFY, waits in addBulk while Redis holds writes
          await connection.call('CLIENT', 'PAUSE', String(PAUSE_MS), 'WRITE');
          await sleep(KILL_IN_PAUSE_MS);
          state = await relayState(since);
          await worker.kill();
          await connection.call('CLIENT', 'UNPAUSE');
        } else {
          state = await relayState(since);
          const deadline = Date.now() + WINDOW_WAIT_MS;
          while (kind === 'after-redis' && !state.afterRedis && Date.now() < deadline) {
            await sleep(10);
            state = await relayState(since);
          }
          await worker.kill();
        }
        kills.push({ at: new Date(), kind, ...state });
      }
    } finally {
      await connection.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      stop = true;
      await Promise.all(traffic);
    }
    const loopMs = Date.now() - started;
    expect(problems).toEqual([]);
    expect(ghosts).toBeGreaterThan(0);

    // a last worker runs to completion: the outbox relayed and every queue idle (but the schedulers' next runs)
    const last = await startWorker();
    const settledAt = Date.now();
    await eventually(
      async () => {
        if ((await new OutboxRepository().countUnsent(db().manager)) > 0) return undefined;
        for (const queue of queues.values()) {
          const counts = await queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
          if (Object.values(counts).some((n) => n > 0)) return undefined;
          // the schedulers' next runs, and dispute deadlines 15 and 20 days away
          const later = [JobName.START_FULL_RECOMPUTE, JobName.DAILY_MAINTENANCE, JobName.DISPUTE_DEADLINE] as string[];
          const delayed = (await queue.getJobs(['delayed'], 0, 1_000)).filter((j) => j && !later.includes(j.name));
          if (delayed.length > 0) return undefined;
        }
        return true;
      },
      30_000,
      'the outbox and every queue to drain on the last worker',
    );
    const settleMs = Date.now() - settledAt;
    expect(last.worker.child.exitCode).toBeNull();

    // every outbox row is sent, and marked sent once: a killed relay's marks rolled back with it
    // (so `attempts` never shows a re-send; the rows each killed relay held, read before the
    // kill, show them below)
    expect(await count('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL OR attempts <> 1')).toBe(0);

    // no lost event: each company's current rating counts every verified record it has, and
    // was computed after the last of them was verified
    const oracle: { company_id: string; verified: string; last_verified: Date; verified_records: number | null; computed_at: Date | null }[] = await db().query(
      `SELECT c.id AS company_id,
              (SELECT count(*) FROM trade_experiences t WHERE t.subject_id = c.id AND t.is_current AND t.status = 'VERIFIED') AS verified,
              (SELECT max(s.at) FROM record_status_changes s JOIN trade_experiences t ON t.record_id = s.record_id AND t.is_current
               WHERE t.subject_id = c.id AND s.to_status = 'VERIFIED') AS last_verified,
              cur.verified_records, cur.computed_at
       FROM companies c
       LEFT JOIN LATERAL (SELECT verified_records, computed_at FROM ratings r WHERE r.company_id = c.id ORDER BY r.id DESC LIMIT 1) cur ON true
       WHERE c.id = ANY($1::uuid[]) ORDER BY c.id`,
      [members.map((m) => m.company.id)],
    );
    const expected = (companyId: string) => confirmed.get(companyId) ?? 0;
    expect(oracle.map((r) => ({ company: r.company_id, verified: Number(r.verified), rated: r.verified_records }))).toEqual(
      oracle.map((r) => ({ company: r.company_id, verified: expected(r.company_id), rated: expected(r.company_id) })),
    );
    const ratedBeforeLastVerification = oracle.filter((r) => r.last_verified && !(r.computed_at && r.computed_at >= r.last_verified));
    expect(ratedBeforeLastVerification).toEqual([]);
    const totalConfirmed = [...confirmed.values()].reduce((a, b) => a + b, 0);
    expect(totalConfirmed).toBe(confirmations);

    // no ghost: the marked company has no record, no outbox row, no rating, no job in any
    // state and no key in Redis (a deduplication key names it too)
    expect(
      await count(
        `SELECT (SELECT count(*) FROM trade_experiences WHERE subject_id = $1 OR counterparty_id = $1)
              + (SELECT count(*) FROM outbox WHERE payload::text LIKE '%' || $1 || '%')
              + (SELECT count(*) FROM ratings WHERE company_id = $1)
              + (SELECT count(*) FROM audit_log WHERE company_id = $1) AS n`,
        [marked.company.id],
      ),
    ).toBe(0);
    const states: JobType[] = ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'completed', 'failed'];
    const jobs = (await Promise.all([...queues.values()].map((q) => q.getJobs(states, 0, -1)))).flat().filter((j): j is Job => Boolean(j));
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.filter((j) => `${j.id} ${JSON.stringify(j.data)} ${JSON.stringify(j.opts)}`.includes(marked.company.id)).map((j) => j.id)).toEqual([]);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await connection.scan(cursor, 'MATCH', `${pipeline.config.queuePrefix}:*${marked.company.id}*`, 'COUNT', 1_000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys).toEqual([]);
    // the ghost filings did write their two outbox rows each before their commit failed: the
    // ids they took are missing from the outbox (killed rating transactions may take more)
    const gaps = await count(`SELECT (SELECT last_value FROM outbox_id_seq) - (SELECT count(*) FROM outbox) AS n`);
    expect(gaps).toBeGreaterThanOrEqual(2 * ghosts);

    // dispute deadlines, row by row: each committed row is exactly one job `outbox-<row id>`
    // in Redis (a row sent twice found its job there), and there is no other
    const deadlineRows: { id: string }[] = await db().query('SELECT id FROM outbox WHERE job_name = $1 ORDER BY id', [JobName.DISPUTE_DEADLINE]);
    expect(deadlineRows).toHaveLength(2 * disputes);
    const deadlineJobs = jobs.filter((j) => j.name === JobName.DISPUTE_DEADLINE).map((j) => j.id as string);
    expect(deadlineJobs.sort()).toEqual(deadlineRows.map((r) => `outbox-${r.id}`).sort());

    // what became of the rows each killed relay transaction held: all sent by it (its commit
    // beat the kill) or all sent after the kill by another relay, never part of them
    const fates: { kill: number; before: string; after: string }[] = await db().query(
      `SELECT k.kill, count(*) FILTER (WHERE o.sent_at < k.killed_at) AS before, count(*) FILTER (WHERE o.sent_at > k.killed_at) AS after
       FROM unnest($1::int[], $2::bigint[], $3::timestamptz[]) AS k(kill, id, killed_at) JOIN outbox o ON o.id = k.id
       GROUP BY k.kill ORDER BY k.kill`,
      [kills.flatMap((k, i) => k.rows.map(() => i)), kills.flatMap((k) => k.rows), kills.flatMap((k) => k.rows.map(() => k.at))],
    );
    const held = kills.map((k, i) => ({ kill: i, rows: k.rows.length })).filter((k) => k.rows > 0);
    expect(fates.map((f) => ({ kill: f.kill, rows: Number(f.before) + Number(f.after) }))).toEqual(held);
    expect(fates.filter((f) => Number(f.before) > 0 && Number(f.after) > 0)).toEqual([]);
    const committedFirst = fates.filter((f) => Number(f.before) > 0);
    // Redis had the rows, the commit had not happened: the next relay sent them again
    const resent = fates.filter((f) => Number(f.after) > 0 && kills[f.kill].afterRedis);
    // killed while its Redis call was in flight: rolled back, sent later
    const inCall = fates.filter((f) => Number(f.after) > 0 && !kills[f.kill].afterRedis);
    const rowsOf = (list: typeof fates) => list.reduce((sum, f) => sum + Number(f.after), 0);
    const byKind = (list: typeof fates) => KINDS.map((kind) => `${list.filter((f) => kills[f.kill].kind === kind).length} ${kind}`).join(', ');
    process.stdout.write(
      `fault-relay-kill (seed ${seed}): ${KILLS} kills in ${loopMs} ms while ${confirmations} confirmed and ${disputes} disputed filings and ${ghosts} ghost filings ran; ` +
        `${kills.filter((k) => k.open).length} kills found a relay transaction open: ${resent.length} after Redis answered and before the commit ` +
        `(${byKind(resent)}; ${rowsOf(resent)} rows re-sent), ${inCall.length} during its Redis call (${byKind(inCall)}; ${rowsOf(inCall)} rows sent later), ` +
        `${committedFirst.length} just after its commit; ${stalled.length} stalled jobs taken over; ${await count('SELECT count(*) AS n FROM outbox')} outbox rows, ` +
        `${await count('SELECT count(*) AS n FROM ratings')} ratings, ${jobs.length} jobs kept; the last worker settled in ${settleMs} ms\n`,
    );
    // the windows were hit: the test exercised what it claims to
    expect(resent.length).toBeGreaterThan(0);
    expect(inCall.length).toBeGreaterThan(0);

    // ...and were absorbed: each recompute's effect is single, and nothing failed
    expect(await repeatedRatings(db())).toEqual([]);
    expect(failed).toEqual([]);
    const failedCounts = await Promise.all([...queues.values()].map((q) => q.getJobCounts('failed')));
    expect(failedCounts.every((c) => c.failed === 0)).toBe(true);
  }, 150_000);
});
