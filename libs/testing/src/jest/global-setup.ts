import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * One fresh database per test run, migrated by the real `db:migrate` command, and a Redis
 * key prefix of its own, so that runs never collide (CI and a developer's run included).
 * Jest workers inherit these variables; each worker adds its own id to the prefix.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/credit_alliance');
  base.pathname = `/ca_test_${runId}`;
  process.env.DATABASE_URL = base.toString();
  process.env.QUEUE_PREFIX = `ca_test_${runId}`;
  process.env.CA_TEST_RUN_ID = runId;
  const root = join(__dirname, '..', '..', '..', '..');
  execFileSync(process.execPath, ['-r', '@swc-node/register', join(root, 'libs/persistence/src/cli/migrate.ts')], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
