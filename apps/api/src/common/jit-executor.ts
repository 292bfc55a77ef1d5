import type { GatewayExecutor, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import {
  type DocumentNode,
  execute,
  type ExecutionResult,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  printSchema,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/** What a document compiled to: graphql-jit's plan, or null where graphql-js runs it instead. */
type Plan = { readonly compiled: CompiledQuery; readonly operation: OperationDefinitionNode } | null;

/**
 * Executes GraphQL operations with graphql-jit (as Mercurius does) instead of graphql-js's
 * interpreter. graphql-js walks the selection set of every request anew, field by field;
 * graphql-jit turns each parsed document into JavaScript once and runs that: the same
 * resolvers (NestJS's guards and pipes are inside them), the same scalars and the same
 * errors, at a fraction of the cost for answers of many fields, such as a bank's rating read.
 *
 * Apollo Server takes a custom executor only through its gateway interface, so this is a
 * gateway in name: it serves the schema NestJS built (handed over by `transformSchema`) and
 * executes it in-process. Apollo parses, validates and caches the documents as before, and
 * hands every request with the same text the same `DocumentNode`, which keys the compiled
 * plans (a WeakMap: a plan lives as long as Apollo keeps its document). Subscriptions run
 * over graphql-ws with graphql-js and are not touched. An operation graphql-jit cannot compile is run by
 * graphql-js; `GRAPHQL_JIT=false` turns the whole executor off.
 */
export class JitGateway implements GatewayInterface {
  private schema: GraphQLSchema | null = null;
  private listener: GatewaySchemaLoadOrUpdateCallback | null = null;
  private readonly plans = new WeakMap<DocumentNode, Map<string, Plan>>();

  /** For GraphQLModule's `transformSchema`: receives the schema NestJS built, unchanged. */
  readonly capture = (schema: GraphQLSchema): GraphQLSchema => {
    this.schema = schema;
    return schema;
  };

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): () => void {
    this.listener = callback;
    return () => {
      this.listener = null;
    };
  }

  async load(): Promise<{ executor: GatewayExecutor }> {
    const schema = this.schema;
    if (!schema) throw new Error('JitGateway: no schema; pass jit.capture as GraphQLModule transformSchema');
    this.listener?.({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
    return { executor: async (context) => this.execute(schema, context.document, context.operationName ?? null, context.context, context.request.variables) };
  }

  async stop(): Promise<void> {
    this.listener = null;
  }

  private async execute(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null,
    contextValue: unknown,
    variables: Record<string, unknown> | undefined,
  ): Promise<ExecutionResult> {
    const plan = this.plan(schema, document, operationName);
    if (!plan) return execute({ schema, document, operationName, contextValue, variableValues: variables });
    // variables are checked by graphql-js first, so a bad one is refused in its exact words
    // (Apollo recognises those as BAD_USER_INPUT); graphql-jit then coerces the good ones
    const coerced = getVariableValues(schema, plan.operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const result = await plan.compiled.query(undefined, contextValue, variables ?? {});
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  }

  private plan(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): Plan {
    let byName = this.plans.get(document);
    if (!byName) {
      byName = new Map();
      this.plans.set(document, byName);
    }
    const key = operationName ?? '';
    let plan = byName.get(key);
    if (plan === undefined) {
      plan = compile(schema, document, operationName);
      byName.set(key, plan);
    }
    return plan;
  }
}

/**
 * graphql-jit's errors are shaped like graphql-js's but leave `extensions` undefined when
 * the error has none, where Apollo's error formatting reads `extensions.code`: each is
 * rebuilt as graphql-js builds it, with its message, path, locations and original error.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions });
  if (error.locations) Object.assign(rebuilt, { locations: error.locations });
  return rebuilt;
}

/** A compiled plan for queries and mutations; null (graphql-js runs it) for anything else. */
function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): Plan {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation === 'subscription') return null;
  try {
    const compiled = compileQuery(schema, document, operationName ?? undefined);
    return isCompiledQuery(compiled) ? { compiled, operation } : null;
  } catch {
    return null;
  }
}
