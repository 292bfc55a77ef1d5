import { Logger } from '@nestjs/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OPENAPI_PATH } from './openapi';
import { sendRestError } from './rest-exception.filter';

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
 *
 * Every route under /v1/ answers the errors raised before its controller runs (a body that is
 * not JSON, larger than the body limit, of a content type no parser takes) in the REST shape
 * `{ code, message, field? }`, as RestExceptionFilter answers the controllers' own: that filter
 * never sees them, and Nest's app-wide handler (GraphQL's, the console's) answers
 * `{ statusCode, message }`. Routes elsewhere keep that handler.
 */
export function installRestHttp(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const path = restPath(request.url);
    if (path !== null && path !== OPENAPI_PATH) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  fastify.addHook('onRoute', (route) => {
    if (restPath(route.url) !== null && !route.errorHandler) route.errorHandler = restErrorHandler;
  });
}

const logger = new Logger('RestApi');

function restErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendRestError(reply, error, logger);
}
