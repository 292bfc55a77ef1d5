import { describe, expect, it } from '@jest/globals';
import { buildSchema, getOperationAST, parse } from 'graphql';
import { NO_OPERATION, operationLabel, SEVERAL_FIELDS } from './metrics.service';

const schema = buildSchema(`
  type Query { ping: String company(id: ID!): String me: String }
  type Mutation { login(email: String!): String }
`);

function label(source: string, operationName?: string): string {
  const document = parse(source);
  return operationLabel(schema, document, getOperationAST(document, operationName) ?? undefined);
}

describe('operationLabel', () => {
  it('names the top-level field, whatever the client calls the operation', () => {
    expect(label('query Op123_xxxxxxxx { ping }')).toBe('ping');
    expect(label('{ a: company(id: 1) b: company(id: 2) }')).toBe('company');
    expect(label('mutation SignIn { login(email: "x") }')).toBe('login');
    expect(label('{ __typename }')).toBe('__typename');
  });

  it('looks through fragments at the top level', () => {
    expect(label('query Q { ...F } fragment F on Query { ... on Query { me } }')).toBe('me');
    expect(label('query Q { ...F } fragment F on Query { me ...F }')).toBe('me');
  });

  it('gives several fields, and anything the schema does not have, a fixed value', () => {
    expect(label('{ ping me }')).toBe(SEVERAL_FIELDS);
    expect(label('query Q { ...F } fragment F on Query { ping company(id: 1) }')).toBe(SEVERAL_FIELDS);
    expect(label('{ madeUpField }')).toBe(NO_OPERATION);
    expect(label('{ toString }')).toBe(NO_OPERATION);
    expect(label('subscription { ping }')).toBe(NO_OPERATION);
    expect(label('query A { ping } query B { me }', 'Nope')).toBe(NO_OPERATION);
    expect(operationLabel(schema, undefined, undefined)).toBe(NO_OPERATION);
  });
});
