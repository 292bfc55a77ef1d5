import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { AppConfig } from '@app/config';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { graphqlProxy } from './graphql-proxy';
import { cacheControlFor, SECURITY_HEADERS } from './security-headers';

export interface WebServerOptions {
  readonly config: Pick<AppConfig, 'web'>;
  /** the built console (`npm run build` writes dist/apps/web/public), by default beside this file */
  readonly publicDir?: string;
  readonly logger?: Logger;
  /** how long a forwarded GraphQL request may take */
  readonly proxyTimeoutMs?: number;
}

/** The built console, relative to the compiled server: dist/apps/web/src -> dist/apps/web/public. */
export const DEFAULT_PUBLIC_DIR = join(__dirname, '..', 'public');

/**
 * The console's server: Fastify alone, no Nest. It serves files and forwards one route, so
 * there is nothing for modules or injection to organise; without them it starts in tens of
 * milliseconds and stays a small, readable file (docs/web.md).
 */
export async function createWebServer(options: WebServerOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    // the API logs every GraphQL request with its id; here only failures are worth a line
    logController: new LogController({ disableRequestLogging: true }),
    // only a proxy named in WEB_TRUST_PROXY may say who the browser is; by default the socket does
    trustProxy: config.web.trustProxy === false ? false : [...config.web.trustProxy],
    forceCloseConnections: 'idle',
    bodyLimit: 64 * 1024,
  });

  // every answer, whatever produced it (a file, the API, a 404), carries the same headers
  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) void reply.header(name, value);
    void reply.header('cache-control', cacheControlFor(request.url.split('?')[0], reply.statusCode));
    return payload;
  });

  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    try {
      const answer = await fetch(new URL('/health/live', config.web.apiUrl), { signal: AbortSignal.timeout(2000) });
      if (answer.ok) return { status: 'ok', checks: { api: 'up' } };
      return reply.code(503).send({ status: 'error', checks: { api: `down: HTTP ${answer.status}` } });
    } catch (error) {
      return reply.code(503).send({ status: 'error', checks: { api: `down: ${(error as Error).message}` } });
    }
  });

  await app.register(graphqlProxy, { apiUrl: config.web.apiUrl, timeoutMs: options.proxyTimeoutMs });

  await app.register(fastifyStatic, {
    root: options.publicDir ?? DEFAULT_PUBLIC_DIR,
    index: ['index.html'],
    wildcard: true,
    // cache-control comes from the onSend hook above, one rule for every answer
    cacheControl: false,
    etag: true,
    lastModified: true,
    dotfiles: 'deny',
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('Not found / 未找到'));
  return app;
}
