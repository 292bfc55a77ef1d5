import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { DomainError, type ErrorCode } from '@app/domain';
import type { FastifyReply } from 'fastify';

/** The HTTP status of each contract code, for the REST endpoints (GraphQL answers 200 with extensions.code). */
const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

/** Domain errors over REST: the same code, message and field as over GraphQL. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(HTTP_STATUS[error.code]).send({ code: error.code, message: error.message, ...error.details });
  }
}
