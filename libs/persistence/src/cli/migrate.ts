// `npm run db:migrate`: create the database if missing, apply pending migrations.
import { loadConfigOrExit } from '@app/config';
import { migrate } from '../migrate';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const report = await migrate(config);
  const where = new URL(config.databaseUrl).pathname.slice(1);
  if (report.created) process.stdout.write(`created database ${where}\n`);
  process.stdout.write(report.applied.length ? `applied ${report.applied.length} migration(s): ${report.applied.join(', ')}\n` : `database ${where} is up to date\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
