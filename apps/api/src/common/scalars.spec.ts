import { MAX_MONEY_DIGITS, parseMoney } from '@app/domain';
import fc from 'fast-check';
import { Kind } from 'graphql';
import { DecimalScalar } from './scalars';

const accepts = (value: string): boolean => {
  try {
    DecimalScalar.parseValue(value);
    return true;
  } catch {
    return false;
  }
};

describe('the Decimal scalar', () => {
  it('takes the amounts parseMoney takes, and says its bound as parseMoney does', () => {
    expect(accepts('9999999999999.99')).toBe(true);
    expect(accepts('12345678901234.00')).toBe(false);
    expect(() => DecimalScalar.parseValue('12345678901234.00')).toThrow(`at most ${MAX_MONEY_DIGITS} digits before the point`);
    expect(() => DecimalScalar.parseLiteral({ kind: Kind.STRING, value: '12345678901234' })).toThrow(`at most ${MAX_MONEY_DIGITS} digits`);
  });

  it('never lets through a positive amount that parseMoney refuses for its size (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 18 }), fc.integer({ min: 0, max: 99 }), (digits, cents) => {
        const amount = `${'9'.repeat(digits)}.${String(cents).padStart(2, '0')}`;
        let money = true;
        try {
          parseMoney('input.amount', amount);
        } catch {
          money = false;
        }
        expect(accepts(amount)).toBe(money);
      }),
    );
  });
});
