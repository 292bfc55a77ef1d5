import { createDataSource } from '@app/persistence';
import type { DataSource } from 'typeorm';
import { testConfig } from './test-config';

/** A DataSource on the run's database, for integration tests of services and repositories. */
export async function openTestDataSource(): Promise<DataSource> {
  const dataSource = createDataSource(testConfig(), 'credit-alliance-test');
  await dataSource.initialize();
  return dataSource;
}
