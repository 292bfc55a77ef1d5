import { describe, expect, it } from '@jest/globals';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from '@app/domain';
import { buildSchema, GraphQLError, parse, validate } from 'graphql';
import pino from 'pino';
import { createFormatError, fieldOfClientError, fieldOfLiteral } from './error-format';

const lines: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
const format = createFormatError(logger);
const wrap = (original: Error) => new GraphQLError(original.message, { originalError: original, path: ['x'] });

describe('GraphQL error formatting', () => {
  it('maps each domain error to its contract code, with the field for bad input', () => {
    expect(format({ message: 'm' }, wrap(new BadInputError('input.amount', 'bad'))).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.amount' });
    expect(format({ message: 'm' }, wrap(new UnauthenticatedError('u'))).extensions?.code).toBe('UNAUTHENTICATED');
    expect(format({ message: 'm' }, wrap(new ForbiddenError('f'))).extensions?.code).toBe('FORBIDDEN');
    expect(format({ message: 'm' }, wrap(new NotFoundError('n'))).extensions?.code).toBe('NOT_FOUND');
    expect(format({ message: 'm' }, wrap(new ConflictError('c'))).extensions?.code).toBe('CONFLICT');
  });

  it('hides an unexpected error behind an id that is in the log', () => {
    const error = new Error('relation "secret_table" does not exist at SELECT * FROM secret_table');
    const answer = format({ message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x.ts:1'] } }, wrap(error));
    expect(answer.message).toMatch(/^Unexpected error \(reference [0-9a-f-]{36}\)$/);
    expect(JSON.stringify(answer)).not.toMatch(/secret_table|SELECT|stacktrace/);
    const id = answer.extensions?.errorId as string;
    expect(lines.some((l) => l.includes(id) && l.includes('secret_table'))).toBe(true);
  });

  it('tells a database outage apart, as retryable', () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const answer = format({ message: outage.message }, wrap(outage));
    expect(answer.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true, errorId: expect.any(String) });
    expect(answer.message).toMatch(/database is unavailable/);
    expect(JSON.stringify(answer)).not.toMatch(/ECONNREFUSED|5432/);
  });

  it('counts a transaction whose connection broke under it (TypeORM released it) as the same outage', () => {
    for (const name of ['QueryRunnerProviderAlreadyReleasedError', 'QueryRunnerAlreadyReleasedError']) {
      const broken = Object.assign(new Error('Database connection provided by a query runner was already released'), { name });
      expect(format({ message: broken.message }, wrap(broken)).extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    }
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(format({ message: terminated.message }, wrap(terminated)).extensions?.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('finds the input path of a bad value written in the document from where the error points', () => {
    const schema = buildSchema(`
      enum Role { ADMIN MEMBER }
      input Line { sku: String! qty: Int! }
      input NewUser { email: String! role: Role! lines: [Line!] }
      type Query { login(email: String!, limit: Int): String createUser(input: NewUser!): String }
    `);
    const fields = (query: string): (string | null)[] => validate(schema, parse(query)).map((error) => fieldOfLiteral(error));
    expect(fields('{ login(email: 5) }')).toEqual(['email']);
    expect(fields('{ login(email: "a@x.cn", limit: "ten") }')).toEqual(['limit']);
    expect(fields('{ createUser(input: { email: "a@x.cn", role: NOPE }) }')).toEqual(['input.role']);
    expect(fields('{ createUser(input: { role: ADMIN }) }')).toEqual(['input.email']);
    expect(fields('{ createUser(input: { email: "a@x.cn", role: ADMIN, nickname: "x" }) }')).toEqual(['input.nickname']);
    expect(fields('{ createUser(input: { email: "a@x.cn", role: ADMIN, lines: [{ sku: "a", qty: 1 }, { sku: "b", qty: 1.5 }] }) }')).toEqual(['input.lines[1].qty']);
    expect(fields('query($e: String = 5) { login(email: $e) }')).toEqual(['e']);
    // not about a written value: left to the message
    expect(fields('{ login }')).toEqual([null]);
    expect(fieldOfLiteral(new Error('x'))).toBeNull();
    // through the formatter, as Apollo hands it a validation error
    const [error] = validate(schema, parse('{ createUser(input: { role: NOPE, email: "a@x.cn" }) }'));
    const answer = format({ message: error.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, error);
    expect(answer.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.role' });
  });

  it('words a document over the token limit as the other limits are worded', () => {
    const answer = format(
      { message: 'Syntax Error: Document contains more that 5000 tokens. Parsing aborted.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } },
      new GraphQLError('Syntax Error: Document contains more that 5000 tokens. Parsing aborted.'),
    );
    expect(answer).toMatchObject({ message: 'The query has more than 5000 tokens; the limit is 5000', extensions: { code: 'BAD_USER_INPUT', field: 'query' } });
  });

  it('finds the input path in graphql-js coercion messages', () => {
    expect(fieldOfClientError('Variable "$input" got invalid value "x" at "input.amount"; Decimal must be...')).toBe('input.amount');
    expect(fieldOfClientError('Variable "$input" got invalid value { a: 1 }; Field "name" of required type "String!" was not provided.')).toBe('input.name');
    expect(fieldOfClientError('Variable "$id" of required type "ID!" was not provided.')).toBe('id');
    expect(fieldOfClientError('Syntax Error: Unexpected Name "x".')).toBe('query');
  });
});
