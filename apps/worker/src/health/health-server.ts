import { createServer, type Server } from 'node:http';
import type { AppConfig } from '@app/config';
import type { DataSource } from 'typeorm';
import type { QueueRunner } from '../queues/queue-runner.service';
import type { WorkerMetrics } from './worker-metrics';

/**
 * The worker's own signals, for an orchestrator: `/health/live` while the process runs and
 * is not stuck (jobs waiting, none running here for WORKER_STUCK_AFTER_SECONDS: the known
 * BullMQ failure mode of a worker that stopped consuming, which only a restart cures, and
 * orchestrators restart on liveness); `/health/ready` when PostgreSQL and Redis answer, Redis
 * will not evict queued jobs (maxmemory-policy noeviction), and the worker is not stuck;
 * `/metrics` for Prometheus. Liveness never reads PostgreSQL, and not Redis's absence either:
 * every worker would be restarted at once by an outage a restart does not cure. It listens
 * on HOST, as the API and the console do: WORKER_HEALTH_PORT should stay private.
 */
export function startHealthServer(config: AppConfig, dataSource: DataSource, runner: QueueRunner, metrics: WorkerMetrics): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/health/live') {
      void (async () => {
        // stuck only when Redis answers and says jobs wait (an unreachable Redis, or an
        // error asking, is an outage, not this process's fault)
        const reachable = await runner.ping().catch(() => false);
        const stuck = reachable ? await runner.stuck().catch(() => null) : null;
        if (stuck === null) return reply(200, { status: 'ok' });
        reply(503, { status: 'error', checks: { jobs: `stuck: ${stuck}` } });
      })();
      return;
    }
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
