/**
 * Benchmark: the full recompute (issue 5) on a generated cluster, against the floor of a
 * single SQL aggregate over the same records (the database cannot do less work than read
 * them once). Builds (once, then reuses: table bench_marker) a database of N companies in
 * 10 consortia and M verified, current trade experiences among them (every row with its own
 * invoice date over two years, so that about half fall in the last 12 months and give the
 * network factor its counterparties; 85% paid within terms, 12% late, 3% unpaid), then in
 * the same run times:
 *   - the floor: one GROUP BY over every counting trade experience, both sides;
 *   - a full recompute run with 1 lane, on a database without ratings (every company rated),
 *     its trade pass (one sequential read of the ledger at the start of the run) included;
 *   - the same run again on unchanged data (every rating current: the skip path);
 *   - a run with 2 lanes in this process, after the ratings are removed again;
 *   - a run with 2 lanes in 2 worker processes of their own (one lane each), the ratings removed again.
 * Samples this process's RSS and heap every second during the runs (the worker's memory).
 *
 * Run: node -r @swc-node/register bench/pipeline/full-recompute.bench.ts [companies] [experiences] [chunk]
 *      (defaults 100000 10000000 500; try 10000 1000000 first). BENCH_RUNS=lane,again,lanes,processes
 *      (the default: every run) picks runs; `again` follows `lane`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { Global, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AppConfig, loadConfig } from '@app/config';
import { Clock, SystemClock, toCalendarDate } from '@app/domain';
import { createDataSource, FullRecomputeRepository, migrate, PersistenceModule } from '@app/persistence';
import { Client } from 'pg';
import { FullRecompute } from '@worker/ratings/full-recompute.service';
import { RatingsModule } from '@worker/ratings/ratings.module';
import { WorkerMetrics } from '@worker/health/worker-metrics';
import { WORKER_CONFIG } from '@worker/worker.tokens';

const COMPANIES = Number(process.argv[2] ?? 100_000);
const EXPERIENCES = Number(process.argv[3] ?? 10_000_000);
const CHUNK = Number(process.argv[4] ?? 500);
const DATABASE = COMPANIES === 100_000 && EXPERIENCES === 10_000_000 ? 'ca_bench_pipeline' : `ca_bench_pipeline_${COMPANIES}_${EXPERIENCES}`;
const URL = `postgres://postgres@127.0.0.1:5432/${DATABASE}`;

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;

async function build(client: Client): Promise<void> {
  const marker = await client.query(`SELECT to_regclass('bench_marker') IS NOT NULL AS built`);
  if (marker.rows[0].built) {
    say(`reusing ${DATABASE}`);
    return;
  }
  const started = Date.now();
  say(`building ${DATABASE}: ${COMPANIES.toLocaleString('en-US')} companies, ${EXPERIENCES.toLocaleString('en-US')} trade experiences...`);
  await client.query(`INSERT INTO consortia (name, region, industry) SELECT 'bench cluster ' || i, '温州', 'footwear' FROM generate_series(1, 10) i`);
  await client.query(`
    CREATE TEMP TABLE numbered AS
    SELECT i AS n, gen_random_uuid() AS id FROM generate_series(0, ${COMPANIES - 1}) i;
    INSERT INTO companies (id, consortium_id, credit_code, name)
    SELECT n.id, (SELECT id FROM consortia ORDER BY name OFFSET (n.n % 10) LIMIT 1), 'B' || lpad(n.n::text, 17, '0'), 'bench company ' || n.n
    FROM numbered n;
    CREATE INDEX ON numbered (n);
  `);
  // the ledger's indexes are built once after the load, as a restore would
  await client.query(`
    ALTER TABLE trade_experiences DROP CONSTRAINT trade_experiences_pkey;
    DROP INDEX trade_experiences_subject_idx, trade_experiences_creditor_idx, trade_experiences_buyer_side_idx;
  `);
  // each company buys from ~its neighbours in a ring (clusters trade locally), amounts
  // heavy-tailed, 85% paid within terms, 12% late, 3% unpaid; invoices over two years (the
  // draws are per row: the lateral subquery refers to g, so it is not evaluated once)
  const batch = 1_000_000;
  for (let from = 0; from < EXPERIENCES; from += batch) {
    const to = Math.min(EXPERIENCES, from + batch) - 1;
    await client.query(
      `INSERT INTO trade_experiences (record_id, version, consortium_id, subject_id, reporter_company_id, reporter_role, status, filed_status,
         is_current, row_hash, negative, counts_from, created_at, side, counterparty_id, invoice_no, amount, invoice_date, due_date, paid_date)
       SELECT gen_random_uuid(), 1, c.consortium_id, s.id, k.id, 'MEMBER', 'VERIFIED', 'VERIFIED',
              true, '\\x00'::bytea, false, now() - interval '1 day', now() - interval '1 day', 'SUPPLIER', k.id, 'B' || g,
              round((1000 + 200000 * power(random(), 3))::numeric, 2), d.invoice_date, d.invoice_date + 30,
              CASE WHEN d.r < 0.85 THEN d.invoice_date + 30 - (random() * 10)::int
                   WHEN d.r < 0.97 THEN d.invoice_date + 30 + 1 + (random() * 25)::int
                   ELSE NULL END
       FROM generate_series($1::int, $2::int) g
       CROSS JOIN LATERAL (SELECT g AS gg, random() AS r, (current_date - 760 + (random() * 720)::int + 0 * g) AS invoice_date) d
       JOIN numbered sn ON sn.n = (g::bigint * 7919) % ${COMPANIES}
       JOIN numbered kn ON kn.n = ((g::bigint * 7919) % ${COMPANIES} + 1 + (g % 97)) % ${COMPANIES}
       JOIN companies s ON s.id = sn.id
       JOIN companies k ON k.id = kn.id
       JOIN companies c ON c.id = s.id`,
      [from, to],
    );
    say(`  ${(to + 1).toLocaleString('en-US')} experiences (${seconds(Date.now() - started)})`);
  }
  await client.query(`
    ALTER TABLE trade_experiences ADD PRIMARY KEY (record_id, version);
    CREATE INDEX trade_experiences_subject_idx ON trade_experiences (subject_id, change_seq) WHERE is_current;
    CREATE INDEX trade_experiences_creditor_idx ON trade_experiences (counterparty_id, change_seq) WHERE is_current;
    CREATE INDEX trade_experiences_buyer_side_idx ON trade_experiences (counterparty_id, subject_id, invoice_no) WHERE is_current AND side = 'BUYER';
  `);
  await client.query('VACUUM ANALYZE');
  await client.query(`
    CREATE TABLE bench_marker (built_at timestamptz DEFAULT now());
    INSERT INTO bench_marker DEFAULT VALUES;
  `);
  say(`built in ${seconds(Date.now() - started)}`);
}

async function floor(client: Client): Promise<number> {
  const sql = `
    SELECT company_id, count(*), sum(amount), sum(amount * greatest(coalesce(paid_date, current_date) - due_date, 0))
    FROM (SELECT subject_id AS company_id, amount, paid_date, due_date FROM trade_experiences WHERE is_current AND status = 'VERIFIED'
          UNION ALL
          SELECT counterparty_id, amount, paid_date, due_date FROM trade_experiences WHERE is_current AND status = 'VERIFIED') t
    GROUP BY company_id`;
  await client.query(sql); // warm the cache like the runs will find it
  const started = Date.now();
  const result = await client.query(sql);
  const ms = Date.now() - started;
  say(`floor: one aggregate over every counting record, both sides: ${seconds(ms)} (${result.rowCount} companies)`);
  return ms;
}

/** The worker's ratings module in a Nest application context, as the deployed worker has it. */
async function workerContext(config: AppConfig): Promise<INestApplicationContext> {
  @Global()
  @Module({
    imports: [PersistenceModule.forRoot(config, 'bench-pipeline')],
    providers: [{ provide: WORKER_CONFIG, useValue: config }, { provide: Clock, useClass: SystemClock }, WorkerMetrics],
    exports: [WORKER_CONFIG, Clock, WorkerMetrics],
  })
  class BenchCoreModule {}
  @Module({ imports: [BenchCoreModule, RatingsModule] })
  class BenchModule {}
  return NestFactory.createApplicationContext(BenchModule, { logger: ['error', 'warn'] });
}

