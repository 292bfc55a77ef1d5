import { describe, expect, it } from '@jest/globals';
import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import fc from 'fast-check';
import {
  buildSchema,
  execute,
  type ExecutionResult,
  getIntrospectionQuery,
  GraphQLError,
  type GraphQLSchema,
  parse,
  validate,
} from 'graphql';
import { JitGateway } from './jit-executor';

class ShownError extends Error {
  readonly extensions = { code: 'BAD_USER_INPUT', field: 'code' };
}

/** A schema with what the API's answers have: nested lists, nullable and non-null fields, enums, a mutation, a subscription. */
function makeSchema(): { schema: GraphQLSchema; order: string[] } {
  const schema = buildSchema(`
    enum Purpose { LOAN MONITORING }
    type Reason { code: String! description: String }
    type Rating { score: Int! grade: String! pd: Float reasons: [Reason!]! failing: String! }
    type View { creditCode: String! purpose: Purpose! rating: Rating }
    type Query { view(code: String!, purpose: Purpose!): View  views(codes: [String!]!): [View] returned: View }
    type Mutation { step(name: String!): String! }
    type Subscription { ticks: Int }
  `);
  const order: string[] = [];
  const view = (code: string, purpose = 'LOAN') => {
    if (code === 'bad') throw new ShownError('no such code');
    return {
      creditCode: code,
      purpose,
      rating: code === 'unrated' ? null : { score: code.length, grade: 'BBB', pd: code.length / 100, reasons: [{ code: 'R1', description: null }, { code: 'R2', description: code }] },
    };
  };
  const fields = (type: string) => {
    const t = schema.getType(type) as unknown as { getFields(): Record<string, { resolve?: unknown }> };
    return t.getFields();
  };
  fields('Query').view.resolve = async (_: unknown, args: { code: string; purpose: string }) => view(args.code, args.purpose);
  fields('Rating').failing.resolve = () => {
    throw new Error('boom');
  };
  // NestJS's exception filter hands a resolver's error back as its value, not thrown
  fields('Query').returned.resolve = async () => new ShownError('refused by the policy');
  fields('Query').views.resolve = (_: unknown, args: { codes: string[] }) => args.codes.map((c) => (c === 'bad' ? new ShownError('refused') : view(c)));
  fields('Mutation').step.resolve = async (_: unknown, args: { name: string }) => {
    await new Promise((r) => setTimeout(r, args.name === 'first' ? 20 : 1));
    order.push(args.name);
    return args.name;
  };
  return { schema, order };
}

async function executorFor(schema: GraphQLSchema): Promise<GatewayExecutor> {
  const gateway = new JitGateway();
  let loaded: GraphQLSchema | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    loaded = apiSchema;
  });
  expect(gateway.capture(schema)).toBe(schema);
  const { executor } = await gateway.load();
  expect(loaded).toBe(schema);
  return executor;
}

function run(executor: GatewayExecutor, query: string, variables?: Record<string, unknown>, operationName?: string): Promise<ExecutionResult> {
  const document = parse(query);
  return executor({ document, operationName, context: {}, request: { query, variables } } as unknown as GatewayGraphQLRequestContext);
}

/** What Apollo reads of an answer: the data, and each error's message, path, locations and extensions (Apollo reads `extensions.code`, so none is not the same as empty). */
const wire = (result: ExecutionResult) =>
  JSON.parse(
    JSON.stringify({
      data: result.data,
      errors: result.errors?.map((e) => ({ message: e.message, path: e.path, locations: e.locations, extensions: e.extensions ?? 'none' })),
    }),
  );

describe('JitGateway: operations executed by graphql-jit answer as graphql-js does', () => {
  const { schema, order } = makeSchema();
  const graphqlJs = (query: string, variables?: Record<string, unknown>) => execute({ schema, document: parse(query), variableValues: variables, contextValue: {} }) as Promise<ExecutionResult>;

  it('answers the same data and errors, with the original error kept for the error formatter', async () => {
    const executor = await executorFor(schema);
    const queries: [string, Record<string, unknown>?][] = [
      ['query V($c: String!, $p: Purpose!) { view(code: $c, purpose: $p) { creditCode purpose rating { score grade pd reasons { code description } } } }', { c: 'ABC', p: 'MONITORING' }],
      ['{ view(code: "unrated", purpose: LOAN) { creditCode rating { score } } }'],
      ['{ view(code: "bad", purpose: LOAN) { creditCode } }'],
      ['{ view(code: "x", purpose: LOAN) { creditCode rating { score failing } } }'],
      ['{ views(codes: ["a", "bad", "unrated"]) { creditCode rating { grade } } }'],
      ['{ returned { creditCode } }'],
      ['{ a: view(code: "a", purpose: LOAN) { creditCode } b: view(code: "bb", purpose: LOAN) { c: creditCode, __typename } }'],
      // introspection (development's GraphQL clients), through the same executor
      [getIntrospectionQuery()],
    ];
    for (const [query, variables] of queries) {
      const [jit, reference] = [await run(executor, query, variables), await graphqlJs(query, variables)];
      expect(wire(jit)).toEqual(wire(reference));
    }
    const refused = await run(executor, '{ view(code: "bad", purpose: LOAN) { creditCode } }');
    expect(refused.errors?.[0]).toBeInstanceOf(GraphQLError);
    expect(refused.errors?.[0].originalError).toBeInstanceOf(ShownError);
  });

  it('answers any variables as graphql-js does: bad ones refused in its words', async () => {
    const executor = await executorFor(schema);
    const query = 'query V($c: String!, $p: Purpose!) { view(code: $c, purpose: $p) { creditCode } }';
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(undefined), fc.integer(), fc.string(), fc.constant(null)), fc.oneof(fc.constant('LOAN'), fc.string(), fc.integer()), async (c, p) => {
        const variables = { c, p };
        const [jit, reference] = [await run(executor, query, variables), await graphqlJs(query, variables)];
        expect(wire(jit)).toEqual(wire(reference));
      }),
      { numRuns: 100 },
    );
  });

  it('runs the fields of a mutation one after another, in order', async () => {
    const executor = await executorFor(schema);
    order.length = 0;
    const result = await run(executor, 'mutation { a: step(name: "first") b: step(name: "second") }');
    expect(result.data).toEqual({ a: 'first', b: 'second' });
    expect(order).toEqual(['first', 'second']);
  });

  it('leaves subscriptions to graphql-js, and picks the named operation of a document with several', async () => {
    const executor = await executorFor(schema);
    const sub = 'subscription { ticks }';
    expect(validate(schema, parse(sub))).toEqual([]);
    expect(wire(await run(executor, sub))).toEqual(wire(await graphqlJs(sub)));
    const two = 'query A { view(code: "a", purpose: LOAN) { creditCode } } query B { view(code: "bbb", purpose: LOAN) { rating { score } } }';
    expect((await run(executor, two, undefined, 'B')).data).toEqual({ view: { rating: { score: 3 } } });
    expect((await run(executor, two, undefined, 'A')).data).toEqual({ view: { creditCode: 'a' } });
  });
});
