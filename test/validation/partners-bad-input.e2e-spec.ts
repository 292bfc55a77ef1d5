import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';

/**
 * Generated bad input through GraphQL on the partner and profile operations, one field made
 * invalid at a time: every answer is BAD_USER_INPUT naming that field, never an internal
 * error, and nothing is written (no slug, no rules).
 */
// finite numbers only: JSON has no Infinity or NaN, a client sends them as null (another input)
const notAString = fc.oneof(fc.integer(), fc.double({ noDefaultInfinity: true, noNaN: true }), fc.boolean(), fc.constant([]), fc.constant({}));
const badSlug = fc.oneof(
  notAString,
  fc.string({ maxLength: 2 }),
  // the API trims a slug: a long string is too long only when it still is once trimmed
  fc.string({ minLength: 41, maxLength: 80 }).filter((s) => s.trim().length > 40),
  fc.constantFrom('UPPER', '-lead', 'trail-', 'dou--ble', 'spa ce', '中文名', 'static', 'admin', 'a_b', 'a.b'),
);
// an empty choice is bad input for publishing; for an unpublished profile's fields it is a valid choice
const notAList = fc.oneof(fc.integer(), fc.double({ noDefaultInfinity: true, noNaN: true }), fc.boolean(), fc.constant({}));
const badChoice = fc.oneof(notAList, fc.constant(['NAME', 'OWNER_CREDIT_BAND']), fc.constant(['name']), fc.constant([1]), fc.constant([null]));
const badCount = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 10_001 }), fc.double({ noInteger: true }), fc.constantFrom('5', null, true));
const badFields = fc.oneof(badChoice, fc.constant([]));
const badCode = fc.oneof(notAString, fc.string({ maxLength: 17 }), fc.string({ minLength: 19, maxLength: 30 }), fc.constant('91330300MA2X3Y4B5I'));

interface Case {
  readonly name: string;
  readonly caller: (w: World) => SignedIn;
  readonly query: string;
  readonly variables: (w: World, field: string, value: unknown) => Record<string, unknown>;
  readonly bad: Record<string, fc.Arbitrary<unknown>>;
}

const CASES: readonly Case[] = [
  {
    name: 'publishPublicProfile',
    caller: (w) => w.home.memberB,
    query: 'mutation($input: PublishPublicProfileInput!) { publishPublicProfile(input: $input) { slug } }',
    variables: (w, field, value) => ({ input: { companyId: w.home.companyB.id, slug: 'valid-slug-x', fields: ['NAME'], [field]: value } }),
    bad: { slug: badSlug, fields: badFields },
  },
  {
    name: 'setPublicProfileFields',
    caller: (w) => w.home.memberB,
    query: 'mutation($input: PublicProfileFieldsInput!) { setPublicProfileFields(input: $input) { fields } }',
    variables: (w, field, value) => ({ input: { companyId: w.home.companyB.id, fields: ['NAME'], [field]: value } }),
    bad: { fields: badChoice },
  },
  {
    name: 'setPartnerCheckRules',
    caller: (w) => w.home.coordinator,
    query: 'mutation($id: ID!, $input: PartnerCheckRulesInput!) { setPartnerCheckRules(consortiumId: $id, input: $input) { custom } }',
    variables: (w, field, value) => ({ id: w.home.consortium.id, input: { contributionWindowMonths: 12, minTradeLines: 1, dailyCheckLimit: 20, [field]: value } }),
    bad: { contributionWindowMonths: badCount, minTradeLines: badCount, dailyCheckLimit: badCount },
  },
  {
    name: 'partnerCheck',
    caller: (w) => w.home.memberA,
    query: 'query($creditCode: String!) { partnerCheck(creditCode: $creditCode) { grade } }',
    variables: (_w, _field, value) => ({ creditCode: value }),
    bad: { creditCode: badCode },
  },
];

describe('bad input on the partner and profile operations (generated)', () => {
  let api: RunningApi;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
  });
  afterAll(async () => api.close());

  it('answers 300 generated bad inputs with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const badCase = fc.constantFrom(...CASES).chain((c) => fc.constantFrom(...Object.keys(c.bad)).chain((field) => c.bad[field].map((value) => ({ c, field, value }))));
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(badCase, async ({ c, field, value }) => {
        runs += 1;
        const result = await c.caller(world).client.request(c.query, c.variables(world, field, value));
        const errors = result.errors ?? [];
        expect(errors.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
        expect(errors.length).toBeGreaterThan(0);
        expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
        expect(String(errors[0].extensions?.field)).toContain(field);
      }),
      { numRuns: 300 },
    );
    expect(runs).toBe(300);
    const written: { n: string }[] = await api.dataSource.query(
      `SELECT (SELECT count(*) FROM public_profiles WHERE company_id = $1 AND slug IS NOT NULL)
            + (SELECT count(*) FROM partner_check_rules WHERE consortium_id = $2) AS n`,
      [world.home.companyB.id, world.home.consortium.id],
    );
    expect(Number(written[0].n)).toBe(0);
  });
});
