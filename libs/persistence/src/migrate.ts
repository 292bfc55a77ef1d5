import type { AppConfig } from '@app/config';
import { Client } from 'pg';
import { createDataSource } from './database';

/** Arbitrary constant: the advisory lock that lets only one migrator run at a time. */
const MIGRATION_LOCK = 7_312_004_001;

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)} ENCODING 'UTF8' TEMPLATE template0`);
    } catch (error) {
      // another migrator created it between our check and our CREATE
      if ((error as { code?: string }).code !== '42P04') throw error;
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

export interface MigrationReport {
  readonly created: boolean;
  readonly applied: readonly string[];
}

/** Creates the database if needed and applies pending migrations, one migrator at a time. */
export async function migrate(config: Pick<AppConfig, 'databaseUrl' | 'dbPoolSize'>): Promise<MigrationReport> {
  const created = await ensureDatabase(config.databaseUrl);
  const dataSource = createDataSource({ ...config, dbPoolSize: 2 }, 'credit-alliance-migrate');
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query(`SET lock_timeout = '5s'`);
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return { created, applied: applied.map((m) => m.name) };
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
