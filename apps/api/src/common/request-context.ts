import type { Actor, DomainError } from '@app/domain';
import type { FastifyRequest } from 'fastify';
import type { Loaders } from './loaders';

/** What every resolver gets for one GraphQL request. */
export interface RequestContext {
  /** the HTTP request; null for a subscription over graphql-ws */
  readonly req: FastifyRequest | null;
  /** null when the request carried no credentials, or bad ones (see authError) */
  readonly actor: Actor | null;
  readonly authError: DomainError | null;
  readonly loaders: Loaders;
  readonly ip: string;
  /**
   * A subscription's credentials checked again, as a new request would have them checked
   * now (an API key revoked, an access token expired): false, and the socket closed, when
   * they no longer hold. Subscriptions call it before each message; absent over HTTP.
   */
  readonly credentialsHold?: () => Promise<boolean>;
}
