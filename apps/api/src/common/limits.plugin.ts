import type { ApolloServerPlugin } from '@apollo/server';
import {
  BREAK,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  separateOperations,
  visit,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxComplexity: number;
  readonly maxAliases: number;
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

/**
 * Refuses, before any resolver runs, documents that are too deep, too costly or that batch
 * work through aliases (OWASP GraphQL cheat sheet). Cost is graphql-query-complexity's:
 * one point per field unless a field declares its own `complexity`.
 */
/** Whether a document uses any directive (@skip and @include make its cost depend on variables). */
function hasDirectives(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive() {
      found = true;
      return BREAK;
    },
  });
  return found;
}

/**
 * Each parsed document is measured once: Apollo hands every request with the same query
 * text the same DocumentNode, and what is measured here does not depend on the variables
 * (field complexities use `childComplexity` only: a list that grows with an argument has a
 * bounded size and a fixed price), except through @skip/@include, so documents with
 * directives are measured on every request.
 */
const measuredDocuments = new WeakMap<DocumentNode, Map<string, number>>();

export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart({ schema }) {
      return {
        async didResolveOperation({ request, document, operation }) {
          if (!operation) return;
          const name = operation.name?.value;
          const cached = measuredDocuments.get(document)?.get(name ?? '');
          if (cached !== undefined) {
            if (cached > limits.maxComplexity) throw tooBig(`The query costs ${cached}; the limit is ${limits.maxComplexity}`);
            return;
          }
          const fragments = new Map(
            (document as DocumentNode).definitions
              .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
              .map((d) => [d.name.value, d]),
          );
          const { depth, aliases } = measure(operation, fragments);
          if (depth > limits.maxDepth) throw tooBig(`The query is ${depth} levels deep; the limit is ${limits.maxDepth}`);
          if (aliases > limits.maxAliases) throw tooBig(`The query uses ${aliases} aliases; the limit is ${limits.maxAliases}`);
          const single = name ? (separateOperations(document)[name] ?? document) : document;
          let complexity: number;
          try {
            complexity = getComplexity({
              schema,
              query: single,
              operationName: name,
              variables: request.variables ?? {},
              estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (error) {
            // bad variables: execution coerces them next and answers BAD_USER_INPUT naming the field
            if (error instanceof GraphQLError) return;
            throw error;
          }
          if (!hasDirectives(document)) {
            const byOperation = measuredDocuments.get(document) ?? new Map<string, number>();
            byOperation.set(name ?? '', complexity);
            measuredDocuments.set(document, byOperation);
          }
          if (complexity > limits.maxComplexity) throw tooBig(`The query costs ${complexity}; the limit is ${limits.maxComplexity}`);
        },
      };
    },
  };
}
