import { createDataSource } from '@app/persistence';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
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

/** Runs `work` with `count` connections of their own (QueryRunners' managers, outside a transaction), released after it. */
export async function withOwnConnections<T>(dataSource: DataSource, count: number, work: (connections: EntityManager[]) => Promise<T>): Promise<T> {
  const runners = Array.from({ length: count }, () => dataSource.createQueryRunner());
  try {
    for (const runner of runners) await runner.connect();
    return await work(runners.map((r) => r.manager));
  } finally {
    for (const runner of runners) await runner.release();
  }
}
