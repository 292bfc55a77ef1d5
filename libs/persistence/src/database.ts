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

/**
 * Runs `work` with every one of `connections` (each the manager of a QueryRunner of its own,
 * outside a transaction) in a REPEATABLE READ transaction, all reading one snapshot: the
 * first's, exported to the others (`pg_export_snapshot`). Statements spread over the
 * connections then see the same committed data, whatever commits while they run. Commits
 * them all when `work` succeeds, rolls them all back when it fails.
 */
export async function inOneSnapshot<T>(connections: readonly Db[], work: () => Promise<T>): Promise<T> {
  const runners = connections.map((c) => c.queryRunner);
  if (runners.length === 0 || runners.some((r) => r === undefined || r.isTransactionActive))
    throw new RangeError('one snapshot needs connections of their own (QueryRunners), outside a transaction');
  const started: NonNullable<Db['queryRunner']>[] = [];
  try {
    for (const runner of runners as NonNullable<Db['queryRunner']>[]) {
      await runner.startTransaction('REPEATABLE READ');
      started.push(runner);
    }
    const [first, ...others] = started;
    const exported: { id: string }[] = await first.query('SELECT pg_export_snapshot() AS id');
    const id = exported[0].id;
    // SET TRANSACTION SNAPSHOT takes no parameter; the id is PostgreSQL's own (hex and dashes)
    if (!/^[0-9A-F-]+$/i.test(id)) throw new Error(`unexpected snapshot id ${id}`);
    for (const runner of others) await runner.query(`SET TRANSACTION SNAPSHOT '${id}'`);
    const result = await work();
    for (const runner of started) await runner.commitTransaction();
    return result;
  } catch (error) {
    for (const runner of started) if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  }
}
