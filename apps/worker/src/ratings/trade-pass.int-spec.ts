import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Global, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '@app/config';
import { addDays, Clock, SystemClock, toCalendarDate } from '@app/domain';
import { createDataSource, CreditRecordRepository, type Db, FullRecomputeRepository, migrate, PersistenceModule, RatingModelRepository, RatingRepository, ScoringInputRepository } from '@app/persistence';
import { DEFAULT_RATING_MODEL, paymentWindows, rateCompany } from '@app/scoring';
import { Factories, generateCluster, testConfig, withOwnConnections } from '@app/testing';
import { ratingFixture } from '@app/testing/rating-fixtures';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { WorkerMetrics } from '@worker/health/worker-metrics';
import { WORKER_CONFIG } from '@worker/worker.tokens';
import { FullRecompute } from './full-recompute.service';
import { RatingComputer } from './rating-computer.service';
import { RatingsModule } from './ratings.module';
import { StandingComputer } from './standing-computer.service';

const ROLLBACK = new Error('rolled back on purpose');

/**
 * A full run's trade pass (ScoringInputRepository.prepareTradePass) is only a faster way to
 * read what the job path reads: the same companies rated through it and without it give the
 * same rating rows, on a generated cluster with every record kind, before and after a record
 * changes under the pass. Its own database, so that the pass reads this cluster alone.
 */
