import 'reflect-metadata';
import { loadConfigOrExit } from '@app/config';
import { Logger } from 'nestjs-pino';
import { createApiApp } from './bootstrap';

/** Longer than any request may take; an orchestrator's grace period should exceed it. */
const SHUTDOWN_GRACE_MS = 25_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  process.stdout.write(`Credit Alliance API listening on http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}/graphql\n`);

  // SIGTERM: stop accepting connections, let the requests in flight finish, close the pools,
  // exit 0. Past the grace period, give up with exit 1 rather than hang a deploy.
  const logger = app.get(Logger);
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: finishing requests in flight, then stopping`);
    setTimeout(() => {
      logger.error(`still closing after ${SHUTDOWN_GRACE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`the API failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
