import { afterAll, describe, expect, it } from '@jest/globals';
import type { DynamicModule } from '@nestjs/common';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@app/config';
import { dataSourceOptions, MIGRATION_LOCK, PersistenceModule } from '@app/persistence';
import { MIGRATIONS } from '@app/persistence/migrations';
import { testConfig } from '@app/testing';
import { Client } from 'pg';

const ROOT = join(__dirname, '..', '..');
/** The command behind `npm run db:migrate`, run as the jest global setup runs it. */
const MIGRATE_CLI = join(ROOT, 'libs/persistence/src/cli/migrate.ts');
const MIGRATIONS_DIR = join(ROOT, 'libs/persistence/src/migrations');
const MIGRATOR_APPLICATION = 'credit-alliance-migrate';
/** migrate.ts sets lock_timeout = '5s'; the "other migrator" below stays busy longer than that. */
const LONGER_THAN_LOCK_TIMEOUT_MS = 6_000;

interface MigratorRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Migrator {
  readonly run: Promise<MigratorRun>;
  readonly exited: () => boolean;
}

const children = new Set<ChildProcess>();

function startMigrator(databaseUrl: string): Migrator {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', MIGRATE_CLI], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const run = new Promise<MigratorRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      children.delete(child);
      resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
  return { run, exited: () => child.exitCode !== null || child.signalCode !== null };
}

/** Migrators of this database waiting for the migration lock (not holding it). */
async function queuedOnTheLock(gate: Client): Promise<number> {
  const { rows } = await gate.query<{ n: number }>(
    `SELECT count(*)::int AS n
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND NOT l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND (l.classid::bigint << 32) + l.objid::bigint = $1
        AND a.application_name = $2`,
    [MIGRATION_LOCK, MIGRATOR_APPLICATION],
  );
  return rows[0].n;
}

/**
 * Three replicas starting "at once" never reach the lock in the same millisecond; to make the
 * race certain rather than likely, the test holds the migration lock itself until all three
 * migrators wait on it, then lets them go together (after `busyMs`, standing for another
 * migrator still at work).
 */
async function releaseThreeMigratorsTogether(databaseUrl: string, busyMs: number): Promise<{ queued: number; runs: MigratorRun[] }> {
  const gate = new Client({ connectionString: databaseUrl, application_name: 'concurrent-migrations-gate' });
  await gate.connect();
  try {
    await gate.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const migrators = [1, 2, 3].map(() => startMigrator(databaseUrl));
    const deadline = Date.now() + 20_000;
    let queued = 0;
    // a migrator that never waits (no lock) runs to its end meanwhile: stop looking then
    while (queued < 3 && Date.now() < deadline && !migrators.every((m) => m.exited())) {
      await sleep(20);
      queued = await queuedOnTheLock(gate);
    }
    await sleep(busyMs);
    await gate.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    return { queued, runs: await Promise.all(migrators.map((m) => m.run)) };
  } finally {
    await gate.end();
  }
}

async function query<T extends object>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Every table column, index, constraint, trigger, function, view and extension of the database, one line each. */
async function schemaOf(databaseUrl: string): Promise<string[]> {
  const rows = await query<{ item: string }>(
    databaseUrl,
    `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || coalesce(' default ' || column_default, '') AS item
       FROM information_schema.columns WHERE table_schema = 'public'
     UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
     UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace
     UNION ALL SELECT 'trigger ' || tgrelid::regclass || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal
     UNION ALL SELECT 'function ' || oid::regprocedure FROM pg_proc WHERE pronamespace = 'public'::regnamespace
     UNION ALL SELECT 'view ' || viewname FROM pg_views WHERE schemaname = 'public'
     UNION ALL SELECT 'extension ' || extname FROM pg_extension
     ORDER BY 1`,
  );
  return rows.map((r) => r.item);
}

