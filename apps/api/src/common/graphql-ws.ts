/**
 * GraphQL over WebSocket (graphql-ws at /graphql): what the API's context reads of a socket,
 * its credentials checked when it opens and again before each message, subscriptions only
 * with the HTTP path's limits, errors in the HTTP path's shape, and a bounded frame size.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { GraphQLSchemaHost } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import type { FastifyRequest } from 'fastify';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLFormattedError,
  NoSchemaIntrospectionCustomRule,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import type { ServerOptions, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AuthenticationService } from '@api/auth/authentication.service';
import { assertWithinLimits, MAX_QUERY_TOKENS, type QueryLimits } from './limits.plugin';

/** What graphql-ws hands the context function (its `Context`), as far as we read it. */
export interface WsContext {
  readonly connectionParams?: Readonly<Record<string, unknown>>;
  readonly extra?: {
    readonly request?: { readonly socket?: { readonly remoteAddress?: string } };
    readonly socket?: { close(code: number, reason: string): void };
  };
}

/** graphql-ws's close code for a socket whose credentials no longer hold (its CloseCode.Forbidden). */
const WS_FORBIDDEN = 4403;

/**
 * Whether the credentials that opened a socket would still be accepted for a new request
 * (an API key not revoked, an access token not expired), as the same actor; the socket is
 * closed when they would not, so the client learns it must sign in again. When they cannot
 * be checked (the database away for an uncached key) the message is withheld, the socket
 * kept.
 */
export function credentialsHold(authentication: AuthenticationService, ctx: WsContext, actor: Actor): () => Promise<boolean> {
  return async () => {
    let now: Actor | null;
    try {
      now = (await authentication.authenticate(wsHeaders(ctx))).actor;
    } catch {
      return false;
    }
    if (now?.kind === actor.kind && now.id === actor.id) return true;
    ctx.extra?.socket?.close(WS_FORBIDDEN, 'Forbidden: the credentials of this connection are no longer valid');
    return false;
  };
}

export function isWsContext(arg: FastifyRequest | WsContext): arg is WsContext {
  return 'connectionParams' in arg || !('headers' in arg);
}

export function wsHeaders(ctx: WsContext): Record<string, string | undefined> {
  const params = ctx.connectionParams ?? {};
  const pick = (...names: string[]): string | undefined => {
    for (const name of names) if (typeof params[name] === 'string') return params[name] as string;
    return undefined;
  };
  return { authorization: pick('authorization', 'Authorization'), 'x-api-key': pick('x-api-key', 'apiKey') };
}

/**
 * graphql-ws sends its errors itself, past Apollo's formatError: these hooks give them the
 * same shape as over HTTP (contract codes, never internals).
 */
export function wsErrorFormatting(formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError) {
  // a resolver's own error is the original of the GraphQLError: handed over as it is, since
  // unwrapResolverError only unwraps errors that carry a path
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => formatError(e.toJSON(), e.originalError ?? e));
  return {
    onError: (_ctx: unknown, _id: string, _payload: unknown, errors: readonly GraphQLError[]) => format(errors),
    onNext: (_ctx: unknown, _id: string, _payload: unknown, _args: unknown, result: ExecutionResult) =>
      result.errors?.length ? { ...result, errors: format(result.errors) } : undefined,
  };
}

/** A client error over graphql-ws, in the code the HTTP path gives it (the formatter maps it to BAD_USER_INPUT). */
function wsClientError(error: GraphQLError, code: string, production: boolean): GraphQLError {
  // as hideSchemaDetailsFromClientErrors does over HTTP: suggestions would name fields introspection hides
  const message = production ? error.message.replace(/ ?Did you mean(.+?)\?$/, '') : error.message;
  return new GraphQLError(message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code } });
}

/**
 * graphql-ws runs whatever operation it is sent, on graphql-js, past Apollo and so past
 * its plugins: this hook serves subscriptions only, after the same validation (no
 * introspection in production) and the same depth, alias and cost limits as HTTP.
 */
export function subscriptionsOnly(schemaHost: GraphQLSchemaHost, limits: QueryLimits, production: boolean) {
  const rules = production ? [...specifiedRules, NoSchemaIntrospectionCustomRule] : specifiedRules;
  return (_ctx: unknown, _id: string, payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] => {
    const { schema } = schemaHost;
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: MAX_QUERY_TOKENS });
    } catch (error) {
      if (error instanceof GraphQLError) return [wsClientError(error, 'GRAPHQL_PARSE_FAILED', production)];
      throw error;
    }
    const invalid = validate(schema, document, rules);
    if (invalid.length > 0) return invalid.map((e) => wsClientError(e, 'GRAPHQL_VALIDATION_FAILED', production));
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [new GraphQLError('Name the operation to run (operationName)', { extensions: { code: 'BAD_USER_INPUT', field: 'operationName' } })];
    if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
      return [
        new GraphQLError(`Only subscriptions are served over graphql-ws: send a ${operation.operation} as an HTTP POST to /graphql`, {
          extensions: { code: 'BAD_USER_INPUT', field: 'query' },
        }),
      ];
    }
    try {
      assertWithinLimits(schema, document, operation, payload.variables ?? {}, limits);
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
  };
}

/**
 * The largest WebSocket frame read. graphql-ws parses connection_init before onConnect
 * checks credentials, so this bounds what an anonymous client makes the API buffer and
 * parse; a subscription document with its credentials is a few KiB.
 */
const WS_MAX_FRAME_BYTES = 64 * 1024;

/**
 * Apollo's driver, serving graphql-ws on a WebSocketServer with a bounded frame size.
 * @nestjs/graphql's GqlSubscriptionService creates its `new WebSocketServer({ noServer: true })`
 * with no way to pass ws options, so ws's default of 100 MiB per frame would apply; this does
 * what it does (useServer on the `subscriptions['graphql-ws']` options, upgrades on the path)
 * with maxPayload set.
 */
export class BoundedFramesApolloDriver extends ApolloDriver {
  private subscriptionServer?: { dispose(): void | Promise<void> };

  override async start(options: ApolloDriverConfig): Promise<void> {
    const { subscriptions, ...http } = options;
    await super.start(http);
    const graphqlWs = subscriptions?.['graphql-ws'];
    if (!graphqlWs) return;
    const { path = options.path ?? '/graphql', ...serverOptions } = (graphqlWs === true ? {} : graphqlWs) as ServerOptions & { path?: string };
    const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_FRAME_BYTES });
    this.subscriptionServer = useServer({ schema: options.schema, context: options.context, ...serverOptions }, wss);
    this.httpAdapterHost.httpAdapter.getHttpServer().on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (req.url?.startsWith(path)) wss.handleUpgrade(req, socket, head, (client) => wss.emit('connection', client, req));
    });
  }

  override async stop(): Promise<void> {
    await this.subscriptionServer?.dispose();
    await super.stop();
  }
}
