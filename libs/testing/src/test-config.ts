import { type AppConfig, loadConfig } from '@app/config';

/**
 * The configuration of a test: the run's database (from the jest global setup), a BullMQ
 * prefix of this jest worker, a fixed JWT secret, quiet logs.
 */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  const worker = process.env.JEST_WORKER_ID ?? '0';
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX ?? 'ca_test'}_w${worker}`,
    PORT: '3000',
    // every test client signs in from 127.0.0.1 against the run's one database: the
    // per-address limit would let one suite's wrong passwords lock out another's sign-ins
    LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
    ...overrides,
  });
}
