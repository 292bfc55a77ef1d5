import { Injectable } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

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
    help: 'GraphQL operations by name, type and outcome',
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

  graphqlPlugin(): ApolloServerPlugin {
    const operations = this.graphqlOperations;
    const errors = this.graphqlErrors;
    return {
      async requestDidStart() {
        const started = process.hrtime.bigint();
        return {
          async willSendResponse({ operationName, operation, errors: found }) {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            for (const error of found ?? []) errors.inc({ code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
            operations.observe(
              { operation: operationName ?? 'anonymous', type: operation?.operation ?? 'unknown', outcome: found?.length ? 'error' : 'ok' },
              seconds,
            );
          },
        };
      },
    };
  }
}
