import type { AppConfig } from '@app/config';
import { Clock } from '@app/domain';
import { GraphQLClient, testConfig } from '@app/testing';
import { jest } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApiApp } from '@api/bootstrap';

export interface RunningApi {
  readonly app: NestFastifyApplication;
  readonly url: string;
  readonly config: AppConfig;
  readonly dataSource: DataSource;
  readonly client: GraphQLClient;
  close(): Promise<void>;
}

/** The real API on a free port, against the run's database and this worker's Redis prefix. */
export async function startApi(overrides: Record<string, string> = {}): Promise<RunningApi> {
  const config = testConfig(overrides);
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('the API did not bind a TCP port');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    config,
    dataSource: app.get(DataSource),
    client: new GraphQLClient(url),
    close: () => app.close(),
  };
}

/** The API's clock held by a test: it reads `at`, which the test moves, until `restore()`. */
export interface MovableClock {
  at: Date;
  restore(): void;
}

/** Holds the API's clock (every service reads time from the injected Clock) at `at`. */
export function movableClock(api: Pick<RunningApi, 'app'>, at: Date = new Date()): MovableClock {
  const spy = jest.spyOn(api.app.get(Clock), 'now');
  const clock: MovableClock = { at, restore: () => spy.mockRestore() };
  spy.mockImplementation(() => new Date(clock.at.getTime()));
  return clock;
}
