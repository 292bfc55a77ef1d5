import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_QUEUES, JobName, QueueName } from '@app/jobs';
import { OutboxRepository, ScoringInputRepository } from '@app/persistence';
import { Factories, generateCluster } from '@app/testing';
import { Job, type Queue } from 'bullmq';
import { signIn, type SignedIn } from '../support/world';
import { freePort, sleep, spawnWorker, type WorkerExit, type WorkerProcess } from './fault-support';
import {
  eventually,
  FULL_RECOMPUTE_RUN as RUN,
  type FullRecomputeRunView as Run,
  type IsolatedPipeline,
  isolatedPipeline,
  ratingsSettled,
  repeatedRatings,
  START_FULL_RECOMPUTE as START,
  watchQueues,
  type WatchedQueues,
} from './pipeline-support';

/**
 * Reliability scenario 6, a graceful deploy (docs/reliability-anchors.md): SIGTERM reaches a
 * worker process with its hands full, a full recompute's lanes and many recompute-company
 * jobs relayed from the outbox. The worker must finish the jobs in hand or hand them back
 * (a lane stops at its next chunk boundary and is retried), close its Redis connections
 * after its workers, and exit 0 within the grace period, leaving no job active: an active
 * job whose worker is gone is found stalled once its lock expires. A second worker process
 * then finishes what was left. Locks here last 4 s and are checked every 2 s, so a job left
 * behind would be seen stalled within the test's time.
 *
 * The two tests run in order: the second starts from where the first left the queue.
 */

const COMPANIES = 2_000;
const CHUNK = 20;
const LANES = 4;
const CONCURRENCY = 24;
const LOCK_MS = 4_000;
const STALLED_INTERVAL_MS = 2_000;
/** the orchestrator's grace period (Kubernetes' default terminationGracePeriodSeconds) */
const GRACE_MS = 30_000;

const NONE_ACTIVE_OR_FAILED = Object.fromEntries(ALL_QUEUES.flatMap((q) => [[`${q}.active`, 0], [`${q}.failed`, 0]]));


/**
 * What a worker printed that a clean start and shutdown never print: error-level log lines,
 * "Connection is closed", the relay pausing (Redis is up throughout), anything but a log line.
 */
function troubles(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('Credit Alliance worker running'))
    .filter((line) => {
      if (/connection is closed|outbox relay paused/i.test(line)) return true;
      try {
        return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50;
      } catch {
        // not a log line: an uncaught error's message or stack (Node's own warnings are not errors)
        return /error|exception|^\s+at /i.test(line);
      }
    });
}

