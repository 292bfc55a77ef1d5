// `npm run demo`: build, migrate, seed a demo cluster, then run api + worker together and
// print the URL and the logins. Idempotent: a second run finds the demo data in place.
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadConfigOrExit } from '@app/config';
import { createDataSource, migrate } from '@app/persistence';
import { DEMO_LOGINS, DEMO_MEMBERS, DEMO_PASSWORD } from './demo-cluster';
import { seedDemo } from './seed';

const ROOT = join(__dirname, '..', '..');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  say('building api and worker...');
  execSync('npm run --silent build', { cwd: ROOT, stdio: 'inherit' });

  const report = await migrate(config);
  say(report.applied.length ? `migrated: ${report.applied.join(', ')}` : 'database up to date');

  const dataSource = createDataSource(config, 'credit-alliance-demo');
  await dataSource.initialize();
  const seeded = await seedDemo(dataSource);
  await dataSource.destroy();
  say(seeded.created ? `seeded the demo cluster (${seeded.created} new rows)` : 'demo cluster already seeded');

  const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
  const children: ChildProcess[] = [
    spawn(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], { cwd: ROOT, env, stdio: 'inherit' }),
    spawn(process.execPath, [join(ROOT, 'dist/apps/worker/src/main.js')], { cwd: ROOT, env, stdio: 'inherit' }),
  ];
  const stop = (): void => {
    for (const child of children) child.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (const child of children) child.once('exit', (code) => code && code !== 0 && say(`a process exited with code ${code}`));

  const url = `http://127.0.0.1:${config.port}/graphql`;
  say('');
  say(`Credit Alliance demo: ${url}  (health: http://127.0.0.1:${config.port}/health/ready)`);
  say(`password for every demo login: ${DEMO_PASSWORD}`);
  say(`  ADMIN        ${DEMO_LOGINS.admin}`);
  say(`  COORDINATOR  ${DEMO_LOGINS.coordinator}`);
  say(`  BANK         ${DEMO_LOGINS.bank}`);
  for (let i = 0; i < 4; i += 1) say(`  MEMBER       ${DEMO_LOGINS.member(i)}  (${DEMO_MEMBERS[i][0]})`);
  say('Ctrl-C stops both processes.');
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
}

main().catch((error: unknown) => {
  process.stderr.write(`the demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