/** Messages between the benchmark and a worker process of its own (the run with one lane per process). */
type ToLane = { readonly runId: string };
type FromLane = { readonly ready: true } | { readonly chunks: number; readonly rssMin: number; readonly rssMax: number; readonly heapMin: number; readonly heapMax: number };

/** A worker process: one lane of the run it is handed, then it reports and exits. */
async function laneProcess(config: AppConfig): Promise<void> {
  const app = await workerContext(config);
  const full = app.get(FullRecompute);
  const send = (m: FromLane): void => void process.send?.(m);
  const { runId } = await new Promise<ToLane>((resolve) => {
    process.once('message', (m: ToLane) => resolve(m));
    send({ ready: true });
  });
  const samples: { rss: number; heap: number }[] = [];
  const sampler = setInterval(() => samples.push({ rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed }), 1000);
  const outcome = await full.runLane(runId, async () => undefined);
  clearInterval(sampler);
  samples.push({ rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed });
  const rss = samples.map((x) => x.rss);
  const heap = samples.map((x) => x.heap);
  send({ chunks: outcome.chunks, rssMin: Math.min(...rss), rssMax: Math.max(...rss), heapMin: Math.min(...heap), heapMax: Math.max(...heap) });
  await app.close();
  process.disconnect?.();
}

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, DATABASE_URL: URL, QUEUE_PREFIX: 'bench_pipeline', LOG_LEVEL: 'warn', FULL_RECOMPUTE_CHUNK_SIZE: String(CHUNK) });
  if (process.env.BENCH_LANE_PROCESS === '1') return laneProcess(config);
  await migrate(config);
  const client = new Client({ connectionString: URL });
  await client.connect();
  await build(client);
  await client.query('SET statement_timeout = 0');
  const shape = await client.query(
    `SELECT count(*) AS n, min(invoice_date)::text AS first, max(invoice_date)::text AS last,
            round(avg((invoice_date > current_date - 365)::int), 2) AS recent, round(avg((paid_date IS NULL)::int), 3) AS unpaid,
            round(avg((paid_date > due_date)::int), 3) AS late
     FROM trade_experiences`,
  );
  const sh = shape.rows[0];
  say(`data: ${Number(sh.n).toLocaleString('en-US')} trade experiences, invoices ${sh.first}..${sh.last}, ${sh.recent} in the last year, ${sh.late} late, ${sh.unpaid} unpaid`);
  const floorMs = await floor(client);

  const app = await workerContext(config);
  const full = app.get(FullRecompute);
  const runs = new FullRecomputeRepository();
  const ds = createDataSource(config, 'bench-pipeline-runs');
  await ds.initialize();

  const start = async (): Promise<string> =>
    (await ds.transaction((tx) => runs.start(tx, { trigger: 'ADMIN', requestedBy: null, asOf: toCalendarDate(new Date()), chunkSize: CHUNK }))).run.id;
  const report = async (label: string, runId: string, ms: number, chunks: number, memory: string): Promise<void> => {
    const done = await runs.findById(ds.manager, runId);
    const pass: { ms: number | null }[] = await ds.query(
      'SELECT (extract(epoch FROM prepared_at - started_at) * 1000)::int AS ms FROM full_recompute_runs WHERE id = $1',
      [runId],
    );
    say(
      `${label}: ${seconds(ms)}, ${Math.round((COMPANIES / ms) * 1000).toLocaleString('en-US')} companies/s, ` +
        `${done?.ratingsWritten.toLocaleString('en-US')} ratings written, ${chunks} chunks, ` +
        `run / floor = ${(ms / floorMs).toFixed(2)} (of which the trade pass ${seconds(pass[0]?.ms ?? 0)}); ${memory}`,
    );
  };

  /** A run with `lanes` lanes in this process. */
  const run = async (label: string, lanes: number): Promise<void> => {
    const runId = await start();
    const samples: { rss: number; heap: number }[] = [];
    const sampler = setInterval(() => samples.push({ rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed }), 1000);
    const started = Date.now();
    const outcomes = await Promise.all(Array.from({ length: lanes }, () => full.runLane(runId, async () => undefined)));
    const ms = Date.now() - started;
    clearInterval(sampler);
    const rss = samples.map((x) => x.rss);
    const heap = samples.map((x) => x.heap);
    const memory = `RSS ${mb(Math.min(...rss))}..${mb(Math.max(...rss))}, heap ${mb(Math.min(...heap))}..${mb(Math.max(...heap))}`;
    await report(label, runId, ms, outcomes.reduce((a, o) => a + o.chunks, 0), memory);
  };

  /**
   * A run with one lane in each of `processes` worker processes, as a deployment with that
   * many worker replicas runs it: one lane per process is not bound by one process's
   * JavaScript thread, which two lanes in one process share. Timed from the moment the
   * processes, started and ready, are handed the run.
   */
  const runInProcesses = async (label: string, processes: number): Promise<void> => {
    const children = Array.from({ length: processes }, () =>
      fork(__filename, process.argv.slice(2), { env: { ...process.env, BENCH_LANE_PROCESS: '1' }, execArgv: process.execArgv }),
    );
    const next = (child: ChildProcess): Promise<FromLane> =>
      new Promise((resolve, reject) => {
        child.once('message', (m: FromLane) => resolve(m));
        child.once('exit', (code) => reject(new Error(`a lane process exited (${code}) before it reported`)));
      });
    await Promise.all(children.map(next));
    const runId = await start();
    const started = Date.now();
    const reports = children.map(next);
    for (const child of children) child.send({ runId } satisfies ToLane);
    const outcomes = (await Promise.all(reports)) as Extract<FromLane, { chunks: number }>[];
    const ms = Date.now() - started;
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    const memory = outcomes
      .map((o, i) => `process ${i + 1}: RSS ${mb(o.rssMin)}..${mb(o.rssMax)}, heap ${mb(o.heapMin)}..${mb(o.heapMax)}`)
      .join('; ');
    await report(label, runId, ms, outcomes.reduce((a, o) => a + o.chunks, 0), memory);
  };

  const clear = async (): Promise<void> => {
    await client.query('TRUNCATE rating_events, ratings, consortium_standings, outbox CASCADE');
  };
  // BENCH_RUNS picks some of the runs (e.g. BENCH_RUNS=lane,processes while trying a change)
  const picked = new Set((process.env.BENCH_RUNS ?? 'lane,again,lanes,processes').split(','));
  if (picked.has('lane')) {
    await clear();
    await run('full recompute, 1 lane, every company rated', 1);
    if (picked.has('again')) await run('again, 1 lane (no record changed; partners rated in the first run move network factors)', 1);
  }
  if (picked.has('lanes')) {
    await clear();
    await run('full recompute, 2 lanes, every company rated', 2);
  }
  if (picked.has('processes')) {
    await clear();
    await runInProcesses('full recompute, 2 lanes in 2 worker processes, every company rated', 2);
  }

  await app.close();
  await ds.destroy();
  await client.end();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
