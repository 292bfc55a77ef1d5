import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock, toCalendarDate } from '@app/domain';
import { JobName } from '@app/jobs';
import { OutboxRepository } from '@app/persistence';
import { createWorld, type World } from '../support/world';
import { CONFIRM, reportTrade } from '../records/records-support';
import { eventually, type IsolatedPipeline, isolatedPipeline, type RunningWorker } from './pipeline-support';

const START = `mutation { startFullRecompute { id status totalChunks totalCompanies asOf } }`;
const RUN = `query($id: ID) { fullRecomputeRun(id: $id) { id status chunksDone totalChunks companiesDone totalCompanies ratingsWritten progress finishedAt } }`;
const RATING = `query($id: ID!) { company(id: $id) { rating { score verifiedRecords computedAt } } }`;
const DAY_MS = 86_400_000;

interface Run {
  id: string;
  status: string;
  chunksDone: number;
  totalChunks: number;
  companiesDone: number;
  totalCompanies: number;
  ratingsWritten: number;
  progress: number;
  finishedAt: string | null;
}

describe('full recomputes and time-driven changes', () => {
  let pipeline: IsolatedPipeline;
  let worker: RunningWorker;
  let world: World;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    // small chunks and three lanes, so that a run of a small world still has several of each
    pipeline = await isolatedPipeline('schedules', { FULL_RECOMPUTE_CHUNK_SIZE: '3', FULL_RECOMPUTE_LANES: '3' });
    worker = await pipeline.startWorker({}, clock);
    world = await createWorld(pipeline.api);
    for (let i = 0; i < 8; i++) await world.factories.company(world.home.consortium.id);
  });

  afterAll(async () => {
    await worker?.close();
    await pipeline?.api.close();
    await pipeline?.drop();
  });

  const runOf = async (id?: string): Promise<Run> =>
    (await world.admin.client.ok<{ fullRecomputeRun: Run }>(RUN, { id: id ?? null })).fullRecomputeRun;

  it('an ADMIN starts a full recompute; lanes walk every company in chunks, report progress, and close the run', async () => {
    const started = (await world.admin.client.ok<{ startFullRecompute: Run }>(START)).startFullRecompute;
    const companies: { n: string }[] = await pipeline.api.dataSource.query('SELECT count(*) AS n FROM companies');
    expect(started.totalCompanies).toBe(Number(companies[0].n));
    expect(started.totalChunks).toBe(Math.ceil(Number(companies[0].n) / 3));
    const done = await eventually(async () => {
      const run = await runOf(started.id);
      return run.status === 'DONE' ? run : undefined;
    }, 30_000, 'the end of the run');
    expect(done).toMatchObject({ chunksDone: started.totalChunks, companiesDone: started.totalCompanies, progress: 1 });
    expect(done.finishedAt).not.toBeNull();
    // every company has exactly one rating as of the run's day
    const rows: { company_id: string; n: string }[] = await pipeline.api.dataSource.query(
      `SELECT c.id AS company_id, count(r.id) AS n FROM companies c LEFT JOIN ratings r ON r.company_id = c.id AND r.as_of = $1 GROUP BY c.id`,
      [toCalendarDate(clock.now())],
    );
    expect(rows.length).toBe(started.totalCompanies);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    expect(done.ratingsWritten).toBe(started.totalCompanies);
    // and every standing was queued at the end, and computed
    await eventually(async () => {
      const standings: { n: string }[] = await pipeline.api.dataSource.query('SELECT count(DISTINCT consortium_id) AS n FROM consortium_standings');
      return Number(standings[0].n) === 2 ? true : undefined;
    }, 20_000, 'the standings after the run');
  });

  it('a second run on unchanged data writes nothing: every rating is already current', async () => {
    await eventually(async () => ((await new OutboxRepository().countUnsent(pipeline.api.dataSource.manager)) === 0 ? true : undefined));
    const before: { n: string }[] = await pipeline.api.dataSource.query('SELECT count(*) AS n FROM ratings');
    const started = (await world.admin.client.ok<{ startFullRecompute: Run }>(START)).startFullRecompute;
    const done = await eventually(async () => {
      const run = await runOf(started.id);
      return run.status === 'DONE' ? run : undefined;
    }, 30_000, 'the end of the second run');
    expect(done.ratingsWritten).toBe(0);
    const after: { n: string }[] = await pipeline.api.dataSource.query('SELECT count(*) AS n FROM ratings');
    expect(Number(after[0].n)).toBe(Number(before[0].n));
  });

  it('negative information starts to count on the day its notice period ends: the daily maintenance recomputes the company that day', async () => {
    const { home } = world;
    const late = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceDate: '2025-05-01', dueDate: '2025-05-31', paidDate: '2025-08-15' });
    await home.memberB.client.ok(CONFIRM, { id: late.id });
    const rating = async (): Promise<{ verifiedRecords: number; computedAt: string } | null> =>
      (await home.coordinator.client.ok<{ company: { rating: { verifiedRecords: number; computedAt: string } | null } }>(RATING, { id: home.companyB.id })).company.rating;
    // confirmed, but in its notice period: it does not count yet
    await eventually(async () => ((await new OutboxRepository().countUnsent(pipeline.api.dataSource.manager)) === 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const during = await rating();
    expect(during?.verifiedRecords ?? 0).toBe(0);

    // the worker's day moves past the notice period; the day's maintenance runs
    const countsFrom: { counts_from: Date }[] = await pipeline.api.dataSource.query('SELECT counts_from FROM trade_experiences WHERE record_id = $1 AND is_current', [late.id]);
    clock.set(new Date(countsFrom[0].counts_from.getTime() + DAY_MS / 2));
    const day = toCalendarDate(clock.now());
    await pipeline.api.dataSource.transaction((tx) => new OutboxRepository().add(tx, [{ job: JobName.DAILY_MAINTENANCE, payload: { day } }]));
    const counted = await eventually(async () => {
      const now = await rating();
      return now && now.verifiedRecords === 1 ? now : undefined;
    }, 20_000, 'the rating counting the negative record');
    expect(counted.verifiedRecords).toBe(1);
  });
});
