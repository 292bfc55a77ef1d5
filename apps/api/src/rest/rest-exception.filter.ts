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
 * The REST face answers errors as `{ code, message, field?, reason? }` with the status of
 * the code, never a stack trace; unknown errors are logged with an id and answered with it,
 * a database out of reach as 503 SERVICE_UNAVAILABLE (retryable), as GraphQL answers it.
 */
@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('RestApi');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof DomainError) {
      void reply.status(STATUS[error.code]).send({ ...error.details, code: error.code, message: error.message });
      return;
    }
    if (error instanceof HttpException && error.getStatus() < 500) {
      void reply.status(error.getStatus()).send({ code: error.getStatus() === 404 ? 'NOT_FOUND' : 'BAD_USER_INPUT', message: error.message });
      return;
    }
    const errorId = randomUUID();
    if (isDatabaseUnavailable(error)) {
      // the same answer as GraphQL's (apps/api/src/common/error-format.ts): a client retries
      this.logger.warn({ errorId, err: error }, 'database unavailable');
      void reply
        .status(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ code: 'SERVICE_UNAVAILABLE', message: `The service's database is unavailable; retry in a few seconds (reference ${errorId})`, errorId, retryable: true });
      return;
    }
    this.logger.error({ errorId, err: error }, 'unexpected error');
    void reply.status(500).send({ code: 'INTERNAL_SERVER_ERROR', message: `Unexpected error (reference ${errorId})`, errorId });
  }
}
