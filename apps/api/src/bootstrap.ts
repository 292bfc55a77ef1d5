import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { MetricsService } from './metrics/metrics.service';
import { QueueBoard } from './pipeline/queue-board';
import { mountOpenApi } from './rest/openapi';
import { installRestHttp } from './rest/rest-http';
import { createLogger } from '@app/config';

/**
 * Builds the API application. Fastify, not Express: on this machine NestJS on Fastify
 * served a constant about 7 times faster and Apollo's `ping` about twice as fast
 * (shared/docs/baseline-figures.md; our own figures in docs/benchmarks.md).
 */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger(config, 'api');
  if (config.jwt.generated) logger.warn('JWT_SECRET is not set: tokens are signed with a random secret that dies with this process');
  // TRUST_PROXY: behind the web console (or a load balancer), the client's address comes from
  // X-Forwarded-For, so the per-address sign-in limit counts browsers, not the console
  const trustProxy = config.trustProxy === false ? false : [...config.trustProxy];
  const adapter = new FastifyAdapter({ bodyLimit: 2 * 1024 * 1024, trustProxy, forceCloseConnections: 'idle' });
  // first hook of all: every request carries an id, the caller's own when it sent a sane one,
  // into the logs (pino-http reads the header) and back in the answer
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    const given = request.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    request.raw.headers['x-request-id'] = id;
    void reply.header('x-request-id', id);
    done();
  });
  // the REST face (/v1/): no-store on its answers, before any route is registered
  installRestHttp(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(PinoNestLogger));
  // every answer counted, by route pattern and status, in ca_http_request_duration_seconds; added
  // before the routes of Bull Board and the static files below, so their scopes inherit it
  const metrics = app.get(MetricsService);
  adapter.getInstance().addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  mountOpenApi(app);
  // Bull Board brings its own @fastify/static, in its own scope: it must be registered before
  // ours below, whose reply decorators would otherwise already be there when it adds them
  app.get(QueueBoard).mount(app);
  // files served as they are (robots.txt): one route each, found once at start
  app.useStaticAssets({ root: publicAssetsDir(), prefix: '/', wildcard: false, index: false, maxAge: 3_600_000 });
  return app;
}

/** `assets/public` of the checkout or image, found upwards from this file (source or dist). */
export function publicAssetsDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'assets', 'public');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`no assets/public directory above ${from}`);
  }
}
