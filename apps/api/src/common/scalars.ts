import { isCalendarDate, MAX_MONEY_DIGITS } from '@app/domain';
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/** what a Decimal input may be: the amounts filed (parseMoney's bound, MAX_MONEY_DIGITS) */
const DECIMAL = new RegExp(`^-?\\d{1,${MAX_MONEY_DIGITS}}(\\.\\d{1,2})?$`);
const DECIMAL_SHAPE = `Decimal must have at most ${MAX_MONEY_DIGITS} digits before the point and 2 after, e.g. "125000.50"`;

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** `Date`: a calendar date, YYYY-MM-DD (contract). Values travel as strings. */
export const CalendarDateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'calendar date, YYYY-MM-DD',
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    if (typeof value === 'string' && isCalendarDate(value)) return value;
    throw new GraphQLError('Date cannot represent this value');
  },
  parseValue(value) {
    if (typeof value !== 'string' || !isCalendarDate(value)) throw invalid('Date must be a real calendar date written YYYY-MM-DD');
    return value;
  },
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.STRING || !isCalendarDate(ast.value)) throw invalid('Date must be a real calendar date written YYYY-MM-DD');
    return ast.value;
  },
});

/** `Decimal`: an exact amount as a string, e.g. "125000.50"; never a float (contract). */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'exact amount as a string, e.g. "125000.50"; never a float',
  serialize(value) {
    if (typeof value === 'string') return value;
    if (typeof value === 'bigint') return value.toString();
    throw new GraphQLError('Decimal values are served as strings');
  },
  parseValue(value) {
    if (typeof value !== 'string') throw invalid('Decimal must be a string such as "125000.50", not a number');
    if (!DECIMAL.test(value.trim())) throw invalid(DECIMAL_SHAPE);
    return value.trim();
  },
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.STRING) throw invalid('Decimal must be a string such as "125000.50", not a number');
    if (!DECIMAL.test(ast.value.trim())) throw invalid(DECIMAL_SHAPE);
    return ast.value.trim();
  },
});