describe('a full recompute through the trade pass', () => {
  let config: AppConfig;
  let database: string;
  let ds: DataSource;
  let app: INestApplicationContext;
  let computer: RatingComputer;
  let scoringInputs: ScoringInputRepository;
  let ids: string[];
  const asOf = toCalendarDate(new Date());

  beforeAll(async () => {
    const base = testConfig();
    const url = new URL(base.databaseUrl);
    database = `${url.pathname.slice(1)}_trade_pass`;
    url.pathname = `/${database}`;
    await migrate({ databaseUrl: url.toString(), dbPoolSize: 2 });
    config = testConfig({ DATABASE_URL: url.toString() });
    ds = createDataSource(config, 'trade-pass-spec');
    await ds.initialize();
    await generateCluster(ds, { seed: 11, members: 60, asOf });
    ids = ((await ds.query('SELECT id FROM companies ORDER BY id')) as { id: string }[]).map((r) => r.id);

    @Global()
    @Module({
      imports: [PersistenceModule.forRoot(config, 'trade-pass-spec-app')],
      providers: [{ provide: WORKER_CONFIG, useValue: config }, { provide: Clock, useClass: SystemClock }, WorkerMetrics],
      exports: [WORKER_CONFIG, Clock, WorkerMetrics],
    })
    class CoreModule {}
    @Module({ imports: [CoreModule, RatingsModule] })
    class SpecModule {}
    app = await NestFactory.createApplicationContext(SpecModule, { logger: false });
    computer = app.get(RatingComputer);
    scoringInputs = app.get(ScoringInputRepository);
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    const admin = new URL(testConfig().databaseUrl);
    admin.pathname = '/postgres';
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  /** The rating rows every company would get, in a transaction rolled back afterwards; and which companies were read live. */
  async function rate(tradePassOf: string | undefined): Promise<{ rows: unknown[]; readLive: string[] }> {
    const live = jest.spyOn(scoringInputs, 'fingerprints');
    let rows: unknown[] = [];
    try {
      await ds.transaction(async (tx) => {
        await computer.recompute(tx, ids, asOf, { queueDependents: false, queueStandings: false, tradePassOf });
        rows = await tx.query(
          `SELECT company_id, score, grade, pd, in_default, confidence, verified_records, data_version, reasons, factors, backed, detail
           FROM ratings ORDER BY company_id, computed_at`,
        );
        throw ROLLBACK;
      });
    } catch (error) {
      if (error !== ROLLBACK) throw error;
    }
    const readLive = live.mock.calls.flatMap((call) => call[1] as string[]).sort();
    live.mockRestore();
    return { rows, readLive };
  }

  /** `db` running `before` ahead of each of its statements and `after` once each is done. */
  function watched(db: Db, hooks: { before?: (sql: string) => Promise<void>; after?: (sql: string) => Promise<void> }): Db {
    return new Proxy(db, {
      get(target, key) {
        if (key !== 'query') return Reflect.get(target, key);
        return async (sql: string, parameters?: unknown[]) => {
          await hooks.before?.(sql);
          const result: unknown = await target.query(sql, parameters);
          await hooks.after?.(sql);
          return result;
        };
      },
    });
  }

  it('rates every company as the job path does, and reads live only the companies whose trade changed after the pass', async () => {
    const byJobPath = await rate(undefined);
    expect(byJobPath.rows).toHaveLength(ids.length);
    expect(byJobPath.readLive).toEqual(ids);

    const runId = await new Factories(ds).tradePassRun(asOf);
    await withOwnConnections(ds, 2, (connections) => scoringInputs.prepareTradePass(connections, runId, asOf, paymentWindows(asOf)));
    const passed: { n: number }[] = await ds.query('SELECT count(*)::int AS n FROM full_recompute_trade WHERE run_id = $1 AND sums IS NOT NULL', [runId]);
    expect(passed[0].n).toBeGreaterThan(ids.length / 2);

    const byPass = await rate(runId);
    expect(byPass.readLive).toEqual([]);
    expect(byPass.rows).toEqual(byJobPath.rows);

    // a verified trade experience disputed after the pass: its subject and creditor are read live
    const lines: { record_id: string; version: number; subject_id: string; counterparty_id: string }[] = await ds.query(
      `SELECT record_id, version, subject_id, counterparty_id FROM trade_experiences WHERE is_current AND status = 'VERIFIED' ORDER BY record_id LIMIT 1`,
    );
    const line = lines[0];
    const dispute = async (tx: Db): Promise<void> => {
      await new CreditRecordRepository().setStatus(tx, { kind: 'TRADE_EXPERIENCE', recordId: line.record_id, version: line.version, status: 'VERIFIED' }, 'DISPUTED', {
        action: 'DISPUTE',
        actorId: null,
        at: new Date(),
      });
    };
    await ds.transaction(dispute);
    const changedByJobPath = await rate(undefined);
    expect(changedByJobPath.rows).not.toEqual(byJobPath.rows);
    const changedByPass = await rate(runId);
    expect(changedByPass.readLive).toEqual([line.subject_id, line.counterparty_id].sort());
    expect(changedByPass.rows).toEqual(changedByJobPath.rows);
  });

  it('a run whose pass a dead lane left half written prepares it again, from empty tables, and rates as the job path does', async () => {
    const expected = await rate(undefined);
    // one chunk: every company rated at once, as `rate` does (over several chunks, later ones
    // would read the partners' ratings of earlier ones)
    const { run } = await ds.transaction((tx) => new FullRecomputeRepository().start(tx, { trigger: 'ADMIN', requestedBy: null, asOf, chunkSize: ids.length }));
    // what a lane killed in the middle of its pass leaves: rows of the run, the run not marked
    // prepared; this row claims the company's current trade with a wrong summary
    const company = ids[0];
    await ds.query(
      `INSERT INTO full_recompute_trade (run_id, company_id, change_sum, counts_from, expires_on, sums)
       SELECT $1, $2, (SELECT sum(change_seq) FROM trade_experiences WHERE (subject_id = $2 OR counterparty_id = $2) AND is_current),
              NULL, NULL, '3 3 300 0 0 0 0 0 0 400'`,
      [run.id, company],
    );
    const lanes = await Promise.all([0, 1].map(() => app.get(FullRecompute).runLane(run.id, async () => undefined)));
    expect(lanes.filter((l) => l.finishedRun)).toHaveLength(1);
    const prepared: { prepared_at: Date | null }[] = await ds.query('SELECT prepared_at FROM full_recompute_runs WHERE id = $1', [run.id]);
    expect(prepared[0].prepared_at).not.toBeNull();
    const rows = await ds.query(
      `SELECT company_id, score, grade, pd, in_default, confidence, verified_records, data_version, reasons, factors, backed, detail
       FROM ratings ORDER BY company_id, computed_at`,
    );
    expect(rows).toEqual(expected.rows);
  });

  it("a lane's chunks read the partners' current scores as they stand when each chunk starts, the earlier chunks' ratings included", async () => {
    await ds.query('TRUNCATE rating_events, ratings, consortium_standings, outbox CASCADE');
    const { run } = await ds.transaction((tx) => new FullRecomputeRepository().start(tx, { trigger: 'ADMIN', requestedBy: null, asOf, chunkSize: 10 }));
    const seen: { given: [string, unknown][]; stored: [string, unknown][] }[] = [];
    const original = computer.recompute.bind(computer);
    const spy = jest.spyOn(computer, 'recompute').mockImplementation(async (tx, companyIds, at, options) => {
      const read = options?.currentScores;
      expect(read).toBeDefined();
      return original(tx, companyIds, at, {
        ...options,
        currentScores: async () => {
          const stored: { company_id: string; score: number; pd: number }[] = await tx.query('SELECT company_id, score, pd FROM current_ratings');
          const given = await (read as () => Promise<ReadonlyMap<string, unknown>>)();
          seen.push({
            given: [...given.entries()].sort(),
            stored: stored.map((r): [string, unknown] => [r.company_id, { score: r.score, pd: r.pd }]).sort(),
          });
          return given as ReadonlyMap<string, { score: number; pd: number }>;
        },
      });
    });
    try {
      await app.get(FullRecompute).runLane(run.id, async () => undefined);
    } finally {
      spy.mockRestore();
    }
    expect(seen).toHaveLength(Math.ceil(ids.length / 10));
    expect(seen[0].given).toEqual([]);
    expect(seen.at(-1)?.given.length).toBeGreaterThan(ids.length / 2);
    for (const chunk of seen) expect(chunk.given).toEqual(chunk.stored);
  });

  it("gives each partner's own PD to the network factor (the recompute against the engine fed independently)", async () => {
    let compared = 0;
    try {
      await ds.transaction(async (tx) => {
        const partners = await new RatingRepository().currentScores(tx, ids);
        const inputs = await scoringInputs.loadScoringInputs(tx, ids, asOf);
        const [{ last }]: { last: string }[] = await tx.query('SELECT coalesce(max(id), 0)::text AS last FROM ratings');
        await computer.recompute(tx, ids, asOf, { queueDependents: false, queueStandings: false });
        const written: { company_id: string; factors: { name: string; score: number }[] }[] = await tx.query(
          'SELECT company_id, factors FROM ratings WHERE id > $1',
          [last],
        );
        for (const row of written) {
          const input = inputs.get(row.company_id);
          if (!input || new Set(input.counterparties.map((c) => partners.get(c.counterpartyId)?.pd)).size < 2) continue;
          const fed = { ...input, counterparties: input.counterparties.map((c) => ({ ...c, pd: partners.get(c.counterpartyId)?.pd ?? null })) };
          const expected = rateCompany(fed, asOf).factors.find((f) => f.name === 'NETWORK');
          expect(expected).toBeDefined();
          expect(row.factors.find((f) => f.name === 'NETWORK')).toEqual(JSON.parse(JSON.stringify(expected)));
          compared++;
        }
        throw ROLLBACK;
      });
    } catch (error) {
      if (error !== ROLLBACK) throw error;
    }
    expect(compared).toBeGreaterThan(ids.length / 4);
  });

  it("a chunk reads its partners' scores once its companies are locked: a company job that committed meanwhile is not undone", async () => {
    await ds.query('TRUNCATE rating_events, ratings, consortium_standings, outbox CASCADE');
    // Y trades with X in the last 12 months: X's score is in Y's network factor
    const lines: { subject_id: string; counterparty_id: string }[] = await ds.query(
      `SELECT subject_id, counterparty_id FROM trade_experiences
       WHERE is_current AND status = 'VERIFIED' AND side = 'SUPPLIER' AND invoice_date > $1::date - 300 AND invoice_date <= $1::date
       ORDER BY record_id LIMIT 1`,
      [asOf],
    );
    const [y, x] = [lines[0].subject_id, lines[0].counterparty_id];
    const consortium: { consortium_id: string }[] = await ds.query('SELECT consortium_id FROM companies WHERE id = $1', [x]);
    const { run } = await ds.transaction((tx) => new FullRecomputeRepository().start(tx, { trigger: 'ADMIN', requestedBy: null, asOf, chunkSize: ids.length }));
    // a company job holds Y (as RatingComputer locks it) while X gets a new rating
    const job = ds.createQueryRunner();
    await job.connect();
    await job.startTransaction();
    await job.query('SELECT id FROM companies WHERE id = $1 FOR NO KEY UPDATE', [y]);
    let used: ReadonlyMap<string, { score: number; pd: number }> | undefined;
    const original = computer.recompute.bind(computer);
    const spy = jest.spyOn(computer, 'recompute').mockImplementation(async (tx, companyIds, at, options) => {
      const read = options?.currentScores as () => Promise<ReadonlyMap<string, { score: number; pd: number }>>;
      return original(tx, companyIds, at, { ...options, currentScores: async () => (used = new Map(await read())) });
    });
    try {
      const lane = app.get(FullRecompute).runLane(run.id, async () => undefined);
      // the lane's chunk waits for Y's lock
      for (let waited = 0; ; waited += 20) {
        const waiting: { n: number }[] = await ds.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'trade-pass-spec-app' AND wait_event_type = 'Lock'`,
        );
        if (waiting[0].n > 0) break;
        if (waited > 20_000) throw new Error('the lane never waited for the lock');
        await new Promise((r) => setTimeout(r, 20));
      }
      await new RatingRepository().insertMany(job.manager, [
        { consortiumId: consortium[0].consortium_id, rating: ratingFixture(x, { score: 333, pd: 0.5, grade: 'CCC' }), backed: null, dataVersion: 'a job of today' },
      ]);
      await job.commitTransaction();
      await lane;
    } finally {
      spy.mockRestore();
      if (job.isTransactionActive) await job.rollbackTransaction();
      await job.release();
    }
    expect(used?.get(x)).toEqual({ score: 333, pd: 0.5 });
  });

  it("a partner's new PD moves the data version even when its score stays (the network factor reads the PD)", async () => {
    await ds.query('TRUNCATE rating_events, ratings, consortium_standings, outbox CASCADE');
    const lines: { subject_id: string; counterparty_id: string; consortium_id: string }[] = await ds.query(
      `SELECT t.subject_id, t.counterparty_id, c.consortium_id FROM trade_experiences t JOIN companies c ON c.id = t.counterparty_id
       WHERE t.is_current AND t.status = 'VERIFIED' AND t.side = 'SUPPLIER' AND t.invoice_date > $1::date - 300 AND t.invoice_date <= $1::date
       ORDER BY t.record_id LIMIT 1`,
      [asOf],
    );
    const [{ subject_id: y, counterparty_id: x, consortium_id: xConsortium }] = lines;
    const options = { queueDependents: false, queueStandings: false };
    const partner = (pd: number) => [{ consortiumId: xConsortium, rating: ratingFixture(x, { score: 600, pd, grade: 'BB' }), backed: null, dataVersion: `x at ${pd}` }];
    await new RatingRepository().insertMany(ds.manager, partner(0.02));
    expect((await ds.transaction((tx) => computer.recompute(tx, [y], asOf, options))).written).toBe(1);
    // the same score, another PD: what Y's network factor reads has moved
    await new RatingRepository().insertMany(ds.manager, partner(0.2));
    const again = await ds.transaction((tx) => computer.recompute(tx, [y], asOf, options));
    expect(again).toMatchObject({ current: 0, written: 1 });
  });

  it("rates a consortium's companies with its ACTIVE model, and the model's activation moves their data version", async () => {
    await ds.query('TRUNCATE rating_events, ratings, consortium_standings, outbox CASCADE');
    const company = ids[1];
    const [{ consortium_id: consortiumId }]: { consortium_id: string }[] = await ds.query('SELECT consortium_id FROM companies WHERE id = $1', [company]);
    const options = { queueDependents: false, queueStandings: false };
    expect((await ds.transaction((tx) => computer.recompute(tx, [company], asOf, options))).written).toBe(1);
    const models = new RatingModelRepository();
    const spec = { ...DEFAULT_RATING_MODEL, version: 'spec-active-1', intercept: DEFAULT_RATING_MODEL.intercept + 0.5 };
    const empty = { n: 0, defaults: 0, auc: 0.5, ks: 0, gini: 0, brier: 0, calibration: [] };
    const proposed = await models.insert(ds.manager, { consortiumId, version: spec.version, spec, basedOn: DEFAULT_RATING_MODEL.version, backtest: { current: empty, proposed: empty }, proposedBy: null, proposedAt: new Date() });
    // proposed only: the company is current, nothing is written; the standing is as it was
    expect((await ds.transaction((tx) => computer.recompute(tx, [company], asOf, options))).written).toBe(0);
    const standing = app.get(StandingComputer);
    await ds.transaction((tx) => standing.recompute(tx, consortiumId, asOf));
    expect((await ds.transaction((tx) => standing.recompute(tx, consortiumId, asOf))).written).toBe(false);
    await models.activate(ds.manager, proposed, (await ds.query('SELECT id FROM users LIMIT 1'))[0]?.id ?? null, new Date());
    // the activation alone moves the standing, which records the model its members are rated with
    expect((await ds.transaction((tx) => standing.recompute(tx, consortiumId, asOf))).written).toBe(true);
    const [stood]: { model_version: string }[] = await ds.query('SELECT model_version FROM consortium_standings WHERE consortium_id = $1 ORDER BY id DESC LIMIT 1', [consortiumId]);
    expect(stood.model_version).toBe('spec-active-1');
    expect((await ds.transaction((tx) => computer.recompute(tx, [company], asOf, options))).written).toBe(1);
    const [latest]: { model_version: string }[] = await ds.query('SELECT model_version FROM ratings WHERE company_id = $1 ORDER BY id DESC LIMIT 1', [company]);
    expect(latest.model_version).toBe('spec-active-1');

  });

  it('never replaces a rating with one as of an earlier day (a run started yesterday meeting a job of today)', async () => {
    await ds.query('TRUNCATE rating_events, ratings, consortium_standings, outbox CASCADE');
    const company = ids[0];
    const options = { queueDependents: false, queueStandings: false };
    const today = await ds.transaction((tx) => computer.recompute(tx, [company], asOf, options));
    expect(today.written).toBe(1);
    const yesterday = await ds.transaction((tx) => computer.recompute(tx, [company], addDays(asOf, -1), options));
    expect(yesterday.written).toBe(0);
    const current = await new RatingRepository().currentSummaries(ds.manager, [company]);
    expect(current.get(company)?.asOf).toBe(asOf);
  });

  it('a run of a later day supersedes one still running as of an earlier day: its lanes stop; a start of the same day joins', async () => {
    const runs = new FullRecomputeRepository();
    await ds.query(`UPDATE full_recompute_runs SET status = 'DONE', finished_at = now() WHERE status = 'RUNNING'`);
    const start = (day: string) => ds.transaction((tx) => runs.start(tx, { trigger: 'SCHEDULE', requestedBy: null, asOf: day, chunkSize: 10 }));
    const stuck = await start(addDays(asOf, -1));
    expect(stuck).toMatchObject({ created: true, superseded: null });
    const today = await start(asOf);
    expect(today).toMatchObject({ created: true, superseded: stuck.run.id });
    expect(await runs.findById(ds.manager, stuck.run.id)).toMatchObject({ status: 'SUPERSEDED', finishedAt: expect.any(Date) });
    // the same day joins; so does an earlier day's start, which never replaces a later run
    expect(await start(asOf)).toMatchObject({ created: false, superseded: null, run: { id: today.run.id } });
    expect(await start(addDays(asOf, -1))).toMatchObject({ created: false, superseded: null, run: { id: today.run.id } });
    // a lane of the superseded run finds nothing to do and does not close it
    expect(await app.get(FullRecompute).runLane(stuck.run.id, async () => undefined)).toEqual({ chunks: 0, written: 0, finishedRun: false });
    expect((await runs.findById(ds.manager, stuck.run.id))?.status).toBe('SUPERSEDED');
    await ds.query(`UPDATE full_recompute_runs SET status = 'DONE', finished_at = now() WHERE id = $1`, [today.run.id]);
  });

  it("reads the ledger in one snapshot: a line disputed between the pass's statements is in none of them, and its companies are read live", async () => {
    const runId = await new Factories(ds).tradePassRun(asOf);
    // a counting supplier's line of the last 12 months: it is in its subject's list of buyers
    const lines: { record_id: string; version: number; subject_id: string; counterparty_id: string }[] = await ds.query(
      `SELECT record_id, version, subject_id, counterparty_id FROM trade_experiences
       WHERE is_current AND status = 'VERIFIED' AND side = 'SUPPLIER' AND invoice_date > $1::date - 300 AND invoice_date <= $1::date
       ORDER BY record_id LIMIT 1`,
      [asOf],
    );
    expect(lines).toHaveLength(1);
    const line = lines[0];
    let disputed!: () => void;
    const afterDispute = new Promise<void>((resolve) => (disputed = resolve));
    await withOwnConnections(ds, 2, ([first, second]) =>
      scoringInputs.prepareTradePass(
        [
          // the fingerprints start only once the suppliers' lists are written and the line disputed
          watched(first, { before: async (sql) => (sql.includes('INSERT INTO full_recompute_trade') ? afterDispute : undefined) }),
          watched(second, {
            after: async (sql) => {
              if (!sql.includes("'S', array_agg")) return;
              await ds.transaction((tx) =>
                new CreditRecordRepository().setStatus(tx, { kind: 'TRADE_EXPERIENCE', recordId: line.record_id, version: line.version, status: 'VERIFIED' }, 'DISPUTED', {
                  action: 'DISPUTE',
                  actorId: null,
                  at: new Date(),
                }),
              );
              disputed();
            },
          }),
        ],
        runId,
        asOf,
        paymentWindows(asOf),
      ),
    );
    const both = [line.subject_id, line.counterparty_id];
    const live = await scoringInputs.fingerprints(ds.manager, both, asOf, paymentWindows(asOf));
    // read through the pass as the lanes read it: the same answer (the pass's fingerprint, of
    // before the dispute, differs from the live one, so both companies are read live)
    const spy = jest.spyOn(scoringInputs, 'fingerprints');
    try {
      expect(await scoringInputs.fingerprintsFromTradePass(ds.manager, runId, both, asOf, paymentWindows(asOf))).toEqual(live);
      expect(spy.mock.calls.flatMap((call) => call[1] as string[]).sort()).toEqual([...both].sort());
    } finally {
      spy.mockRestore();
    }
  });
});
