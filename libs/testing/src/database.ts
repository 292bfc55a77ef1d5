import { createDataSource } from '@app/persistence';
import type { DataSource, QueryRunner } from 'typeorm';
import { testConfig } from './test-config';

/** A DataSource on the run's database, for integration tests of services and repositories. */
export async function openTestDataSource(): Promise<DataSource> {
  const dataSource = createDataSource(testConfig(), 'credit-alliance-test');
  await dataSource.initialize();
  return dataSource;
}

/**
 * Runs `body` with a transaction open on a connection of its own, which `body` may commit
 * (for tests of transactions that commit in another order than they wrote); rolls it back
 * if `body` did not, and releases the connection.
 */
export async function withOwnTransaction(dataSource: DataSource, body: (runner: QueryRunner) => Promise<void>): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    await body(runner);
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    await runner.release();
  }
}
