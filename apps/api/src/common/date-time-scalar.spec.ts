import { GraphQLError, Kind, parse, type ValueNode } from 'graphql';
import { DateTimeScalar } from './scalars';

const literal = (text: string): ValueNode => {
  const document = parse(`{ f(a: ${text}) }`);
  const operation = document.definitions[0];
  if (operation.kind !== Kind.OPERATION_DEFINITION || operation.selectionSet.selections[0].kind !== Kind.FIELD) throw new Error('no field');
  return operation.selectionSet.selections[0].arguments?.[0].value as ValueNode;
};

const refusal = (run: () => unknown): GraphQLError => {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('accepted');
};

describe('the DateTime scalar', () => {
  it('takes a full ISO-8601 instant with Z or an offset, as that instant', () => {
    expect(DateTimeScalar.parseValue('2030-01-01T00:00:00Z')).toEqual(new Date('2030-01-01T00:00:00.000Z'));
    expect(DateTimeScalar.parseValue('2030-01-01T00:00:00+08:00')).toEqual(new Date('2029-12-31T16:00:00.000Z'));
    expect(DateTimeScalar.parseValue('2030-01-01T00:00:00.5-05:30')).toEqual(new Date('2030-01-01T05:30:00.500Z'));
    expect(DateTimeScalar.parseValue('2028-02-29T23:59:59.999999Z')).toEqual(new Date('2028-02-29T23:59:59.999Z'));
    expect(DateTimeScalar.parseValue('0001-01-01T00:00:00Z').toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(DateTimeScalar.parseValue('9999-12-31T23:59:59Z').toISOString()).toBe('9999-12-31T23:59:59.000Z');
    expect(DateTimeScalar.parseLiteral(literal('"2030-01-01T00:00:00+08:00"'))).toEqual(new Date('2029-12-31T16:00:00.000Z'));
  });

  it.each([
    ['a number', 5],
    ['epoch milliseconds', 4102444800000],
    ['a boolean', true],
    ['null', null],
    ['a list', [2030]],
    ['an object', { a: 1 }],
    ['a date without time', '2030-01-01'],
    ['a time without zone', '2030-01-01T00:00:00'],
    ['no seconds', '2030-01-01T00:00Z'],
    ['month 13', '2030-13-01T00:00:00Z'],
    ['February 30', '2030-02-30T00:00:00Z'],
    ['February 29 of a common year', '2030-02-29T00:00:00Z'],
    ['hour 24', '2030-01-01T24:00:00Z'],
    ['a leap second', '2030-01-01T23:59:60Z'],
    ['an offset without colon', '2030-01-01T00:00:00+0800'],
    ['an offset of 24 hours', '2030-01-01T00:00:00+24:00'],
    ['year 0', '0000-01-01T00:00:00Z'],
    ['year 1 put before year 1 by its offset', '0001-01-01T00:00:00+01:00'],
    ['a five-digit year', '+10000-01-01T00:00:00Z'],
    ['a space for the T', '2030-01-01 00:00:00Z'],
    ['words', 'tomorrow'],
    ['an empty string', ''],
  ])('refuses %s as a variable, as bad input', (_name, value) => {
    const error = refusal(() => DateTimeScalar.parseValue(value));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('DateTime must be a string with date, time and zone');
  });

  it.each(['5', '4102444800000', '1.5', 'true', 'null', 'TOMORROW', '{ a: 1 }', '[2030]', '"2030-01-01"', '"2030-13-01T00:00:00Z"'])(
    'refuses the literal %s, as bad input pointing at it (never null)',
    (text) => {
      const node = literal(text);
      const error = refusal(() => DateTimeScalar.parseLiteral(node));
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
      expect(error.nodes?.[0]).toBe(node);
    },
  );

  it('serves a Date at UTC, and nothing else', () => {
    expect(DateTimeScalar.serialize(new Date('2029-12-31T16:00:00.000Z'))).toBe('2029-12-31T16:00:00.000Z');
    expect(() => DateTimeScalar.serialize(new Date(Number.NaN))).toThrow(GraphQLError);
    expect(() => DateTimeScalar.serialize(5)).toThrow(GraphQLError);
  });
});
