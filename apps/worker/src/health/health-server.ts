import { createServer, type Server } from 'node:http';
import type { AppConfig } from '@app/config';
import type { DataSource } from 'typeorm';
import type { QueueRunner } from '../queues/queue-runner.service';
import type { WorkerMetrics } from './worker-metrics';

/**
 * The worker's own signals, for an orchestrator: `/health/live` while the process runs,
 * `/health/ready` when PostgreSQL and Redis answer, Redis will not evict queued jobs
 * (maxmemory-policy noeviction), and the worker is not stuck (jobs waiting, none running
 * here for WORKER_STUCK_AFTER_SECONDS), `/metrics` for Prometheus. It listens on HOST, as the
 * API and the console do: WORKER_HEALTH_PORT should stay private.
 */
export function startHealthServer(config: AppConfig, dataSource: DataSource, runner: QueueRunner, metrics: WorkerMetrics): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/health/live') return reply(200, { status: 'ok' });
    if (req.url === '/metrics') {
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      });
      return;
    }
    if (req.url === '/health/ready') {
      void (async () => {
        const checks: Record<string, string> = {};
        try {
          await dataSource.query('SELECT 1');
          checks.database = 'up';
        } catch (error) {
          checks.database = `down: ${(error as Error).message}`;
        }
        let reachable = false;
        try {
          reachable = await runner.ping();
          checks.redis = reachable ? 'up' : 'down: no connection';
        } catch (error) {
          checks.redis = `down: ${(error as Error).message}`;
        }
        if (reachable) {
          const problem = await runner.redisProblem();
          if (problem) checks.redis = `misconfigured: ${problem}`;
          const stuck = await runner.stuck().catch((error: Error) => `unknown: ${error.message}`);
          checks.jobs = stuck === null ? 'up' : `stuck: ${stuck}`;
        }
        const ok = Object.values(checks).every((v) => v === 'up');
        reply(ok ? 200 : 503, { status: ok ? 'ok' : 'error', checks });
      })();
      return;
    }
    reply(404, { error: 'not found' });
  });
  return new Promise((resolve) => server.listen(config.worker.healthPort, config.host, () => resolve(server)));
}
