import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** GraphQL documents and variables are small; the API itself refuses more than 2 MiB. */
export const PROXY_BODY_LIMIT = 1024 * 1024;
/** Longer than any GraphQL request should take; past it the browser gets a clear 504. */
export const PROXY_TIMEOUT_MS = 30_000;

/**
 * What the browser may tell the API. Nothing else crosses: no cookies (the console uses
 * none), no forwarding headers of the browser's own making, no API keys (banks' systems
 * call the API directly).
 */
const REQUEST_HEADERS = ['content-type', 'accept', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'user-agent', 'accept-language'];
const RESPONSE_HEADERS = ['content-type', 'retry-after'];

export interface GraphqlProxyOptions {
  /** the API's base URL, e.g. http://127.0.0.1:3000 */
  readonly apiUrl: string;
  readonly timeoutMs?: number;
}

/** The answer when the API cannot be reached: GraphQL-shaped, so the console shows it like any error. */
function unavailable(reply: FastifyReply, status: 502 | 504, message: string): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } }] });
}

function requestId(request: FastifyRequest): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

/**
 * `POST /graphql`, forwarded to the API as it came (the bytes of the body untouched), so
 * the browser talks to one origin (no CORS) and the API's own CSRF prevention, limits and
 * errors apply unchanged. The client's address goes along in X-Forwarded-For, the only
 * entry: the API trusts it only from proxies named in its TRUST_PROXY.
 */
export async function graphqlProxy(app: FastifyInstance, options: GraphqlProxyOptions): Promise<void> {
  const target = new URL('/graphql', options.apiUrl).toString();
  const timeoutMs = options.timeoutMs ?? PROXY_TIMEOUT_MS;

  // the body is passed on as bytes, whatever its type: the API decides what it accepts
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: PROXY_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.post('/graphql', async (request, reply) => {
    const id = requestId(request);
    const headers: Record<string, string> = {
      'x-request-id': id,
      'x-forwarded-for': request.ip,
      'x-forwarded-proto': request.protocol,
    };
    for (const name of REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = Buffer.isBuffer(request.body) ? Uint8Array.from(request.body) : undefined;

    let upstream: Response;
    try {
      upstream = await fetch(target, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      request.log.warn({ requestId: id, err: error }, timedOut ? 'the API did not answer in time' : 'the API is not reachable');
      void reply.header('x-request-id', id);
      return timedOut
        ? unavailable(reply, 504, `The API did not answer within ${Math.round(timeoutMs / 1000)} s; try again (reference ${id})`)
        : unavailable(reply, 502, `The API is not reachable; try again in a moment (reference ${id})`);
    }

    const payload = Buffer.from(await upstream.arrayBuffer());
    void reply.code(upstream.status).header('x-request-id', upstream.headers.get('x-request-id') ?? id);
    for (const name of RESPONSE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) void reply.header(name, value);
    }
    return reply.send(payload);
  });
}
