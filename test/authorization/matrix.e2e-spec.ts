import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Actor, ROLES } from '@app/domain';
import { isAllowed, OPERATIONS, POLICY, SCHEMA_GUARDS, SENSITIVE_FIELDS } from '@api/policy/policy';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { type GraphQLSchema, isObjectType } from 'graphql';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';
import { BANK_CASES, prepareBankCases } from './cases/bank.cases';
import { FOUNDATION_CASES } from './cases/foundation.cases';
import { RECORDS_CASES } from './cases/records.cases';
import { PARTNERS_CASES } from './cases/partners.cases';
import { PIPELINE_CASES } from './cases/pipeline.cases';
import { type MatrixCase, policyTarget } from './matrix.types';

/**
 * The authorization matrix, generated from the schema: every Query and Mutation field and
 * every sensitive object field has a row (a policy operation and a case); every row is
 * run for every role against targets of every relation, over HTTP, and must be allowed
 * exactly when the policy table says so and FORBIDDEN otherwise (or BAD_USER_INPUT, for a
 * row's concealed targets: answered as a code that names nothing).
 */
const CASES: Readonly<Record<string, MatrixCase>> = { ...FOUNDATION_CASES, ...RECORDS_CASES, ...BANK_CASES, ...PARTNERS_CASES, ...PIPELINE_CASES };

function schemaCoordinates(schema: GraphQLSchema): string[] {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t) => t !== null && t !== undefined);
  const coordinates = roots.flatMap((root) => Object.keys(root.getFields()).map((f) => `${root.name}.${f}`));
  for (const coordinate of SENSITIVE_FIELDS) {
    const [type, field] = coordinate.split('.');
    const found = schema.getType(type);
    if (!isObjectType(found) || !found.getFields()[field]) throw new Error(`sensitive field ${coordinate} is not in the schema`);
    coordinates.push(coordinate);
  }
  return coordinates;
}

function actorOf(signedIn: SignedIn): Actor {
  const u = signedIn.user;
  return { kind: 'user', id: u.id, role: u.role, companyId: u.companyId, consortiumId: u.consortiumId, bankId: u.bankId };
}

describe('authorization matrix', () => {
  let api: RunningApi;
  let world: World;
  let coordinates: string[];

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    await prepareBankCases(api, world);
    coordinates = schemaCoordinates(api.app.get(GraphQLSchemaHost).schema);
    for (const row of Object.values(CASES)) await row.setup?.(world, api);
  });
  afterAll(async () => api.close());

  it('has a policy row and a matrix case for every operation and sensitive field of the schema', () => {
    const unguarded = coordinates.filter((c) => !(c in SCHEMA_GUARDS));
    const untested = coordinates.filter((c) => !(c in CASES));
    expect({ unguarded, untested }).toEqual({ unguarded: [], untested: [] });
    for (const guard of Object.values(SCHEMA_GUARDS)) if (guard !== 'public') expect(OPERATIONS).toContain(guard);
    // and no stale rows for operations that left the schema
    expect(Object.keys(SCHEMA_GUARDS).filter((c) => !coordinates.includes(c))).toEqual([]);
  });

  it('gives every role exactly what the policy says, across tenants', async () => {
    const callers: Record<string, SignedIn> = {
      ADMIN: world.admin,
      COORDINATOR: world.home.coordinator,
      MEMBER: world.home.memberA,
      BANK: world.banker,
    };
    expect(Object.keys(callers).sort()).toEqual([...ROLES].sort());
    const mismatches: string[] = [];
    let cells = 0;
    for (const coordinate of coordinates) {
      const row = CASES[coordinate];
      const guard = SCHEMA_GUARDS[coordinate];
      expect(row.operation).toBe(guard);
      for (const [role, caller] of Object.entries(callers)) {
        for (const target of row.targets) {
          const actor = actorOf(caller);
          const where = policyTarget(world, target);
          const expected =
            row.operation === 'public' || (isAllowed(actor, row.operation, where) && (!row.parent || isAllowed(actor, row.parent, where)));
          const { query, variables } = row.request(world, target);
          const result = await caller.client.request(query, variables);
          await row.after?.(world, api);
          const codes = (result.errors ?? []).map((e) => e.extensions?.code);
          const forbidden = codes.includes('FORBIDDEN');
          const refused = forbidden || (row.concealed?.includes(target) === true && codes.includes('BAD_USER_INPUT'));
          cells += 1;
          if (expected && forbidden) mismatches.push(`${coordinate} ${role} -> ${target}: expected allowed, got FORBIDDEN`);
          if (expected && codes.includes('INTERNAL_SERVER_ERROR')) mismatches.push(`${coordinate} ${role} -> ${target}: internal error`);
          if (!expected && !refused) mismatches.push(`${coordinate} ${role} -> ${target}: expected FORBIDDEN, got ${JSON.stringify(codes)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBeGreaterThan(50);
  });

  it('answers UNAUTHENTICATED to a caller without credentials on every guarded operation', async () => {
    const failures: string[] = [];
    for (const coordinate of coordinates) {
      const row = CASES[coordinate];
      if (row.operation === 'public') continue;
      const { query, variables } = row.request(world, row.targets[0]);
      const result = await api.client.request(query, variables);
      const codes = (result.errors ?? []).map((e) => e.extensions?.code);
      if (!codes.includes('UNAUTHENTICATED')) failures.push(`${coordinate}: ${JSON.stringify(codes)}`);
    }
    expect(failures).toEqual([]);
  });

  it('lists every policy operation in the schema guards (no rule that nothing uses)', () => {
    const used = new Set(Object.values(SCHEMA_GUARDS));
    // operations that services check on paths other than a schema coordinate
    const internal = new Set([
      'user.create.staff',
      // ADMIN's includeExpired on Query.records
      'record.readExpired',
      // the REST upload endpoints (POST /imports/...)
      'import.tradeExperiences',
      'import.paymentRecords',
      'import.publicRecords',
      // Bull Board at /admin/queues (test/pipeline/api.e2e-spec.ts)
      'queues.admin',
    ]);
    expect(Object.keys(POLICY).filter((op) => !used.has(op as never) && !internal.has(op))).toEqual([]);
  });
});
