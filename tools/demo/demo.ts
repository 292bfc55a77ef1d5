// `npm run demo`: build, migrate, seed a demo cluster, then run api + worker + web together
// and print the URLs and the logins. Idempotent: a second run finds the demo data in place.
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AppConfig, loadConfigOrExit } from '@app/config';
import type { Company } from '@app/domain';
import { JobName } from '@app/jobs';
import { BankRepository, createDataSource, FullRecomputeRepository, migrate, OutboxRepository, ScoringInputRepository, StandingInputRepository } from '@app/persistence';
import { generateCluster } from '@app/testing';
import type { DataSource } from 'typeorm';
import { DEMO_BANK, DEMO_LOGINS, DEMO_MEMBERS, DEMO_PASSWORD } from './demo-cluster';
import { fileDemoTrade, seedDemo } from './seed';

const ROOT = join(__dirname, '..', '..');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Queues a full recompute (as the startFullRecompute mutation does): the worker runs it. */
async function startFullRecompute(dataSource: DataSource, config: AppConfig): Promise<string> {
  return dataSource.transaction(async (tx) => {
    const { run, created } = await new FullRecomputeRepository().start(tx, {
      trigger: 'ADMIN',
      requestedBy: null,
      asOf: new Date().toISOString().slice(0, 10),
      chunkSize: config.pipeline.chunkSize,
    });
    if (created) {
      const lanes = Array.from({ length: config.pipeline.fullRecomputeLanes }, (_, lane) => lane);
      await new OutboxRepository().add(tx, lanes.map((lane) => ({ job: JobName.FULL_RECOMPUTE, payload: { runId: run.id, lane } })));
    }
    return run.id;
  });
}

/**
 * Polls `check` every second until it answers true, for at most `timeoutMs`; prints `what`
 * and `progress()` whenever the progress changes (and every 15 s). False on timeout, or
 * when `cancelled()` says the demo is stopping.
 */
async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, progress: () => Promise<string>, cancelled: () => boolean): Promise<boolean> {
  const started = Date.now();
  let shown = '';
  let shownAt = 0;
  while (!cancelled()) {
    if (await check().catch(() => false)) return true;
    const elapsed = Date.now() - started;
    if (elapsed > timeoutMs) return false;
    const now = await progress().catch(() => '');
    if (now !== shown || Date.now() - shownAt > 15_000) {
      say(`  waiting for ${what}${now ? `: ${now}` : ''} (${Math.round(elapsed / 1000)} s, at most ${Math.round(timeoutMs / 1000)} s)`);
      shown = now;
      shownAt = Date.now();
    }
    await sleep(1_000);
  }
  return false;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  say('building api, worker and web...');
  execSync('npm run --silent build', { cwd: ROOT, stdio: 'inherit' });

  const report = await migrate(config);
  say(report.applied.length ? `migrated: ${report.applied.join(', ')}` : 'database up to date');

  const dataSource = createDataSource(config, 'credit-alliance-demo');
  await dataSource.initialize();
  const seeded = await seedDemo(dataSource);
  say(seeded.created ? `seeded the demo cluster (${seeded.created} new rows)` : 'demo cluster already seeded');
  // two years of records for the cluster (libs/testing/src/generator), once
  const versions = await new ScoringInputRepository().dataVersions(dataSource.manager, seeded.companies.map((c) => c.id), new Date().toISOString().slice(0, 10));
  if ([...versions.values()].every((v) => v === '0.0.0')) {
    const bank = await new BankRepository().findByName(dataSource.manager, DEMO_BANK.name);
    const cluster = await generateCluster(dataSource, {
      seed: 20260101,
      consortiumId: seeded.consortiumId,
      bankId: bank?.id,
      existing: seeded.companies,
      members: 48,
      years: 2,
    });
    const records = Object.values(cluster.counts).reduce((a, b) => a + (b ?? 0), 0);
    say(`generated ${cluster.companies.length} members' records: ${records} records, ${cluster.disputes} open disputes`);
  }
  // the consortium's mutual guarantee fund (what backs the members' ratings), once
  const funds = await new StandingInputRepository().funds(dataSource.manager, [seeded.consortiumId], []);
  if (!funds.has(seeded.consortiumId)) {
    const members: { id: string }[] = await dataSource.query('SELECT id FROM companies WHERE consortium_id = $1', [seeded.consortiumId]);
    await new StandingInputRepository().setFund(
      dataSource.manager,
      seeded.consortiumId,
      String(members.length * 200_000),
      0.8,
      members.map((m) => ({ companyId: m.id, amountYuan: '200000.00' })),
    );
    say(`guarantee fund: ${(members.length * 200_000).toLocaleString('en-US')} yuan from ${members.length} members, covering 80% of a loss`);
  }
  // the first ratings: a full recompute the worker runs as soon as it starts
  const rated: { n: string }[] = await dataSource.query('SELECT count(*) AS n FROM ratings');
  if (Number(rated[0].n) === 0) {
    await startFullRecompute(dataSource, config);
    say('queued the first full recompute: the worker rates every member as it starts');
  }
  // a rating is backed by the consortium standing current when it is made, and the first
  // standing follows the first run: until a run after it, no member shows a backed grade
  const backed: unknown[] = await dataSource.query('SELECT 1 FROM ratings WHERE consortium_id = $1 AND backed IS NOT NULL LIMIT 1', [seeded.consortiumId]);
  const needsBackedRun = backed.length === 0;

  // loopback unless told otherwise: the logins and their password are printed below
  const host = process.env.HOST ?? '127.0.0.1';
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development', HOST: host };
  const apiUrl = `http://${shownHost}:${config.port}`;
  const children: ChildProcess[] = [
    // the console forwards from loopback: the API takes the browser's address from it
    spawn(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], { cwd: ROOT, env: { ...env, TRUST_PROXY: process.env.TRUST_PROXY ?? 'loopback' }, stdio: 'inherit' }),
    spawn(process.execPath, [join(ROOT, 'dist/apps/worker/src/main.js')], { cwd: ROOT, env, stdio: 'inherit' }),
    spawn(process.execPath, [join(ROOT, 'dist/apps/web/src/main.js')], { cwd: ROOT, env: { ...env, API_URL: process.env.API_URL ?? apiUrl }, stdio: 'inherit' }),
  ];
  let stopping = false;
  const stop = (): void => {
    stopping = true;
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // one process gone on its own (a port already taken, say) stops the others: the URLs printed
  // would otherwise point at whatever holds that port
  const names = ['the API', 'the worker', 'the console'];
  children.forEach((child, i) =>
    child.once('exit', (code, signal) => {
      if (stopping) return;
      say(`${names[i]} stopped (${signal ?? `exit code ${code}`}): stopping the demo`);
      process.exitCode = 1;
      stop();
    }),
  );

  try {
    await prepare(dataSource, config, apiUrl, seeded.companies, seeded.consortiumId, needsBackedRun, () => stopping);
  } catch (error) {
    say(`could not finish the demo data (${error instanceof Error ? error.message : String(error)}): the platform runs without it`);
  } finally {
    await dataSource.destroy();
  }
  if (!stopping) printLogins(config, shownHost, apiUrl, seeded.bankId, seeded.companies);
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
}

