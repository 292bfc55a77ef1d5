import 'reflect-metadata';
import { loadConfigOrExit } from '@app/config';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  process.stdout.write(`Credit Alliance API listening on http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}/graphql\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`the API failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
