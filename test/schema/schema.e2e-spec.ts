import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { type RunningApi, startApi } from '../support/api';

const ROOT = join(__dirname, '..', '..');

describe('the GraphQL schema', () => {
  let api: RunningApi;
  let generated: string;

  beforeAll(async () => {
    api = await startApi();
    generated = `${printSchema(lexicographicSortSchema(api.app.get(GraphQLSchemaHost).schema))}\n`;
  });
  afterAll(async () => api.close());

  it('is the committed apps/api/schema.gql (run `npm run schema:print` after changing it)', () => {
    expect(generated).toBe(readFileSync(join(ROOT, 'apps/api/schema.gql'), 'utf8'));
  });
});
