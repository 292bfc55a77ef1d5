import type { AppConfig } from '@app/config';
import { DataSource, type DataSourceOptions, type EntityManager } from 'typeorm';
import { MIGRATIONS } from './migrations';

/**
 * A handle that runs SQL: the DataSource's manager outside a transaction, or the
 * transaction's manager inside one. Every repository method takes it first, so the
 * service decides what runs in one transaction.
 */
export type Db = EntityManager;

export function dataSourceOptions(config: Pick<AppConfig, 'databaseUrl' | 'dbPoolSize'>, applicationName = 'credit-alliance'): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    // Repositories write their SQL by hand (see docs/architecture.md); TypeORM gives us the
    // pool, transactions and migrations. Never synchronize: the schema is the migrations.
    entities: [],
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName,
    extra: {
      max: config.dbPoolSize,
      // a request waits at most this long for a pooled connection, then fails clearly
      connectionTimeoutMillis: 5_000,
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
    },
  };
}

export function createDataSource(config: Pick<AppConfig, 'databaseUrl' | 'dbPoolSize'>, applicationName?: string): DataSource {
  return new DataSource(dataSourceOptions(config, applicationName));
}

/** Runs `work` in one transaction; rolls back on any error. */
export function transaction<T>(dataSource: DataSource, work: (tx: Db) => Promise<T>): Promise<T> {
  return dataSource.transaction(work);
}
