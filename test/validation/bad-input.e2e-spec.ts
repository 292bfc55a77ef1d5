import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '@app/domain';
import { randomCreditCode } from '@app/testing';
import fc from 'fast-check';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';

/**
 * Generated bad input through the GraphQL endpoint: every mutation of the foundation gets
 * inputs with exactly one field made invalid (wrong type, empty, oversized, malformed,
 * unknown id). Each must answer BAD_USER_INPUT naming that field, never an internal error,
 * and write nothing (every valid field carries a marker that must not reach a table).
 */
const MARK = `fuzz${randomBytes(3).toString('hex')}`;

// finite numbers only: JSON has no Infinity or NaN, a client sends them as null (another input)
const notAString = fc.oneof(fc.integer(), fc.double({ noDefaultInfinity: true, noNaN: true }), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), fc.array(fc.string(), { maxLength: 2 }));
const blank = fc.constantFrom('', ' ', '   ', '\t', '\n ');
const oversized = (max: number) => fc.integer({ min: max + 1, max: max + 5000 }).map((n) => 'x'.repeat(n));
const withControl = fc.constantFrom('abc\u0000def', 'bell\u0007', 'esc\u001b[0m');
const badText = (max: number) => fc.oneof(notAString, blank, oversized(max), withControl);

const badCreditCode = fc.oneof(
  notAString,
  fc.string({ maxLength: 17 }),
  fc.string({ minLength: 19, maxLength: 40 }),
  // 18 characters with at least one outside the alphabet
  fc.tuple(fc.array(fc.constantFrom(...CREDIT_CODE_ALPHABET.split('')), { minLength: 17, maxLength: 17 }), fc.constantFrom('I', 'O', 'S', 'V', 'Z', '-', '中')).map(
    ([chars, bad]) => `${chars.join('')}${bad}`,
  ),
  // a right body with a wrong check character
  fc.array(fc.constantFrom(...CREDIT_CODE_ALPHABET.split('')), { minLength: 17, maxLength: 17 }).map((chars) => {
    const body = chars.join('');
    const right = creditCodeCheckChar(body) as string;
    const wrong = CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.indexOf(right) + 1) % CREDIT_CODE_ALPHABET.length];
    return body + wrong;
  }),
);
const badId = fc.oneof(notAString, fc.string({ maxLength: 40 }).filter((s) => !/^[0-9a-f-]{36}$/i.test(s)), fc.uuid({ version: 4 }));
const badEmail = fc.oneof(notAString, blank, fc.string({ maxLength: 30 }).filter((s) => !s.includes('@')), fc.constant(`${'a'.repeat(300)}@x.cn`));
const badPassword = fc.oneof(notAString, fc.string({ maxLength: 11 }), fc.string({ minLength: 257, maxLength: 400 }));
const badRole = fc.oneof(fc.constantFrom('ROOT', 'admin', '', 'SUPERUSER'), fc.integer(), fc.constant(null));

interface Case {
  readonly name: string;
  readonly query: string;
  readonly valid: (w: World) => Record<string, unknown>;
  readonly bad: Record<string, fc.Arbitrary<unknown>>;
}

const CASES: readonly Case[] = [
  {
    name: 'createConsortium',
    query: 'mutation($input: CreateConsortiumInput!) { createConsortium(input: $input) { id } }',
    valid: () => ({ name: `${MARK} 联盟`, region: `${MARK} 温州`, industry: `${MARK} 鞋业` }),
    bad: { name: badText(120), region: badText(120), industry: badText(120) },
  },
  {
    name: 'createBank',
    query: 'mutation($input: CreateBankInput!) { createBank(input: $input) { id } }',
    valid: () => ({ name: `${MARK} 银行` }),
    bad: { name: badText(200) },
  },
  {
    name: 'registerCompany',
    query: 'mutation($input: RegisterCompanyInput!) { registerCompany(input: $input) { id } }',
    valid: (w) => ({ consortiumId: w.home.consortium.id, creditCode: randomCreditCode(), name: `${MARK} 有限公司` }),
    bad: { consortiumId: badId, creditCode: badCreditCode, name: badText(200) },
  },
  {
    name: 'createUser',
    query: 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
    valid: (w) => ({ email: `${MARK}-${randomBytes(3).toString('hex')}@x.cn`, password: 'a long enough password', role: 'MEMBER', companyId: w.home.companyA.id }),
    bad: { email: badEmail, password: badPassword, role: badRole, companyId: badId },
  },
];

describe('bad input on the foundation mutations', () => {
  let api: RunningApi;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
  });
  afterAll(async () => api.close());

  it('answers 1,000 generated bad inputs with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const badCase = fc.constantFrom(...CASES).chain((c) =>
      fc.constantFrom(...Object.keys(c.bad)).chain((field) => c.bad[field].map((value) => ({ c, field, value }))),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(badCase, async ({ c, field, value }) => {
        runs += 1;
        const input = { ...c.valid(world), [field]: value };
        const result = await world.admin.client.request(c.query, { input });
        const errors = result.errors ?? [];
        expect(errors.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
        expect(errors.length).toBeGreaterThan(0);
        expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
        expect(String(errors[0].extensions?.field)).toContain(field);
        expect(JSON.stringify(errors)).not.toMatch(/SELECT|INSERT|node_modules|\.ts:\d+/);
      }),
      { numRuns: 1000 },
    );
    expect(runs).toBe(1000);

    const written: { n: string }[] = await api.dataSource.query(
      `SELECT (SELECT count(*) FROM consortia WHERE name LIKE $1) + (SELECT count(*) FROM banks WHERE name LIKE $1)
            + (SELECT count(*) FROM companies WHERE name LIKE $1) + (SELECT count(*) FROM users WHERE email LIKE $1) AS n`,
      [`${MARK}%`],
    );
    expect(Number(written[0].n)).toBe(0);
  });
});
