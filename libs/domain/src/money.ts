import { BadInputError } from './errors';

/**
 * Money is exact: a Decimal string with at most two decimals ("125000.50") at the API and
 * in PostgreSQL `numeric(18,2)`, and integer fen (分) where it is computed with.
 */
const DECIMAL = /^-?(0|[1-9]\d{0,12})(\.\d{1,2})?$/;
/**
 * Amounts stay below 10^13 yuan (10^15 fen): far above any SME figure, inside numeric(18,2),
 * exact as a JS number (fenToNumber: below 2^53 fen, about 9 x 10^15), and, times a PAYDEX key
 * in thirds (<= 300), inside PostgreSQL's signed 64-bit bigint, where the scoring loader sums
 * them. A larger amount would be accepted and then fail every recompute that reads it.
 */
export const MAX_MONEY_DIGITS = 13;

export type MoneySign = 'positive' | 'non-negative' | 'any';

/** Already in canonical form: no sign, no leading zero, two decimals. */
const CANONICAL = /^(0|[1-9]\d{0,12})\.\d\d$/;

/** Validates a Decimal input and returns it in canonical form (two decimals). */
export function parseMoney(field: string, value: unknown, sign: MoneySign = 'any'): string {
  if (typeof value !== 'string') throw new BadInputError(field, `${field} must be a decimal string such as "1250.50"`);
  // the common case of a file or a client that sends "1250.50": no arithmetic needed
  if (CANONICAL.test(value)) {
    if (sign === 'positive' && value === '0.00') throw new BadInputError(field, `${field} must be greater than 0`);
    return value;
  }
  const text = value.trim();
  if (!DECIMAL.test(text)) {
    throw new BadInputError(field, `${field} must be a decimal amount with at most ${MAX_MONEY_DIGITS} digits before the point and 2 after, e.g. "1250.50"`);
  }
  const fen = decimalToFen(text);
  if (sign === 'positive' && fen <= 0n) throw new BadInputError(field, `${field} must be greater than 0`);
  if (sign === 'non-negative' && fen < 0n) throw new BadInputError(field, `${field} must not be negative`);
  return fenToDecimal(fen);
}

export function decimalToFen(text: string): bigint {
  const negative = text.startsWith('-');
  const [whole, frac = ''] = (negative ? text.slice(1) : text).split('.');
  const fen = BigInt(whole) * 100n + BigInt((frac + '00').slice(0, 2));
  return negative ? -fen : fen;
}

export function fenToDecimal(fen: bigint): string {
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const frac = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${abs / 100n}.${frac}`;
}

/** Fen as a JS number for scoring arithmetic; exact up to 2^53 fen (about 90 trillion yuan). */
export function fenToNumber(fen: bigint): number {
  if (fen > BigInt(Number.MAX_SAFE_INTEGER) || fen < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError('amount exceeds the exact range of a number');
  }
  return Number(fen);
}
