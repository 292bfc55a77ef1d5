import type { ApolloServerPlugin } from '@apollo/server';
import {
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  separateOperations,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxComplexity: number;
  readonly maxAliases: number;
}

/**
 * The most tokens a document may have: graphql-js stops parsing there (`parseOptions.maxTokens`),
 * so a megabyte of `me { id } me { id } ...` is refused after a few thousand tokens instead of
 * being parsed and validated whole (1.5 s of a blocked event loop) before the limits below
 * could see it. The largest document the console and the tests send has under 200 tokens;
 * 100 aliased sign-ins with their arguments (refused by the alias limit) about 1,400.
 */
export const MAX_QUERY_TOKENS = 5000;

const ESTIMATORS = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];

/** The cost of one operation of a document, as the limits price it; throws a GraphQLError for bad variables. */
function queryCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Readonly<Record<string, unknown>>): number {
  return getComplexity({ schema, query: document, operationName, variables, estimators: ESTIMATORS });
}

function tooBig(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field: 'query', http: { status: 400 } } });
}

/** The deepest field nesting and the number of aliased fields of one operation. */
export function measure(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): { depth: number; aliases: number } {
  let aliases = 0;
  const visiting = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, depth: number): number => {
    if (!set) return depth;
    let deepest = depth;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases += 1;
        if (selection.name.value.startsWith('__')) continue;
        deepest = Math.max(deepest, walk(selection.selectionSet, depth + 1));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, walk(selection.selectionSet, depth));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        visiting.add(name);
        deepest = Math.max(deepest, walk(fragment.selectionSet, depth));
        visiting.delete(name);
      }
    }
    return deepest;
  };
  const depth = walk(operation.selectionSet, 0);
  return { depth, aliases };
}

/** What makes the cost of one operation vary from request to request: the variables it reads. */
interface CostShape {
  /** variables passed to fields that price themselves by their arguments, or to directives */
  readonly variables: readonly string[];
  /** cost by those variables' values (JSON), bounded */
  readonly costs: Map<string, number>;
}

const MAX_COSTS_PER_OPERATION = 256;

function variablesIn(node: ASTNode, into: Set<string>): void {
  visit(node, {
    Variable(v) {
      into.add(v.name.value);
    },
  });
}

/**
 * The variables an operation's cost depends on: those given to arguments of fields whose
 * complexity is a function (it may read `args`, e.g. `first`), and those of @skip/@include.
 */
function costShape(schema: GraphQLSchema, document: DocumentNode): CostShape {
  const variables = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const complexity = typeInfo.getFieldDef()?.extensions?.complexity;
        if (typeof complexity === 'function') for (const argument of node.arguments ?? []) variablesIn(argument, variables);
      },
      Directive(node) {
        variablesIn(node, variables);
      },
    }),
  );
  return { variables: [...variables].sort(), costs: new Map() };
}

/**
 * Each parsed document is measured once: Apollo hands every request with the same query
 * text the same DocumentNode, so its depth and aliases are known after the first request,
 * and its cost too, keyed by the values of the few variables the cost depends on (see
 * costShape): a bank read with a new credit code costs the walk of its document once.
 */
const shapes = new WeakMap<DocumentNode, Map<string, CostShape>>();

/**
 * Throws BAD_USER_INPUT (field `query`) when an operation is too deep, too costly or
 * batches work through aliases (OWASP GraphQL cheat sheet), before any resolver runs. Both
 * transports call it: Apollo's plugin for HTTP, graphql-ws's onSubscribe for WebSocket.
 */
export function assertWithinLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  limits: QueryLimits,
): void {
  const name = operation.name?.value ?? '';
  const byOperation = shapes.get(document) ?? new Map<string, CostShape>();
  let shape = byOperation.get(name);
  if (!shape) {
    const fragments = new Map(
      document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
    );
    const { depth, aliases } = measure(operation, fragments);
    if (depth > limits.maxDepth) throw tooBig(`The query is ${depth} levels deep; the limit is ${limits.maxDepth}`);
    if (aliases > limits.maxAliases) throw tooBig(`The query uses ${aliases} aliases; the limit is ${limits.maxAliases}`);
    shape = costShape(schema, document);
    byOperation.set(name, shape);
    shapes.set(document, byOperation);
  }
  const key = JSON.stringify(shape.variables.map((v) => variables[v] ?? null));
  let complexity = shape.costs.get(key);
  if (complexity === undefined) {
    const single = name ? (separateOperations(document)[name] ?? document) : document;
    try {
      complexity = queryCost(schema, single, name || undefined, variables);
    } catch (error) {
      // bad variables: execution coerces them next and answers BAD_USER_INPUT naming the field
      if (error instanceof GraphQLError) return;
      throw error;
    }
    if (shape.costs.size < MAX_COSTS_PER_OPERATION) shape.costs.set(key, complexity);
  }
  if (complexity > limits.maxComplexity) throw tooBig(`The query costs ${complexity}; the limit is ${limits.maxComplexity}`);
}

/**
 * Applies assertWithinLimits to every HTTP operation. Cost is graphql-query-complexity's:
 * one point per field unless a field declares its own `complexity`.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart({ schema }) {
      return {
        async didResolveOperation({ request, document, operation }) {
          if (!operation) return;
          assertWithinLimits(schema, document, operation, request.variables ?? {}, limits);
        },
      };
    },
  };
}
