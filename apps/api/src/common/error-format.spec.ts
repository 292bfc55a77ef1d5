import { describe, expect, it } from '@jest/globals';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from '@app/domain';
import { GraphQLError } from 'graphql';
import pino from 'pino';
import { createFormatError, fieldOfClientError } from './error-format';

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

  it('finds the input path in graphql-js coercion messages', () => {
    expect(fieldOfClientError('Variable "$input" got invalid value "x" at "input.amount"; Decimal must be...')).toBe('input.amount');
    expect(fieldOfClientError('Variable "$input" got invalid value { a: 1 }; Field "name" of required type "String!" was not provided.')).toBe('input.name');
    expect(fieldOfClientError('Variable "$id" of required type "ID!" was not provided.')).toBe('id');
    expect(fieldOfClientError('Syntax Error: Unexpected Name "x".')).toBe('query');
  });
});
