import { randomUUID } from 'node:crypto';
import { HttpException } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/domain';
import { unwrapResolverError } from '@apollo/server/errors';
import { type ASTNode, type DocumentNode, GraphQLError, type GraphQLFormattedError, Kind, parse, type ValueNode, visit } from 'graphql';
import type { Logger } from 'pino';
import { MAX_QUERY_TOKENS } from './limits.plugin';

/** Every domain code maps to the contract's `extensions.code`; a new code fails to compile until mapped. */
const EXTENSION_CODE: Readonly<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
};

/** Apollo's own client-error codes: malformed documents and variables are bad input. */
const CLIENT_ERROR_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

const HTTP_STATUS_CODE: Readonly<Record<number, string>> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
};

/**
 * The input path a GraphQL coercion error is about. graphql-js says, for example,
 * `Variable "$input" got invalid value "x" at "input.amount"; ...` or
 * `Field "name" of required type "String!" was not provided.`
 */
export function fieldOfClientError(message: string): string {
  const at = /got invalid value .* at "([^"]+)"/.exec(message);
  const variable = /Variable "\$([^"]+)"/.exec(message);
  const missing = /Field "([^"]+)" of required type "[^"]+" was not provided/.exec(message);
  const notDefined = /Field "([^"]+)" is not defined by type/.exec(message);
  const argument = /[Aa]rgument "([^"]+)"/.exec(message);
  const inner = missing?.[1] ?? notDefined?.[1];
  if (at) return inner ? `${at[1]}.${inner.split('.').pop()}` : at[1];
  if (variable) return inner ? `${variable[1]}.${inner.split('.').pop()}` : variable[1];
  if (argument) return argument[1];
  if (inner) return inner.split('.').pop() ?? 'query';
  return 'query';
}

/** Values written in the document: what graphql-js's ValuesOfCorrectTypeRule reports on. */
const LITERAL_KINDS: ReadonlySet<string> = new Set([
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
  Kind.OBJECT_FIELD,
]);

/**
 * The input path of a value written in the document itself, `login(email: 5)` or
 * `createUser(input: { role: NOPE })`: graphql-js's messages for those name no argument
 * ("String cannot represent a non string value: 5"), so the path comes from where the error
 * points, the enclosing argument and object fields (`email`, `input.role`, `input.ids[1]`),
 * with the missing field of a "was not provided" (`input.email`). The error keeps the
 * node's offset and the text, not the document: the text is parsed again, which only a
 * client's mistake costs, and MAX_QUERY_TOKENS bounds. Null when the error is about no
 * such value (a variable, a field, the syntax).
 */
export function fieldOfLiteral(error: unknown): string | null {
  if (!(error instanceof GraphQLError)) return null;
  const node = error.nodes?.[0];
  const source = node?.loc?.source ?? error.source;
  if (!node?.loc || !source || !LITERAL_KINDS.has(node.kind)) return null;
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: MAX_QUERY_TOKENS });
  } catch {
    return null;
  }
  const start = node.loc.start;
  const at = (candidate: ASTNode): boolean => candidate.kind === node.kind && candidate.loc?.start === start;
  let found: string | null = null;
  const search = (value: ValueNode, path: string): void => {
    if (at(value)) found = path;
    if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) {
        const inner = `${path}.${field.name.value}`;
        if (at(field)) found = inner;
        search(field.value, inner);
      }
    } else if (value.kind === Kind.LIST) {
      value.values.forEach((item, i) => search(item, `${path}[${i}]`));
    }
  };
  visit(document, {
    Argument(argument) {
      search(argument.value, argument.name.value);
      return false;
    },
    VariableDefinition(definition) {
      if (definition.defaultValue) search(definition.defaultValue, definition.variable.name.value);
      return false;
    },
  });
  if (found === null) return null;
  const missing = node.kind === Kind.OBJECT ? /Field "([^"]+)" of required type "[^"]+" was not provided/.exec(error.message)?.[1] : undefined;
  return missing ? `${found}.${missing.split('.').pop()}` : found;
}

/** PostgreSQL or its pool cannot be reached: a retryable outage, not a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; driverError?: { code?: string } } | null;
  const code = e?.code ?? e?.driverError?.code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '53300'].includes(code)) {
    return true;
  }
  // TypeORM lets a transaction's connection go when it breaks; the transaction's next query then fails with these
  const name = (error as { name?: string } | null)?.name;
  if (name === 'QueryRunnerAlreadyReleasedError' || name === 'QueryRunnerProviderAlreadyReleasedError') return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable/i.test(e?.message ?? '');
}

export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);

    if (original instanceof DomainError) {
      return {
        message: original.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { ...original.details, code: EXTENSION_CODE[original.code] },
      };
    }

    if (original instanceof HttpException) {
      const code = HTTP_STATUS_CODE[original.getStatus()];
      if (code) return { message: original.message, path: formatted.path, extensions: { code } };
    }

    const apolloCode = formatted.extensions?.code;
    if (typeof apolloCode === 'string' && CLIENT_ERROR_CODES.has(apolloCode)) {
      const given = formatted.extensions?.field;
      // graphql-js's words for parseOptions.maxTokens (with its typo, "more that"), in the limits' own
      const tokens = /^Syntax Error: Document contains more th(?:an|at) (\d+) tokens/.exec(formatted.message)?.[1];
      return {
        message: tokens ? `The query has more than ${tokens} tokens; the limit is ${tokens}` : formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'BAD_USER_INPUT', field: typeof given === 'string' ? given : (fieldOfLiteral(error) ?? fieldOfClientError(formatted.message)) },
      };
    }

    const errorId = randomUUID();
    if (isDatabaseUnavailable(original)) {
      logger.warn({ errorId, err: original }, 'database unavailable');
      return {
        message: `The service's database is unavailable; retry in a few seconds (reference ${errorId})`,
        path: formatted.path,
        // the web console's code for an unreachable API: a client retries, it is no bug
        extensions: { code: 'SERVICE_UNAVAILABLE', errorId, retryable: true },
      };
    }
    logger.error({ errorId, err: original, path: formatted.path }, 'unexpected error');
    return {
      message: `Unexpected error (reference ${errorId})`,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
    };
  };
}
