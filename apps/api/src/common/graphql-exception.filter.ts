import { type ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType } from '@nestjs/graphql';

/**
 * Hands errors thrown in resolvers back to Apollo untouched, where `formatError` maps them
 * (and logs the unexpected ones with an error id). Without it Nest logs every expected
 * domain error (a wrong password, a FORBIDDEN) as an unhandled exception with its stack.
 * HTTP routes keep Nest's default handling.
 */
@Catch()
export class GraphqlExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return asError(exception);
    return super.catch(exception, host);
  }
}

/**
 * What the filter returns becomes the field's value, and graphql-js treats it as an error
 * only if it is `instanceof Error`. A thrown non-Error (or an Error of another realm, as
 * Node's own socket errors are inside jest's sandbox) would otherwise resolve the field to
 * an object with no fields (`Cannot return null for non-nullable field Company.id`).
 */
function asError(exception: unknown): Error {
  if (exception instanceof Error) return exception;
  const e = exception as { message?: unknown; name?: unknown; code?: unknown } | null;
  const error = new Error(typeof e?.message === 'string' ? e.message : String(exception), { cause: exception });
  if (typeof e?.name === 'string') error.name = e.name;
  return Object.assign(error, typeof e?.code === 'string' ? { code: e.code } : {});
}
