import type { FastifyInstance } from 'fastify';
import { OPENAPI_PATH } from './openapi';

/** Where the REST face answers (the controllers of RestModule and the OpenAPI document). */
export const REST_PREFIX = '/v1/';

function restPath(url: string): string | null {
  const path = url.split('?', 1)[0];
  return path.startsWith(REST_PREFIX) ? path : null;
}

/**
 * The REST face's Fastify hooks; call on the app's instance before its routes are registered.
 *
 * Every answer under /v1/ but the OpenAPI document is `Cache-Control: no-store`: banks send
 * their key in X-Api-Key, not Authorization, so a shared cache (a bank's egress proxy, a CDN)
 * may store a rating otherwise (RFC 9111 §3.5), and a re-read from it would skip the consent
 * check and the inquiry the company sees. Errors too, refusals and unknown paths included.
 */
export function installRestHttp(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const path = restPath(request.url);
    if (path !== null && path !== OPENAPI_PATH) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