/** What the migrations table must hold: one row per migration file, named by its class. */
function expectedMigrations(): { timestamp: string; name: string }[] {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{13}-[a-z0-9-]+\.ts$/.test(f))
    .sort();
  const names = MIGRATIONS.map((M) => new M().name);
  // every file is listed in index.ts, in order, and each class carries its file's timestamp
  expect(names.map((n) => n.slice(-13))).toEqual(files.map((f) => f.slice(0, 13)));
  return files.map((f, i) => ({ timestamp: f.slice(0, 13), name: names[i] }));
}

/**
 * Reliability scenario 35 (docs/reliability-anchors.md): three replicas run `db:migrate` at
 * the same moment against an empty database. One of them takes the advisory lock and applies
 * every migration; the others wait for it, then find nothing to do. All three succeed.
 */
describe('migrations when three replicas start at once', () => {
  const admin = new URL(testConfig().databaseUrl);
  admin.pathname = '/postgres';
  const databases: string[] = [];

  async function freshDatabase(): Promise<string> {
    const name = `ca_test_${process.env.CA_TEST_RUN_ID ?? process.pid}_mig_${randomBytes(3).toString('hex')}`;
    databases.push(name);
    await query(admin.toString(), `CREATE DATABASE "${name}" TEMPLATE template0`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return url.toString();
  }

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const name of databases) await query(admin.toString(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('applies every migration exactly once: all three exit 0, one applies them all, the others find the database up to date, and a later run has nothing to do', async () => {
    const databaseUrl = await freshDatabase();
    const database = new URL(databaseUrl).pathname.slice(1);
    const expected = expectedMigrations();

    const { queued, runs } = await releaseThreeMigratorsTogether(databaseUrl, 0);

    expect(queued).toBe(3);
    expect(runs).toEqual([0, 1, 2].map(() => expect.objectContaining({ code: 0, stderr: '' })));
    expect(runs.map((r) => r.stdout).sort()).toEqual([
      `applied ${expected.length} migration(s): ${expected.map((m) => m.name).join(', ')}`,
      `database ${database} is up to date`,
      `database ${database} is up to date`,
    ]);
    expect(await query(databaseUrl, 'SELECT timestamp::text, name FROM migrations ORDER BY id')).toEqual(expected);
    expect(await query(databaseUrl, 'SELECT name FROM migrations GROUP BY name HAVING count(*) > 1')).toEqual([]);

    // the schema is whole: the same as the run's database, which one migrator built alone
    const schema = await schemaOf(databaseUrl);
    expect(schema).toEqual(await schemaOf(testConfig().databaseUrl));
    expect(schema).toEqual(
      expect.arrayContaining([
        'column consortia.id uuid NO default gen_random_uuid()',
        expect.stringMatching(/^column api_keys\.revoked_at /),
        expect.stringMatching(/^column outbox\.job_name /),
        expect.stringMatching(/^column guarantee_fund_contributions\./),
        'trigger api_keys api_keys_revoked',
      ]),
    );

    const again = await startMigrator(databaseUrl).run;
    expect(again).toEqual({ code: 0, stdout: `database ${database} is up to date`, stderr: '' });
    expect(await query(databaseUrl, 'SELECT count(*)::int AS n FROM migrations')).toEqual([{ n: expected.length }]);
  });

  it('migrators queued behind another that stays busy longer than lock_timeout wait for it instead of failing', async () => {
    const databaseUrl = await freshDatabase();
    const expected = expectedMigrations();

    const { queued, runs } = await releaseThreeMigratorsTogether(databaseUrl, LONGER_THAN_LOCK_TIMEOUT_MS);

    expect(queued).toBe(3);
    expect(runs).toEqual([0, 1, 2].map(() => expect.objectContaining({ code: 0, stderr: '' })));
    expect(runs.filter((r) => r.stdout.startsWith('applied '))).toHaveLength(1);
    expect(await query(databaseUrl, 'SELECT timestamp::text, name FROM migrations ORDER BY id')).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------

/** The TypeORM options a module built by `TypeOrmModule.forRoot` hands to its DataSource. */
function typeOrmOptionsIn(module: DynamicModule): Record<string, unknown>[] {
  const own = (module.providers ?? []).flatMap((p) =>
    typeof p === 'object' && 'provide' in p && p.provide === 'TypeOrmModuleOptions' && 'useValue' in p ? [p.useValue as Record<string, unknown>] : [],
  );
  const imported = (module.imports ?? []).flatMap((i) => (typeof i === 'object' && i !== null && 'module' in i ? typeOrmOptionsIn(i as DynamicModule) : []));
  return [...own, ...imported];
}

/** The switches that let a process change the schema itself, set to anything but a literal false. */
const SCHEMA_SWITCH = /(?:^|[{,])\s*['"]?(?:synchronize|migrationsRun|dropSchema)['"]?\s*:\s*(?!false\b)\S/;
/** Ways to run migrations or synchronize from code; only migrate.ts (db:migrate) may. */
const MIGRATING_CALL = /\.(?:synchronize|runMigrations|executePendingMigrations)\s*\(|\bMigrationExecutor\b/;
const MIGRATOR = 'libs/persistence/src/migrate.ts';

function findingsIn(path: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) => (SCHEMA_SWITCH.test(line) || (MIGRATING_CALL.test(line) && path !== MIGRATOR) ? [`${path}:${i + 1}: ${line.trim()}`] : []));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(path);
    return /\.(ts|js|mjs|cjs|json)$/.test(entry.name) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) ? [relative(ROOT, path)] : [];
  });
}

describe('synchronize and migrationsRun are off in every non-test configuration', () => {
  const production = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db.internal:5432/credit_alliance', JWT_SECRET: 'p'.repeat(48) });

  it('the DataSource options of the CLI tools and of the api and worker modules turn off synchronize, migrationsRun and dropSchema', () => {
    const switches = (o: Record<string, unknown>) => ({ synchronize: o.synchronize, migrationsRun: o.migrationsRun, dropSchema: o.dropSchema ?? false });
    const off = { synchronize: false, migrationsRun: false, dropSchema: false };

    expect(switches(dataSourceOptions(production) as unknown as Record<string, unknown>)).toEqual(off);
    const moduleOptions = typeOrmOptionsIn(PersistenceModule.forRoot(production, 'credit-alliance-api'));
    expect(moduleOptions).toHaveLength(1);
    expect(switches(moduleOptions[0])).toEqual(off);
  });

  it('recognises a schema switch turned on, and only that', () => {
    expect(findingsIn('apps/api/src/app.module.ts', 'TypeOrmModule.forRoot({ ...options, synchronize: true })')).toHaveLength(1);
    expect(findingsIn('apps/api/src/app.module.ts', "  synchronize: config.nodeEnv !== 'production',")).toHaveLength(1);
    expect(findingsIn('apps/api/ormconfig.json', '{ "migrationsRun": true }')).toHaveLength(1);
    expect(findingsIn('apps/worker/src/main.ts', 'await dataSource.runMigrations();')).toHaveLength(1);
    expect(findingsIn('libs/persistence/src/database.ts', '    synchronize: false,\n    // Never synchronize: the schema is the migrations.')).toEqual([]);
  });

  it('no source file under apps/ or libs/ turns one on, or runs migrations anywhere but db:migrate', () => {
    const files = [...sourceFiles(join(ROOT, 'apps')), ...sourceFiles(join(ROOT, 'libs'))];
    expect(files).toEqual(expect.arrayContaining(['libs/persistence/src/database.ts', 'libs/persistence/src/persistence.module.ts', 'apps/api/src/app.module.ts', 'apps/worker/src/worker.module.ts']));

    expect(files.flatMap((f) => findingsIn(f, readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });
});
