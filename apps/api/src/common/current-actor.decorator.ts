import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { type Actor, UnauthenticatedError } from '@app/domain';
import type { RequestContext } from './request-context';

export function requireActor(ctx: RequestContext): Actor {
  if (ctx.actor) return ctx.actor;
  throw ctx.authError ?? new UnauthenticatedError('Sign in first: send "Authorization: Bearer <accessToken>" or a bank API key');
}

/** The authenticated caller; UNAUTHENTICATED when there is none. */
export const CurrentActor = createParamDecorator((_data: unknown, execution: ExecutionContext): Actor => {
  return requireActor(GqlExecutionContext.create(execution).getContext<RequestContext>());
});

/** The whole request context (loaders, address). */
export const Ctx = createParamDecorator((_data: unknown, execution: ExecutionContext): RequestContext => {
  return GqlExecutionContext.create(execution).getContext<RequestContext>();
});