function printLogins(config: AppConfig, shownHost: string, apiUrl: string, bankId: string, companies: readonly Company[]): void {
  say('');
  say(`Credit Alliance console: http://${shownHost}:${config.web.port}/  (open it in a browser)`);
  say(`GraphQL API: ${apiUrl}/graphql  (POST only, no browser sandbox: see the README's curl; health: ${apiUrl}/health/ready)`);
  say(`password for every demo login: ${DEMO_PASSWORD}`);
  say(`  ADMIN        ${DEMO_LOGINS.admin}`);
  say(`  COORDINATOR  ${DEMO_LOGINS.coordinator}`);
  say(`  BANK         ${DEMO_LOGINS.bank}  (bank ID ${bankId}; the four members below consented to it: look up ${companies[0].creditCode})`);
  for (let i = 0; i < 4; i += 1) say(`  MEMBER       ${DEMO_LOGINS.member(i)}  (${DEMO_MEMBERS[i][0]}, ${companies[i].creditCode})`);
  say('Ctrl-C stops all three processes.');
}

/**
 * Once the platform runs: the login members' own trade reports (partner checks are give to
 * get), then, on a new demo database, the first run's end, the consortium standing it
 * leads to, and a second run whose ratings that standing backs.
 */
async function prepare(
  dataSource: DataSource,
  config: AppConfig,
  apiUrl: string,
  companies: readonly Company[],
  consortiumId: string,
  needsBackedRun: boolean,
  stopping: () => boolean,
): Promise<void> {
  const apiUp = await waitFor('the API', 120_000, async () => (await fetch(`${apiUrl}/health/ready`)).ok, async () => '', stopping);
  if (!apiUp) {
    if (!stopping()) say(`the API did not answer ${apiUrl}/health/ready in 2 minutes: no trade reports filed for the demo members`);
  } else {
    const filed = await fileDemoTrade(dataSource, config, apiUrl, companies);
    if (filed > 0) say(`the login members reported ${filed} paid invoices of fellow members as their users: they may run partner checks`);
  }
  if (!needsBackedRun || stopping()) return;
  const runs = new FullRecomputeRepository();
  const timeoutMs = 10 * 60_000;
  const runProgress = async (): Promise<string> => {
    const run = (await runs.running(dataSource.manager)) ?? (await runs.latest(dataSource.manager));
    return run ? `full recompute ${run.status}, ${run.chunksDone}/${run.totalChunks} chunks` : 'no run yet';
  };
  const standing = async (): Promise<boolean> =>
    ((await dataSource.query('SELECT 1 FROM consortium_standings WHERE consortium_id = $1 LIMIT 1', [consortiumId])) as unknown[]).length > 0;
  const firstDone = await waitFor(
    'the first ratings and the consortium standing',
    timeoutMs,
    async () => (await runs.running(dataSource.manager)) === null && (await runs.latest(dataSource.manager))?.status === 'DONE' && (await standing()),
    async () => `${await runProgress()}; standing ${(await standing()) ? 'computed' : 'not yet'}`,
    stopping,
  );
  if (!firstDone) {
    if (!stopping()) say('the first full recompute or the consortium standing did not finish in 10 minutes: the members show no backed grades until the nightly run');
    return;
  }
  const second = await startFullRecompute(dataSource, config);
  say('queued a second full recompute: its ratings are backed by the consortium standing');
  const secondDone = await waitFor('the backed ratings', timeoutMs, async () => (await runs.findById(dataSource.manager, second))?.status === 'DONE', runProgress, stopping);
  if (secondDone) say("the members' ratings are backed by the consortium");
  else if (!stopping()) say('the second full recompute did not finish in 10 minutes: backed grades appear as it ends');
}

main().catch((error: unknown) => {
  process.stderr.write(`the demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
