import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@app/config';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { startHealthServer } from './health/health-server';
import { WorkerMetrics } from './health/worker-metrics';
import { QueueRunner } from './queues/queue-runner.service';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  // SIGTERM: close everything, then exit 0 (Nest's default re-raises the signal once closed,
  // so a clean stop looked like a kill: status 143); an error while closing exits 1
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  const health = await startHealthServer(config, app.get(DataSource), app.get(QueueRunner), app.get(WorkerMetrics));
  process.once('SIGTERM', () => health.close());
  process.once('SIGINT', () => health.close());
  process.stdout.write(`Credit Alliance worker running; health on :${config.worker.healthPort}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`the worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
