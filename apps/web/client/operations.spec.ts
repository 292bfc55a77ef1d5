import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import * as operations from './operations';

/**
 * Every document the console sends is valid against the integration contract, so it works
 * on any server that keeps the contract, whichever branch's operations it has yet. The one
 * field used beyond the contract is named here: the Chinese reason, which the API adds.
 */
const CONSOLE_EXTENSIONS = `extend type Reason { descriptionZh: String! }`;

describe('the console GraphQL documents', () => {
  const contract = readFileSync(join(__dirname, '..', '..', 'api', 'contract.graphql'), 'utf8');
  const schema = buildSchema(`${contract}\n${CONSOLE_EXTENSIONS}`);
  const documents: [string, string][] = Object.entries(operations as Record<string, unknown>).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value] as [string, string]] : []));

  it('are many, one per operation the console uses', () => {
    expect(documents.length).toBeGreaterThanOrEqual(20);
  });

  it.each(documents)('%s is valid against the contract', (_name, document) => {
    expect(validate(schema, parse(document)).map((e) => e.message)).toEqual([]);
  });

  it('use only the extension that the API on main provides', () => {
    const api = readFileSync(join(__dirname, '..', '..', 'api', 'schema.gql'), 'utf8');
    expect(api).toMatch(/type Reason \{[^}]*descriptionZh: String!/);
  });
});
