import { createLogger, loadConfigOrExit } from '@app/config';
import { createWebServer } from './web-server';

/** Past this, a shutdown that waits for requests in flight gives up. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  // the console forwards tokens but never reads them: it needs no JWT_SECRET
  const config = loadConfigOrExit(process.env, { requireJwtSecret: false });
  const logger = createLogger(config, 'web');
  const app = await createWebServer({ config, logger });
  await app.listen({ port: config.web.port, host: config.host });
  const shown = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  process.stdout.write(`Credit Alliance console on http://${shown}:${config.web.port}/ (GraphQL forwarded to ${config.web.apiUrl})\n`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.info(`${signal}: finishing requests in flight, then stopping`);
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`the console failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
