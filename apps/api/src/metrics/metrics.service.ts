import { Injectable } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, type GraphQLSchema, Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The `operation` label of an operation that selects more than one distinct top-level field. */
export const SEVERAL_FIELDS = '(several)';
/** The `operation` label of a request that never became a valid operation (syntax, validation, unknown operationName). */
export const NO_OPERATION = '(invalid)';

/** The `route` label of a request that matched no route (a 404 of any path, a scanner's probe). */
export const NO_ROUTE = '(unmatched)';

/** Methods named as they are; a client can make one up (Node's parser knows about 30), so the rest are one label. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Fields every root type answers besides its own (graphql-js adds them outside `getFields()`). */
const META_FIELDS = new Set(['__typename', '__schema', '__type']);

/**
 * The `operation` label: the operation's top-level field (`company`, `login`), or
 * SEVERAL_FIELDS. Not the operation name, which the client makes up: each new name was a
 * new series kept for the life of the process, so anonymous `{ ping }`s with invented
 * names grew memory and /metrics without end. Field names come from the schema, so there
 * are at most as many values as root fields (about 75), plus the two above. Several fields
 * are not named together: their combinations would number in the thousands, and the
 * console sends one field per operation anyway. Names are checked against the schema here
 * too, so the bound does not rest on validation having run before this plugin.
 */
export function operationLabel(schema: GraphQLSchema, document: DocumentNode | undefined, operation: OperationDefinitionNode | undefined): string {
  const root = operation && schema.getRootType(operation.operation);
  if (!document || !operation || !root) return NO_OPERATION;
  const known = root.getFields();
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const fields = new Set<string>();
  const visited = new Set<string>();
  const collect = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const spread = fragments.get(selection.name.value);
        if (spread) collect(spread);
      }
    }
  };
  collect(operation.selectionSet);
  if (fields.size !== 1) return fields.size === 0 ? NO_OPERATION : SEVERAL_FIELDS;
  const [field] = fields;
  return Object.hasOwn(known, field) || META_FIELDS.has(field) ? field : NO_OPERATION;
}

/** The API's Prometheus registry: process metrics, HTTP and GraphQL traffic. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Histogram({
    name: 'ca_http_request_duration_seconds',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly graphqlOperations = new Histogram({
    name: 'ca_graphql_operation_duration_seconds',
    help: 'GraphQL operations by top-level field, type and outcome',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly graphqlErrors = new Counter({
    name: 'ca_graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ca_api_' });
  }

  /**
   * Records one answered HTTP request (bootstrap.ts calls it from Fastify's onResponse). The
   * route is the matched pattern (`/v1/reports/:creditCode/pdf`), never the path the client
   * sent: ids and made-up paths would each be a new series kept for the life of the process.
   * The patterns are the API's own routes, so the label set is bounded; a request matching
   * none is NO_ROUTE.
   */
  observeHttp(method: string, route: string | undefined, status: number, seconds: number): void {
    this.httpRequests.observe(
      { method: KNOWN_METHODS.has(method) ? method : 'OTHER', route: route ?? NO_ROUTE, status: String(status) },
      seconds,
    );
  }

  graphqlPlugin(): ApolloServerPlugin {
    const operations = this.graphqlOperations;
    const errors = this.graphqlErrors;
    return {
      async requestDidStart() {
        const started = process.hrtime.bigint();
        return {
          async willSendResponse({ schema, document, operation, errors: found }) {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            for (const error of found ?? []) errors.inc({ code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
            operations.observe(
              { operation: operationLabel(schema, document, operation), type: operation?.operation ?? 'unknown', outcome: found?.length ? 'error' : 'ok' },
              seconds,
            );
          },
        };
      },
    };
  }
}
