import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BadInputError } from './errors';
import { MAX_MONEY_DIGITS, decimalToFen, fenToNumber, parseMoney } from './money';

const INT64_MAX = 2n ** 63n - 1n;
/** The largest PAYDEX key in thirds, which the scoring loader multiplies amounts by in SQL. */
const MAX_KEY_THIRDS = 300n;

function refusal(value: string): BadInputError | null {
  try {
    parseMoney('input.amount', value);
    return null;
  } catch (error) {
    if (error instanceof BadInputError) return error;
    throw error;
  }
}

describe('money', () => {
  it('accepts 13 digits before the point and refuses 10^13 yuan, naming the field', () => {
    expect(MAX_MONEY_DIGITS).toBe(13);
    expect(parseMoney('input.amount', '9999999999999.99')).toBe('9999999999999.99');
    expect(parseMoney('input.amount', '-9999999999999.99')).toBe('-9999999999999.99');
    for (const tooLarge of ['10000000000000', '10000000000000.00', '-10000000000000.00', ' 10000000000000.5 ', '9999999999999999.99']) {
      const error = refusal(tooLarge);
      expect(error?.field).toBe('input.amount');
      expect(error?.message).toBe('input.amount must be a decimal amount with at most 13 digits before the point and 2 after, e.g. "1250.50"');
    }
  });

  it('every amount it accepts is exact as a number of fen and fits the loader\'s bigint products (property)', () => {
    const digits = fc.stringMatching(/^-?\s?([0-9]{1,17})(\.[0-9]{1,2})?\s?$/);
    const nearTheEdge = fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }).map((fen) => {
      const abs = fen < 0n ? -fen : fen;
      return `${fen < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
    });
    fc.assert(
      fc.property(fc.oneof(digits, nearTheEdge, fc.string()), (value) => {
        let accepted: string;
        try {
          accepted = parseMoney('input.amount', value);
        } catch (error) {
          if (error instanceof BadInputError) return;
          throw error;
        }
        for (const fen of [decimalToFen(accepted), decimalToFen(value.trim())]) {
          expect(() => fenToNumber(fen)).not.toThrow();
          const product = fen * MAX_KEY_THIRDS;
          expect(product <= INT64_MAX && product >= -INT64_MAX - 1n).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
