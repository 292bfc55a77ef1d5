import type { AppConfig } from '@app/config';
import { Client } from 'pg';
import { MigrationExecutor } from 'typeorm';
import { createDataSource } from './database';

/** Arbitrary constant: the advisory lock that lets only one migrator run at a time. */
export const MIGRATION_LOCK = 7_312_004_001;

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
    // Another migrator (a replica started at the same moment) holds the lock only while it
    // works: wait for it however long its migrations take, then find nothing left to do; a
    // timeout on this wait failed that replica's start. Nor does a migration answer to the
    // pool's statement_timeout, which is meant for requests: an index or a backfill on
    // production data takes longer.
    await runner.query('SET statement_timeout = 0');
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      // A migration's DDL gives up after 5 s waiting for a table lock rather than queue behind
      // live traffic and stall it. It runs on this session, where the setting holds (runMigrations
      // would take another pooled connection, without it).
      await runner.query(`SET lock_timeout = '5s'`);
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return { created, applied: applied.map((m) => m.name) };
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
