import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { getNamedType, type GraphQLNamedType, type GraphQLSchema, isInterfaceType, isObjectType, isUnionType } from 'graphql';
import { POLICY, SCHEMA_GUARDS } from '@api/policy/policy';
import { type RunningApi, startApi } from '../support/api';

/** Types that lead to companies other than the one read, or to the consortium's members. */
const LEADS_TO_OTHER_COMPANIES = ['Company', 'Consortium', 'User', 'ConsortiumStanding', 'SystemicRisk', 'CreditRecord', 'MemberOverview', 'CoordinatorView'];

/**
 * `me` describes the caller itself (for a BANK user: its bank; its company and consortium are
 * null by construction), and it is the foundation's, not a view of company data.
 */
const NOT_A_BANK_VIEW = new Set(['Query.me']);

function reachable(schema: GraphQLSchema, start: GraphQLNamedType): Set<string> {
  const seen = new Set<string>();
  const stack: GraphQLNamedType[] = [start];
  while (stack.length) {
    const type = stack.pop() as GraphQLNamedType;
    if (seen.has(type.name)) continue;
    seen.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) stack.push(getNamedType(field.type));
      if (isInterfaceType(type)) stack.push(...schema.getPossibleTypes(type));
    }
    if (isUnionType(type)) stack.push(...type.getTypes());
  }
  return seen;
}

describe("a bank's views lead to no other company", () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => api.close());

  it('no type reachable from any operation a BANK may call leads to a Company, a Consortium or its members', () => {
    const schema = api.app.get(GraphQLSchemaHost).schema;
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((r) => r !== null && r !== undefined);
    const bankOperations: string[] = [];
    const leaks: string[] = [];
    for (const root of roots) {
      for (const field of Object.values(root.getFields())) {
        const coordinate = `${root.name}.${field.name}`;
        const guard = SCHEMA_GUARDS[coordinate];
        if (!guard || guard === 'public' || NOT_A_BANK_VIEW.has(coordinate)) continue;
        if (!(POLICY[guard] as Record<string, unknown>).BANK) continue;
        bankOperations.push(coordinate);
        const types = reachable(schema, getNamedType(field.type));
        for (const name of LEADS_TO_OTHER_COMPANIES) if (types.has(name)) leaks.push(`${coordinate} reaches ${name}`);
      }
    }
    expect(leaks).toEqual([]);
    // the check covers what banks actually do
    expect(bankOperations).toEqual(
      expect.arrayContaining(['Query.bankRating', 'Query.bankRatings', 'Query.creditReport', 'Query.bankConsents', 'Query.watchlist', 'Query.webhookDeliveries', 'Subscription.bankAlerts']),
    );
  });
});
