import { describe, expect, it } from '@jest/globals';
import type { GraphQLRequestListener } from '@apollo/server';
import { GraphQLInt, GraphQLList, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type OperationDefinitionNode } from 'graphql';
import { queryLimitsPlugin } from './limits.plugin';

// a list that prices itself by its `first` argument, and a plain field
const Item = new GraphQLObjectType({ name: 'Item', fields: { name: { type: GraphQLString } } });
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      items: {
        type: new GraphQLList(Item),
        args: { first: { type: GraphQLInt }, code: { type: GraphQLString } },
        extensions: { complexity: ({ args, childComplexity }: { args: { first?: number }; childComplexity: number }) => (args.first ?? 10) * childComplexity },
      },
      ping: { type: GraphQLString, args: { code: { type: GraphQLString } } },
    },
  }),
});

async function cost(query: string, variables: Record<string, unknown>, document = parse(query)): Promise<'ok' | string> {
  const plugin = queryLimitsPlugin({ maxDepth: 10, maxComplexity: 100, maxAliases: 5 });
  const listener = (await plugin.requestDidStart?.({ schema } as never)) as GraphQLRequestListener<never>;
  const operation = document.definitions[0] as OperationDefinitionNode;
  try {
    await listener.didResolveOperation?.({ request: { variables }, document, operation } as never);
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the query limits plugin, measuring each document once', () => {
  it('still refuses a cached document whose cost grows with a variable', async () => {
    const document = parse('query Items($n: Int, $c: String) { items(first: $n, code: $c) { name } }');
    expect(await cost('', { n: 5, c: 'a' }, document)).toBe('ok');
    expect(await cost('', { n: 5, c: 'b' }, document)).toBe('ok');
    expect(await cost('', { n: 500, c: 'a' }, document)).toMatch(/The query costs 500; the limit is 100/);
    expect(await cost('', { n: 5, c: 'c' }, document)).toBe('ok');
  });

  it('refuses a too costly @include that depends on a variable', async () => {
    const document = parse('query P($big: Boolean!) { ping a: items(first: 90) @include(if: $big) { name } b: items(first: 90) @include(if: $big) { name } }');
    expect(await cost('', { big: false }, document)).toBe('ok');
    expect(await cost('', { big: true }, document)).toMatch(/The query costs/);
  });

  it('refuses depth and aliases on every request, not only the first', async () => {
    const document = parse('{ a: ping b: ping c: ping d: ping e: ping f: ping }');
    expect(await cost('', {}, document)).toMatch(/6 aliases/);
    expect(await cost('', {}, document)).toMatch(/6 aliases/);
  });
});
