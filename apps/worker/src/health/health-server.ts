import { createServer, type Server } from 'node:http';
import type { AppConfig } from '@app/config';
import type { DataSource } from 'typeorm';
import type { QueueRunner } from '../queues/queue-runner.service';

/**
 * The worker's own signals, for an orchestrator: `/health/live` while the process runs,
 * `/health/ready` when PostgreSQL and Redis answer.
 */
export function startHealthServer(config: AppConfig, dataSource: DataSource, runner: QueueRunner): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/health/live') return reply(200, { status: 'ok' });
    if (req.url === '/health/ready') {
      void (async () => {
        const checks: Record<string, string> = {};
        try {
          await dataSource.query('SELECT 1');
          checks.database = 'up';
        } catch (error) {
          checks.database = `down: ${(error as Error).message}`;
        }
        try {
          checks.redis = (await runner.ping()) ? 'up' : 'down: no connection';
        } catch (error) {
          checks.redis = `down: ${(error as Error).message}`;
        }
        const ok = Object.values(checks).every((v) => v === 'up');
        reply(ok ? 200 : 503, { status: ok ? 'ok' : 'error', checks });
      })();
      return;
    }
    reply(404, { error: 'not found' });
  });
  return new Promise((resolve) => server.listen(config.worker.healthPort, '0.0.0.0', () => resolve(server)));
}
