import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock, toCalendarDate } from '@app/domain';
import { JobName, QueueName } from '@app/jobs';
import { createHash } from 'node:crypto';
import { OutboxRepository, StandingInputRepository } from '@app/persistence';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { createWorld, type World } from '../support/world';
import { CONFIRM, evidence, FILE_GUARANTEE, FILE_PAYMENT, FILE_SOFT_SIGNAL, reportTrade, unique, VERIFY } from '../records/records-support';
import {
  eventually,
  FULL_RECOMPUTE_RUN as RUN,
  type FullRecomputeRunView as Run,
  type IsolatedPipeline,
  isolatedPipeline,
  type RunningWorker,
  START_FULL_RECOMPUTE as START,
} from './pipeline-support';

const RATING = `query($id: ID!) { company(id: $id) { rating { score verifiedRecords computedAt } } }`;
const DAY_MS = 86_400_000;


describe('full recomputes and time-driven changes', () => {
  let pipeline: IsolatedPipeline;
  let worker: RunningWorker;
  let world: World;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    // small chunks and three lanes, so that a run of a small world still has several of each
    pipeline = await isolatedPipeline('schedules', { FULL_RECOMPUTE_CHUNK_SIZE: '3', FULL_RECOMPUTE_LANES: '3' });
    // the job schedulers checked every half second, so that lost ones are back within the test
    worker = await pipeline.startWorker({ SCHEDULERS_CHECK_INTERVAL_MS: '500' }, clock);
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

  it('bills that become 30 days overdue unpaid after filing are noticed first: they stop counting until the notice period ends, then count as negative', async () => {
    const { home, factories } = world;
    const company = await factories.company(home.consortium.id);
    const member = await world.signIn(await factories.user('MEMBER', { companyId: company.id }));
    const rating = async (): Promise<{ verifiedRecords: number } | null> =>
      (await home.coordinator.client.ok<{ company: { rating: { verifiedRecords: number } | null } }>(RATING, { id: company.id })).company.rating;
    // the API runs on the real clock: an open invoice, due in five days, is not negative when filed
    const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const dueDate = dayOf(Date.now() + 5 * DAY_MS);
    const open = await reportTrade(home.memberA.client, company.creditCode, { invoiceDate: dayOf(Date.now() - 10 * DAY_MS), dueDate, paidDate: null });
    expect(open.negative).toBe(false);
    await member.client.ok(CONFIRM, { id: open.id });
    // and an electricity bill the coordinator filed from the utility's export (verified on filing)
    const bill = await home.coordinator.client.ok<{ filePaymentRecord: { id: string; negative: boolean } }>(FILE_PAYMENT, {
      input: { subjectCreditCode: company.creditCode, paymentKind: 'UTILITY', reference: `电费 ${dueDate}`, payee: '国网温州供电公司', amount: '3200.00', dueDate },
    });
    expect(bill.filePaymentRecord.negative).toBe(false);

    // the worker's day: 31 days past the due date, still unpaid. Before the maintenance, the
    // rating (as of that day) counts the record; the maintenance notices it and it stops counting
    clock.set(new Date(Date.parse(`${dueDate}T04:00:00Z`) + 31 * DAY_MS));
    const day = toCalendarDate(clock.now());
    await pipeline.api.dataSource.transaction((tx) => new OutboxRepository().add(tx, [{ job: JobName.RECOMPUTE_COMPANY, payload: { companyId: company.id, reason: 'test' } }]));
    await eventually(async () => ((await rating())?.verifiedRecords === 2 ? true : undefined), 20_000, 'a rating counting the open invoice and bill');
    await pipeline.api.dataSource.transaction((tx) => new OutboxRepository().add(tx, [{ job: JobName.DAILY_MAINTENANCE, payload: { day } }]));
    await eventually(async () => ((await rating())?.verifiedRecords === 0 ? true : undefined), 20_000, 'a rating without the noticed invoice and bill');

    const notices = await member.client.ok<{ notices: { kind: string; recordId: string; waitingUntil: string }[] }>(
      'query($c: ID) { notices(companyId: $c) { kind recordId waitingUntil } }',
      { c: company.id },
    );
    expect(notices.notices.map((n) => n.recordId).sort()).toEqual([open.id, bill.filePaymentRecord.id].sort());
    expect(notices.notices.every((n) => n.kind === 'NEGATIVE_INFORMATION')).toBe(true);
    const billNow: { negative: boolean; is_current: boolean }[] = await pipeline.api.dataSource.query(
      'SELECT negative, is_current FROM payment_records WHERE record_id = $1 ORDER BY version',
      [bill.filePaymentRecord.id],
    );
    expect(billNow).toEqual([
      { negative: false, is_current: false },
      { negative: true, is_current: true },
    ]);
    const versions: { version: number; negative: boolean; status: string; is_current: boolean; counts_from: Date }[] = await pipeline.api.dataSource.query(
      'SELECT version, negative, status, is_current, counts_from FROM trade_experiences WHERE record_id = $1 ORDER BY version',
      [open.id],
    );
    expect(versions.map(({ version, negative, status, is_current }) => ({ version, negative, status, is_current }))).toEqual([
      { version: 1, negative: false, status: 'VERIFIED', is_current: false },
      { version: 2, negative: true, status: 'VERIFIED', is_current: true },
    ]);
    expect(versions[1].counts_from.toISOString()).toBe(notices.notices.find((n) => n.recordId === open.id)?.waitingUntil);

    // the same day's maintenance again: nothing more; the ledger still verifies
    await pipeline.api.dataSource.transaction((tx) => new OutboxRepository().add(tx, [{ job: JobName.DAILY_MAINTENANCE, payload: { day } }]));
    await eventually(async () => ((await new OutboxRepository().countUnsent(pipeline.api.dataSource.manager)) === 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const count: { n: number }[] = await pipeline.api.dataSource.query('SELECT count(*)::int AS n FROM trade_experiences WHERE record_id = $1', [open.id]);
    expect(count[0].n).toBe(2);
    const ledger = await world.admin.client.ok<{ verifyRecordLedger: { ok: boolean } }>('{ verifyRecordLedger { ok } }');
    expect(ledger.verifyRecordLedger.ok).toBe(true);

    // the notice period ends: that day's maintenance recomputes, and the invoice counts again, as negative
    clock.set(new Date(versions[1].counts_from.getTime() + DAY_MS / 2));
    await pipeline.api.dataSource.transaction((tx) => new OutboxRepository().add(tx, [{ job: JobName.DAILY_MAINTENANCE, payload: { day: toCalendarDate(clock.now()) } }]));
    await eventually(async () => ((await rating())?.verifiedRecords === 2 ? true : undefined), 20_000, 'a rating counting the negative invoice and bill');
  });

  it("a guarantee's end date and a soft signal's validity pass: that day's maintenance re-rates the guarantor and the signal's company, and the standing drops the edge, before any full run", async () => {
    const { home, factories } = world;
    const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    // the worker's day, a few days past anything earlier tests left to pass; the API files on the real clock
    const base = dayOf(Math.max(clock.now().getTime(), Date.now()) + 5 * DAY_MS);
    const next = dayOf(Date.parse(`${base}T00:00:00Z`) + DAY_MS);
    clock.set(new Date(`${base}T12:00:00Z`));
    const settled = () => eventually(async () => ((await new OutboxRepository().countUnsent(pipeline.api.dataSource.manager)) === 0 ? true : undefined));
    const company = await factories.company(home.consortium.id);
    const member = await world.signIn(await factories.user('MEMBER', { companyId: company.id }));
    // trade, so that each has a network and payment behaviour to be rated on (paid early: nothing ages into negative information)
    const today = dayOf(Date.now());
    const paid = { invoiceDate: dayOf(Date.now() - 10 * DAY_MS), dueDate: dayOf(Date.now() + 20 * DAY_MS), paidDate: dayOf(Date.now() - DAY_MS) };
    await home.memberB.client.ok(CONFIRM, { id: (await reportTrade(home.memberA.client, home.companyB.creditCode, paid)).id });
    await member.client.ok(CONFIRM, { id: (await reportTrade(home.memberA.client, company.creditCode, paid)).id });
    // A guarantees B's debt until the worker's next day; the company's certificate is valid through the worker's day
    const guarantee = await home.memberA.client.ok<{ fileGuarantee: { id: string } }>(FILE_GUARANTEE, {
      input: { borrowerCreditCode: home.companyB.creditCode, contractNo: `BZ-${unique()}`, amount: '2000000.00', startDate: today, endDate: next },
    });
    await home.memberB.client.ok(CONFIRM, { id: guarantee.fileGuarantee.id });
    const signal = await member.client.ok<{ fileSoftSignal: { id: string } }>(FILE_SOFT_SIGNAL, {
      input: { signalKind: 'CERTIFICATION', reference: `ISO 9001:2015 ${unique()}`, recordedOn: dayOf(Date.now() - 30 * DAY_MS), validUntil: base, evidence: evidence('ISO9001证书.pdf') },
    });
    await home.coordinator.client.ok(VERIFY, { id: signal.fileSoftSignal.id });

    type Factor = { factor: string; status: string; figures?: Record<string, number | null> };
    const latest = async (companyId: string): Promise<{ id: string; as_of: string; factors: Factor[] } | undefined> => {
      const rows: { id: string; as_of: string; factors: Factor[] }[] = await pipeline.api.dataSource.query(
        `SELECT id, as_of::text, detail->'factorResults' AS factors FROM ratings WHERE company_id = $1 ORDER BY id DESC LIMIT 1`,
        [companyId],
      );
      return rows[0];
    };
    const factor = (r: { factors: Factor[] } | undefined, name: string) => r?.factors.find((f) => f.factor === name);
    const standingSource = new StandingInputRepository();
    const standingVersion = async (day: string, modelVersion: string) =>
      createHash('sha1')
        .update(JSON.stringify(await standingSource.load(pipeline.api.dataSource.manager, home.consortium.id, day)))
        .update(`|${modelVersion}`)
        .digest('hex');
    const latestStanding = async (): Promise<{ id: string; data_version: string; model_version: string } | undefined> =>
      (
        await pipeline.api.dataSource.query('SELECT id, data_version, model_version FROM consortium_standings WHERE consortium_id = $1 ORDER BY id DESC LIMIT 1', [
          home.consortium.id,
        ])
      )[0];
    const edgeAB = (edges: { from: string; to: string; kind: string }[]) => edges.some((e) => e.kind === 'GUARANTEE' && e.from === home.companyB.id && e.to === home.companyA.id);

    // as of the worker's day both count: the guarantor's network reads the guarantee, the company's soft information the certificate, the standing the edge
    const withGuarantee = await eventually(async () => {
      const r = await latest(home.companyA.id);
      return r?.as_of === base && (factor(r, 'NETWORK')?.figures?.guaranteesGiven ?? 0) > 0 ? r : undefined;
    }, 20_000, "the guarantor's rating with the guarantee");
    const withSignal = await eventually(async () => {
      const r = await latest(company.id);
      return r?.as_of === base && factor(r, 'SOFT_INFORMATION')?.figures?.certifications === 1 ? r : undefined;
    }, 20_000, "the company's rating with the certificate");
    expect(edgeAB((await standingSource.load(pipeline.api.dataSource.manager, home.consortium.id, base)).edges)).toBe(true);
    const standingBefore = await eventually(async () => {
      const s = await latestStanding();
      return s && s.data_version === (await standingVersion(base, s.model_version)) ? s : undefined;
    }, 20_000, 'the standing with the guarantee edge');
    await settled();
    const runs = async () => Number((await pipeline.api.dataSource.query('SELECT count(*) AS n FROM full_recompute_runs'))[0].n);
    const runsBefore = await runs();

    // 00:05 UTC of the next day: the guarantee ended (end_date is its first day out), the certificate lapsed (valid_until was yesterday)
    clock.set(new Date(`${next}T00:05:00Z`));
    expect(edgeAB((await standingSource.load(pipeline.api.dataSource.manager, home.consortium.id, next)).edges)).toBe(false);
    await pipeline.api.dataSource.transaction((tx) => new OutboxRepository().add(tx, [{ job: JobName.DAILY_MAINTENANCE, payload: { day: next } }]));
    const withoutGuarantee = await eventually(async () => {
      const r = await latest(home.companyA.id);
      return r && r.id !== withGuarantee.id && r.as_of === next ? r : undefined;
    }, 20_000, "the guarantor's rating of the next day");
    expect(factor(withoutGuarantee, 'NETWORK')?.figures?.guaranteesGiven).toBe(0);
    const withoutSignal = await eventually(async () => {
      const r = await latest(company.id);
      return r && r.id !== withSignal.id && r.as_of === next ? r : undefined;
    }, 20_000, "the company's rating of the next day");
    expect(factor(withoutSignal, 'SOFT_INFORMATION')?.status).toBe('INSUFFICIENT_DATA');
    const standingAfter = await eventually(async () => {
      const s = await latestStanding();
      return s && s.id !== standingBefore.id && s.data_version === (await standingVersion(next, s.model_version)) ? s : undefined;
    }, 20_000, 'a standing without the guarantee edge');
    expect(standingAfter.model_version).toBe(standingBefore.model_version);
    // no full run did it
    expect(await runs()).toBe(runsBefore);
  });

  it("an invoice between two members passes its due date unpaid: that day's maintenance queues the standing, which adds the overdue payable, before any full run", async () => {
    const { home, factories } = world;
    const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    // the worker's day, a few days past anything earlier tests left to pass; the API files on the real clock
    const base = dayOf(Math.max(clock.now().getTime(), Date.now()) + 5 * DAY_MS);
    const next = dayOf(Date.parse(`${base}T00:00:00Z`) + DAY_MS);
    clock.set(new Date(`${base}T12:00:00Z`));
    const supplier = await factories.company(home.consortium.id);
    const buyer = await factories.company(home.consortium.id);
    const supplierMember = await world.signIn(await factories.user('MEMBER', { companyId: supplier.id }));
    const buyerMember = await world.signIn(await factories.user('MEMBER', { companyId: buyer.id }));
    // due on the worker's day, unpaid: the standing reads it as overdue from the next day on (due_date < day)
    const invoice = await reportTrade(supplierMember.client, buyer.creditCode, { invoiceDate: dayOf(Date.now() - 10 * DAY_MS), dueDate: base, paidDate: null });
    await buyerMember.client.ok(CONFIRM, { id: invoice.id });

    const standingSource = new StandingInputRepository();
    const payable = async (day: string) =>
      (await standingSource.load(pipeline.api.dataSource.manager, home.consortium.id, day)).edges.find((e) => e.kind === 'OVERDUE_PAYABLE' && e.from === buyer.id && e.to === supplier.id);
    const standingVersion = async (day: string, modelVersion: string) =>
      createHash('sha1')
        .update(JSON.stringify(await standingSource.load(pipeline.api.dataSource.manager, home.consortium.id, day)))
        .update(`|${modelVersion}`)
        .digest('hex');
    type Standing = { id: string; data_version: string; model_version: string; systemic_risk: { companyId: string; debtRank: number }[] };
    const latestStanding = async (): Promise<Standing | undefined> =>
      (
        await pipeline.api.dataSource.query('SELECT id, data_version, model_version, systemic_risk FROM consortium_standings WHERE consortium_id = $1 ORDER BY id DESC LIMIT 1', [
          home.consortium.id,
        ])
      )[0];
    const debtRankOf = (s: Standing, companyId: string) => s.systemic_risk.find((r) => r.companyId === companyId)?.debtRank;
    const latestAsOf = async (companyId: string): Promise<string | undefined> =>
      (await pipeline.api.dataSource.query('SELECT as_of::text FROM ratings WHERE company_id = $1 ORDER BY id DESC LIMIT 1', [companyId]))[0]?.as_of;

    // as of the worker's day the invoice is due, not overdue: both sides rated, the standing without the edge
    expect(await payable(base)).toBeUndefined();
    await eventually(async () => ((await latestAsOf(buyer.id)) === base && (await latestAsOf(supplier.id)) === base ? true : undefined), 20_000, 'the ratings with the invoice');
    const standingBefore = await eventually(async () => {
      const s = await latestStanding();
      return s && s.data_version === (await standingVersion(base, s.model_version)) ? s : undefined;
    }, 20_000, 'the standing with the invoice not yet due');
    expect(debtRankOf(standingBefore, buyer.id)).toBe(0);
    // nothing left to run that would read the next day on its own: the outbox sent, no recompute waiting (a standing's debounce included)
    const connection = new IORedis(pipeline.config.redisUrl, { maxRetriesPerRequest: 1 });
    const ratings = new Queue(QueueName.RATINGS, { connection, prefix: pipeline.config.queuePrefix });
    try {
      await eventually(async () => {
        const unsent = await new OutboxRepository().countUnsent(pipeline.api.dataSource.manager);
        const pending = (await ratings.getJobs(['waiting', 'delayed', 'active', 'prioritized'], 0, 1_000)).filter(
          (j) => j?.name === JobName.RECOMPUTE_COMPANY || j?.name === JobName.RECOMPUTE_STANDING,
        );
        return unsent === 0 && pending.length === 0 ? true : undefined;
      }, 20_000, 'the pipeline idle');
    } finally {
      await ratings.close();
      connection.disconnect();
    }
    const runs = async () => Number((await pipeline.api.dataSource.query('SELECT count(*) AS n FROM full_recompute_runs'))[0].n);
    const runsBefore = await runs();

    // 00:05 UTC of the next day: the invoice is overdue, and no record changed
    clock.set(new Date(`${next}T00:05:00Z`));
    expect(await payable(next)).toEqual({ from: buyer.id, to: supplier.id, amount: 12_500_050, kind: 'OVERDUE_PAYABLE' });
    await pipeline.api.dataSource.transaction((tx) => new OutboxRepository().add(tx, [{ job: JobName.DAILY_MAINTENANCE, payload: { day: next } }]));
    const standingAfter = await eventually(async () => {
      const s = await latestStanding();
      return s && s.id !== standingBefore.id && s.data_version === (await standingVersion(next, s.model_version)) ? s : undefined;
    }, 20_000, 'a standing with the overdue payable');
    expect(standingAfter.model_version).toBe(standingBefore.model_version);
    expect(standingAfter.data_version).not.toBe(standingBefore.data_version);
    // the buyer's default now costs its supplier the payable: a DebtRank of its own
    expect(debtRankOf(standingAfter, buyer.id)).toBeGreaterThan(0);
    // no full run did it
    expect(await runs()).toBe(runsBefore);
  });

  it('keeps its job schedulers, the nightly full recompute in China Standard Time and the daily maintenance in UTC, and sets them again when Redis loses them', async () => {
    const connection = new IORedis(pipeline.config.redisUrl, { maxRetriesPerRequest: 1 });
    const ratings = new Queue(QueueName.RATINGS, { connection, prefix: pipeline.config.queuePrefix });
    const records = new Queue(QueueName.RECORDS, { connection, prefix: pipeline.config.queuePrefix });
    const schedulers = async () => {
      const nightly = await ratings.getJobScheduler('nightly-full-recompute');
      const daily = await records.getJobScheduler('daily-maintenance');
      return nightly && daily ? { nightly, daily } : undefined;
    };
    try {
      const set = await eventually(schedulers, 10_000, 'the job schedulers');
      expect(set.nightly).toMatchObject({ name: JobName.START_FULL_RECOMPUTE, pattern: '0 2 * * *', tz: 'Asia/Shanghai' });
      expect(set.daily).toMatchObject({ name: JobName.DAILY_MAINTENANCE, pattern: '5 0 * * *', tz: 'UTC' });
      // 02:00 in Shanghai is 18:00 UTC; the maintenance runs five minutes into the UTC day
      expect(new Date(set.nightly.next as number).toISOString().slice(11, 16)).toBe('18:00');
      expect(new Date(set.daily.next as number).toISOString().slice(11, 16)).toBe('00:05');

      // what a Redis back empty after a restart leaves of them: nothing, their next runs included
      expect(await ratings.removeJobScheduler('nightly-full-recompute')).toBe(true);
      expect(await records.removeJobScheduler('daily-maintenance')).toBe(true);
      const back = await eventually(schedulers, 5_000, 'the job schedulers set again');
      expect(back.nightly).toMatchObject({ pattern: '0 2 * * *', tz: 'Asia/Shanghai' });
      expect(back.daily).toMatchObject({ pattern: '5 0 * * *', tz: 'UTC' });
      // each with its next run waiting, once
      const nextRuns = async (queue: Queue, name: string) => (await queue.getJobs(['delayed'], 0, 1_000)).filter((j) => j?.name === name).map((j) => j.id);
      expect(await nextRuns(ratings, JobName.START_FULL_RECOMPUTE)).toEqual([`repeat:nightly-full-recompute:${back.nightly.next}`]);
      expect(await nextRuns(records, JobName.DAILY_MAINTENANCE)).toEqual([`repeat:daily-maintenance:${back.daily.next}`]);
    } finally {
      await ratings.close();
      await records.close();
      connection.disconnect();
    }
  });

  it('a worker starting while a scheduled run is due and not taken keeps that run: an unchanged scheduler is left alone, a changed one leaves a catch-up job; the nightly run at 02:00 CST rates as of the UTC day', async () => {
    const connection = new IORedis(pipeline.config.redisUrl, { maxRetriesPerRequest: 1 });
    const ratings = new Queue(QueueName.RATINGS, { connection, prefix: pipeline.config.queuePrefix });
    const records = new Queue(QueueName.RECORDS, { connection, prefix: pipeline.config.queuePrefix });
    try {
      const nightly = await eventually(() => ratings.getJobScheduler('nightly-full-recompute'), 10_000, 'the nightly scheduler');
      const daily = await eventually(() => records.getJobScheduler('daily-maintenance'), 10_000, 'the daily scheduler');
      // every worker down (a deploy, a reboot) when the runs fell due
      await worker.close();
      // and the next worker to start may not take a job until the test says so: a global
      // concurrency of 0 holds its Workers off, and unlike a pause it leaves the jobs in the
      // wait list, where BullMQ's upsert deletes them
      await ratings.setGlobalConcurrency(0);
      await records.setGlobalConcurrency(0);
      // the nightly scheduler exactly as the worker sets it, its run due and waiting
      await ratings.upsertJobScheduler(
        'nightly-full-recompute',
        { pattern: nightly.pattern, tz: nightly.tz, immediately: true },
        { name: nightly.name, data: nightly.template?.data, opts: nightly.template?.opts },
      );
      const dueNightly = (await ratings.getJobScheduler('nightly-full-recompute'))?.next as number;
      expect(await (await ratings.getJob(`repeat:nightly-full-recompute:${dueNightly}`))?.getState()).toBe('waiting');
      // the daily one set by an earlier release with another cron, its run due and waiting
      await records.upsertJobScheduler('daily-maintenance', { pattern: '7 0 * * *', tz: 'UTC', immediately: true }, { name: daily.name, data: daily.template?.data, opts: daily.template?.opts });
      const dueDaily = (await records.getJobScheduler('daily-maintenance'))?.next as number;
      expect(await (await records.getJob(`repeat:daily-maintenance:${dueDaily}`))?.getState()).toBe('waiting');

      // a worker starts at 02:00 in Shanghai on 16 March 2031, 18:00 UTC on the 15th
      clock.set(new Date('2031-03-15T18:00:00Z'));
      worker = await pipeline.startWorker({ SCHEDULERS_CHECK_INTERVAL_MS: '500' }, clock);
      // its first round sets the nightly scheduler, then the daily one, back to its cron
      await eventually(async () => ((await records.getJobScheduler('daily-maintenance'))?.pattern === '5 0 * * *' ? true : undefined), 10_000, 'the daily scheduler set again');

      // the unchanged nightly scheduler was left alone: its due run still waits
      expect((await ratings.getJobScheduler('nightly-full-recompute'))?.next).toBe(dueNightly);
      expect(await (await ratings.getJob(`repeat:nightly-full-recompute:${dueNightly}`))?.getState()).toBe('waiting');
      // the changed daily one lost its due job to the upsert, and a catch-up waits in its place:
      // the maintenance of the day it runs, covering the days since that job was due
      expect(await records.getJob(`repeat:daily-maintenance:${dueDaily}`)).toBeUndefined();
      const waitingDaily = (await records.getJobs(['waiting'], 0, 1_000)).filter((j) => j?.name === JobName.DAILY_MAINTENANCE);
      expect(waitingDaily.map((j) => j.data)).toEqual([{ day: '', coverFrom: toCalendarDate(new Date(dueDaily)) }]);

      await ratings.removeGlobalConcurrency();
      await records.removeGlobalConcurrency();
      // both run: the nightly starts a run as of the UTC calendar day, the 15th, the day
      // 02:00 CST falls in (the records' day; the 16th, UTC, begins at 08:00 CST)
      const run = await eventually(async () => {
        const rows: { as_of: string; status: string }[] = await pipeline.api.dataSource.query(
          `SELECT as_of::text, status FROM full_recompute_runs WHERE trigger = 'SCHEDULE' ORDER BY started_at DESC LIMIT 1`,
        );
        return rows[0];
      }, 20_000, 'the nightly run');
      expect(run.as_of).toBe('2031-03-15');
      const ranDaily = await eventually(async () => {
        const done = (await records.getJobs(['completed'], 0, 1_000)).find((j) => j?.name === JobName.DAILY_MAINTENANCE && j.data.coverFrom === toCalendarDate(new Date(dueDaily)));
        return done?.returnvalue as { day: string; since: string } | undefined;
      }, 20_000, 'the catch-up of the daily maintenance');
      // run on the worker's day, its time changes counted from two days before the day it was due
      expect(ranDaily.day).toBe('2031-03-15');
      expect(ranDaily.since).toBe(toCalendarDate(new Date(Date.parse(`${toCalendarDate(new Date(dueDaily))}T00:00:00Z`) - 2 * 86_400_000)));
    } finally {
      await ratings.removeGlobalConcurrency();
      await records.removeGlobalConcurrency();
      await ratings.close();
      await records.close();
      connection.disconnect();
    }
  });
});
