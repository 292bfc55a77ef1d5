import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/domain';
import type { FastifyReply } from 'fastify';
import { isDatabaseUnavailable } from '@api/common/error-format';

/** Every contract code has its HTTP status; a new code fails to compile until it has one. */
const STATUS: Readonly<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

/** What a 503 tells a client to wait before it retries: about the pool's acquire timeout. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The code and message of a client error that is no domain error: Nest's HttpExceptions and
 * the errors Fastify raises before the route runs (a body that is not JSON, too large, of a
 * content type no parser takes). Messages are ours, not the parser's, which may quote the body.
 */
function clientError(status: number, given: string): { code: string; message: string; field?: string } {
  switch (status) {
    case 404:
      return { code: 'NOT_FOUND', message: given };
    case 413:
      return { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than the server accepts' };
    case 415:
      return { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported content type: send the body as application/json' };
    default:
      return { code: 'BAD_USER_INPUT', message: given };
  }
}

/** A client error Fastify raised itself (FST_ERR_*, or the JSON parser's SyntaxError with its statusCode). */
function fastifyClientError(error: unknown): { status: number; code: string; message: string; field?: string } | null {
  if (!(error instanceof Error)) return null;
  const { statusCode, code } = error as Error & { statusCode?: unknown; code?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return null;
  if (error instanceof SyntaxError) return { status: 400, code: 'BAD_USER_INPUT', message: 'The request body is not valid JSON', field: 'body' };
  // Fastify's own messages are fixed strings ("Body cannot be empty when content-type is set to 'application/json'")
  const known = typeof code === 'string' && code.startsWith('FST_ERR_');
  const answer = clientError(statusCode, known ? error.message : 'The request is invalid');
  return { status: statusCode, ...answer, ...(statusCode === 400 && typeof code === 'string' && code.startsWith('FST_ERR_CTP_') ? { field: 'body' } : {}) };
}

/**
 * Answers an error of the REST face as `{ code, message, field?, reason? }` with the status of
 * the code, never a stack trace; unknown errors are logged with an id and answered with it,
 * a database out of reach as 503 SERVICE_UNAVAILABLE (retryable), as GraphQL answers it.
 */
export function sendRestError(reply: FastifyReply, error: unknown, logger: Logger): FastifyReply {
  if (error instanceof DomainError) {
    return reply.status(STATUS[error.code]).send({ ...error.details, code: error.code, message: error.message });
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    return reply.status(error.getStatus()).send(clientError(error.getStatus(), error.message));
  }
  const parser = fastifyClientError(error);
  if (parser) {
    const { status, ...body } = parser;
    return reply.status(status).send(body);
  }
  const errorId = randomUUID();
  if (isDatabaseUnavailable(error)) {
    // the same answer as GraphQL's (apps/api/src/common/error-format.ts): a client retries
    logger.warn({ errorId, err: error }, 'database unavailable');
    return reply
      .status(503)
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .send({ code: 'SERVICE_UNAVAILABLE', message: `The service's database is unavailable; retry in a few seconds (reference ${errorId})`, errorId, retryable: true });
  }
  logger.error({ errorId, err: error }, 'unexpected error');
  return reply.status(500).send({ code: 'INTERNAL_SERVER_ERROR', message: `Unexpected error (reference ${errorId})`, errorId });
}

/**
 * The REST face's errors thrown in its controllers, answered by `sendRestError`. Errors raised
 * before a controller runs (the body parser's) reach the route's Fastify error handler instead,
 * which answers them the same way (rest-http.ts).
 */
@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('RestApi');

  catch(error: unknown, host: ArgumentsHost): void {
    void sendRestError(host.switchToHttp().getResponse<FastifyReply>(), error, this.logger);
  }
}