describe('graceful deploy: SIGTERM to a worker with jobs in hand', () => {
  let pipeline: IsolatedPipeline;
  let admin: SignedIn;
  let workerEnv: Record<string, string>;
  const workers: WorkerProcess[] = [];
  let watched: WatchedQueues;
  let queues: ReadonlyMap<QueueName, Queue>;
  /** 'stalled' and 'failed' events seen on any queue, from before the first worker started */
  let stalled: string[];
  let failed: string[];
  let run: Run;
  /** the jobs the first worker held when SIGTERM reached it */
  let inHand: Job[] = [];
  /** the ids of those it handed back to the queue, for a retry */
  let handedBack: string[] = [];
  let ids: string[] = [];

  beforeAll(async () => {
    const settings = { FULL_RECOMPUTE_CHUNK_SIZE: String(CHUNK), FULL_RECOMPUTE_LANES: String(LANES) };
    pipeline = await isolatedPipeline('worker_shutdown', settings);
    const started = Date.now();
    await generateCluster(pipeline.api.dataSource, { members: COMPANIES, years: 1, invoicesPerBuyerPerYear: 12, disputes: false });
    process.stdout.write(`worker-shutdown: ${COMPANIES} companies generated in ${Date.now() - started} ms\n`);
    admin = await signIn(pipeline.api, await new Factories(pipeline.api.dataSource).user('ADMIN'));
    workerEnv = {
      ...settings,
      DATABASE_URL: pipeline.databaseUrl,
      REDIS_URL: pipeline.config.redisUrl,
      QUEUE_PREFIX: pipeline.config.queuePrefix,
      WORKER_CONCURRENCY: String(CONCURRENCY),
      WORKER_LOCK_DURATION_MS: String(LOCK_MS),
      WORKER_STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
      DB_POOL_SIZE: '8',
    };
    watched = await watchQueues(pipeline.config);
    ({ queues, stalled, failed } = watched);
    ids = (await pipeline.api.dataSource.query('SELECT id FROM companies ORDER BY id')).map((r: { id: string }) => r.id);
  }, 90_000);

  afterAll(async () => {
    for (const w of workers) await w.kill();
    await watched?.close();
    await pipeline?.api.close();
    await pipeline?.drop();
  }, 60_000);

  const db = () => pipeline.api.dataSource;
  const ratings = () => queues.get(QueueName.RATINGS) as Queue;
  const runOf = async (id: string): Promise<Run> => (await admin.client.ok<{ fullRecomputeRun: Run }>(RUN, { id })).fullRecomputeRun;
  const startWorker = async (): Promise<WorkerProcess> => {
    const worker = await spawnWorker({ ...workerEnv, WORKER_HEALTH_PORT: String(await freePort()) });
    workers.push(worker);
    return worker;
  };
  const counts = async (...states: ('active' | 'failed')[]): Promise<Record<string, number>> => {
    const all: Record<string, number> = {};
    for (const [name, queue] of queues) for (const [state, n] of Object.entries(await queue.getJobCounts(...states))) all[`${name}.${state}`] = n;
    return all;
  };
  const exitOf = (exit: WorkerExit) => ({ code: exit.code, signal: exit.signal, killed: exit.killed, withinGrace: exit.ms < GRACE_MS });

  it('finishes or hands back the jobs in hand and exits 0 within the grace period: none left active, none failed, none stalled', async () => {
    expect(ids).toHaveLength(COMPANIES);
    expect(Number((await db().query('SELECT count(*) AS n FROM ratings'))[0].n)).toBe(0);

    // the work: a full recompute in many chunks, and a recompute of every company relayed from the outbox
    run = (await admin.client.ok<{ startFullRecompute: Run }>(START)).startFullRecompute;
    expect(run.totalChunks).toBe(COMPANIES / CHUNK);
    await db().transaction((tx) =>
      new OutboxRepository().add(tx, ids.map((companyId) => ({ job: JobName.RECOMPUTE_COMPANY, payload: { companyId, reason: 'worker-shutdown test' } }))),
    );
    const first = await startWorker();

    // hands full: every lane running a chunk after some are done, every slot busy, work still waiting
    inHand = await eventually(
      async () => {
        const progress = await runOf(run.id);
        const active = await ratings().getActive(0, -1);
        const lanes = active.filter((j) => j.name === JobName.FULL_RECOMPUTE);
        const waiting = await ratings().getWaitingCount();
        return progress.chunksDone >= 2 && lanes.length === LANES && active.length >= CONCURRENCY - 2 && waiting > 0 ? active : undefined;
      },
      30_000,
      'the worker to hold its lanes and a full set of jobs',
    );
    const exit = await first.terminate(GRACE_MS);
    const after = await runOf(run.id);

    expect(exitOf(exit)).toEqual({ code: 0, signal: null, killed: false, withinGrace: true });
    expect(troubles(first.output())).toEqual([]);
    // nothing is left active to stall, nothing failed for good
    expect(await counts('active', 'failed')).toEqual(NONE_ACTIVE_OR_FAILED);
    // each job in hand either finished, or (a lane, at its chunk boundary) waits for its retry
    const states = await Promise.all(inHand.map(async (j) => `${j.name} ${await ratings().getJobState(j.id as string)}`));
    for (const state of states) expect([`${JobName.RECOMPUTE_COMPANY} completed`, `${JobName.FULL_RECOMPUTE} completed`, `${JobName.FULL_RECOMPUTE} delayed`]).toContain(state);
    handedBack = inHand.filter((_, i) => states[i].endsWith(' delayed')).map((j) => j.id as string);
    // the run was interrupted, not finished
    expect(after.status).toBe('RUNNING');
    expect(after.chunksDone).toBeLessThan(run.totalChunks);
    // only a worker's stalled checker reports a stall, and none runs now: the check above (no
    // job active) is what shows none was abandoned; the second worker's checker confirms it
    expect(stalled).toEqual([]);
    expect(failed).toEqual([]);
    process.stdout.write(
      `worker-shutdown: SIGTERM with ${inHand.length} jobs active (${inHand.filter((j) => j.name === JobName.FULL_RECOMPUTE).length} lanes), ` +
        `${after.chunksDone}/${run.totalChunks} chunks done; exited ${exit.code ?? exit.signal} after ${exit.ms} ms; ` +
        `in hand then: ${JSON.stringify(states.reduce<Record<string, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {}))}\n`,
    );
  }, 90_000);

  it('a second worker finishes what was left: the run completes, each job handed back succeeds at its one retry, every company has a current rating of the run, nothing failed or stalled', async () => {
    const resumed = Date.now();
    const second = await startWorker();
    const done = await eventually(
      async () => {
        const now = await runOf(run.id);
        return now.status === 'DONE' ? now : undefined;
      },
      // 42 s on a busy two-core runner: the wait is a budget for the machine, not the claim
      90_000,
      'the run to finish on the second worker',
    );
    await ratingsSettled(db(), ratings());
    const finishedIn = Date.now() - resumed;
    expect(done).toMatchObject({ chunksDone: run.totalChunks, companiesDone: COMPANIES });
    // the second worker's stalled checker has had time to find any job the first one abandoned
    await sleep(Math.max(0, resumed + LOCK_MS + 2 * STALLED_INTERVAL_MS - Date.now()));

    // every job held at the signal completed, none ever stalled; one that finished in hand ran
    // once, one handed back (a lane at its chunk boundary) was retried once
    const held = await Promise.all(inHand.map(async (j) => (await Job.fromId(ratings(), j.id as string)) ?? j));
    const outcomes = await Promise.all(
      held.map(async (job) => ({ job: `${job.name} ${job.id}`, state: await job.getState(), stalled: job.stalledCounter, started: job.attemptsStarted, handedBack: job.failedReason ?? null })),
    );
    expect(outcomes).toEqual(
      held.map((job) =>
        handedBack.includes(job.id as string)
          ? { job: `${job.name} ${job.id}`, state: 'completed', stalled: 0, started: 2, handedBack: expect.stringContaining('the worker is stopping') }
          : { job: `${job.name} ${job.id}`, state: 'completed', stalled: 0, started: 1, handedBack: null },
      ),
    );
    const completed = await ratings().getJobs(['completed'], 0, -1);
    expect(completed.filter((j) => j.stalledCounter > 0).map((j) => `${j.name} ${j.id}`)).toEqual([]);
    expect(await counts('active', 'failed')).toEqual(NONE_ACTIVE_OR_FAILED);
    expect(stalled).toEqual([]);
    expect(failed).toEqual([]);

    // every company has its current rating (the newest, by id) as of the run's day, computed
    // from its latest records. Ratings are appended, one per change of the data they were
    // computed from: the run and the recompute-company jobs rated companies while partners'
    // scores moved, so a company may have two or three, but a job done twice would have
    // written a second rating of the same data.
    const perCompany: { company_id: string; as_of: string | null; data_version: string | null }[] = await db().query(
      `SELECT c.id AS company_id, to_char(cur.as_of, 'YYYY-MM-DD') AS as_of, cur.data_version
       FROM companies c
       LEFT JOIN LATERAL (SELECT as_of, data_version FROM ratings r WHERE r.company_id = c.id ORDER BY r.id DESC LIMIT 1) cur ON true`,
    );
    expect(perCompany).toHaveLength(COMPANIES);
    const latest = await new ScoringInputRepository().dataVersions(db().manager, ids, run.asOf);
    expect(perCompany.filter((c) => c.as_of !== run.asOf || !c.data_version?.startsWith(`${latest.get(c.company_id)}|${run.asOf}|`))).toEqual([]);
    expect(await repeatedRatings(db())).toEqual([]);
    // each chunk was rated once, by one transaction (the ratings it wrote share its xmin): at most one rating of the run per company
    const runTwice: { company_id: string }[] = await db().query(
      `SELECT r.company_id FROM ratings r JOIN full_recompute_chunks c ON c.run_id = $1 AND r.xmin = c.xmin GROUP BY r.company_id HAVING count(*) > 1`,
      [run.id],
    );
    expect(runTwice).toEqual([]);

    // and the second worker stops as cleanly
    const exit = await second.terminate(GRACE_MS);
    expect(exitOf(exit)).toEqual({ code: 0, signal: null, killed: false, withinGrace: true });
    expect(troubles(second.output())).toEqual([]);
    expect(await counts('active', 'failed')).toEqual(NONE_ACTIVE_OR_FAILED);
    expect(stalled).toEqual([]);
    process.stdout.write(
      `worker-shutdown: the second worker finished the run ${finishedIn} ms after it started, retrying ${handedBack.length} handed-back job(s) once; ` +
        `it exited ${exit.code ?? exit.signal} ${exit.ms} ms after SIGTERM\n`,
    );
  }, 150_000);
});
