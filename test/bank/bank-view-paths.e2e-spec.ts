import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { getNamedType, type GraphQLNamedType, type GraphQLSchema, isInterfaceType, isObjectType, isUnionType } from 'graphql';
import { POLICY, SCHEMA_GUARDS } from '@api/policy/policy';
import { type RunningApi, startApi } from '../support/api';

/** Types that lead to companies other than the one read, or to the consortium's members. */
const LEADS_TO_OTHER_COMPANIES = ['Company', 'Consortium', 'User', 'ConsortiumStanding', 'SystemicRisk', 'CreditRecord', 'MemberOverview', 'CoordinatorView'];

/**
 * The bank's views of company data: the operations of bank access. (`me` describes the
 * caller itself; filing a loan record answers the record filed, whose subject the bank
 * named itself, with its further fields guarded by the policy at run time.)
 */
const BANK_ACCESS_OPERATIONS = /^(consent|consentRequest|bank\.consents|bankRating|creditReport|watchlist|webhook|bankAlerts)\b/;

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

  it('no type reachable from any bank-access operation a BANK may call leads to a Company, a Consortium or its members', () => {
    const schema = api.app.get(GraphQLSchemaHost).schema;
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((r) => r !== null && r !== undefined);
    const bankOperations: string[] = [];
    const leaks: string[] = [];
    for (const root of roots) {
      for (const field of Object.values(root.getFields())) {
        const coordinate = `${root.name}.${field.name}`;
        const guard = SCHEMA_GUARDS[coordinate];
        if (!guard || guard === 'public' || !BANK_ACCESS_OPERATIONS.test(guard)) continue;
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
