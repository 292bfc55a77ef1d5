import { isCalendarDate, MAX_MONEY_DIGITS } from '@app/domain';
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/** what a Decimal input may be: the amounts filed (parseMoney's bound, MAX_MONEY_DIGITS) */
const DECIMAL = new RegExp(`^-?\\d{1,${MAX_MONEY_DIGITS}}(\\.\\d{1,2})?$`);
const DECIMAL_SHAPE = `Decimal must have at most ${MAX_MONEY_DIGITS} digits before the point and 2 after, e.g. "125000.50"`;

/** A scalar's refusal; given the literal's node, the error names the argument or input field it is written in. */
function invalid(message: string, node?: ValueNode): GraphQLError {
  return new GraphQLError(message, { nodes: node, extensions: { code: 'BAD_USER_INPUT' } });
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
    if (ast.kind !== Kind.STRING || !isCalendarDate(ast.value)) throw invalid('Date must be a real calendar date written YYYY-MM-DD', ast);
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
    if (ast.kind !== Kind.STRING) throw invalid('Decimal must be a string such as "125000.50", not a number', ast);
    if (!DECIMAL.test(ast.value.trim())) throw invalid(DECIMAL_SHAPE, ast);
    return ast.value.trim();
  },
});

/** a full ISO-8601 instant: date, time (seconds, optional fraction) and Z or an offset ±hh:mm */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
const INSTANT_SHAPE = 'DateTime must be a string with date, time and zone, e.g. "2030-01-01T00:00:00Z" or "2030-01-01T08:00:00+08:00"';

/** The instant an ISO-8601 string names, or null when it is not one (or is outside years 1..9999). */
export function parseInstant(text: string): Date | null {
  const m = INSTANT.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const [offsetHours, offsetMinutes] = [Number(m[10] ?? 0), Number(m[11] ?? 0)];
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const at = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999
  at.setUTCFullYear(year, month - 1, day);
  // a day past the month's end (2030-02-30) rolls into the next month
  if (at.getUTCMonth() !== month - 1) return null;
  at.setUTCHours(hour, minute, second, Number((m[7] ?? '').padEnd(3, '0').slice(0, 3)));
  const offset = (m[8] ? 0 : 1) * (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  const instant = new Date(at.getTime() - offset * 60_000);
  const utcYear = instant.getUTCFullYear();
  return Number.isNaN(instant.getTime()) || utcYear < 1 || utcYear > 9999 ? null : instant;
}

/**
 * `DateTime`: an instant (contract), written in full ISO-8601: date, time and Z or an offset;
 * served as UTC. Anything else is refused: a number, a boolean, an enum-like word or an object
 * is no instant, and must not pass as null (for an expiry, null means never).
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 instant with date, time and zone (Z or ±hh:mm), e.g. 2030-01-01T00:00:00Z; served at UTC',
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    throw new GraphQLError('DateTime cannot represent this value');
  },
  parseValue(value) {
    const at = typeof value === 'string' ? parseInstant(value) : null;
    if (!at) throw invalid(INSTANT_SHAPE);
    return at;
  },
  parseLiteral(ast: ValueNode) {
    const at = ast.kind === Kind.STRING ? parseInstant(ast.value) : null;
    // the node lets the error name the argument or input field it is written in
    if (!at) throw invalid(INSTANT_SHAPE, ast);
    return at;
  },
});
