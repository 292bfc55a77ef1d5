import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar, creditCodeProblem, isValidCreditCode } from './credit-code';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts published real codes', () => {
    // Tencent (Shenzhen) 91440300708461136T and Alibaba (China) 91330100799655058B.
    expect(isValidCreditCode('91440300708461136T')).toBe(true);
    expect(isValidCreditCode('91330100799655058B')).toBe(true);
  });

  it('computes the check character by hand for a simple prefix', () => {
    // "00000000000000001": only position 16 is non-zero, c=1, w16 = 3^16 mod 31.
    // 3^5=243=26 (mod 31); 3^10=26^2=676=25; 3^15=25*26=650=30; 3^16=90=28.
    // sum = 28, check = 31 - 28 = 3 -> '3'.
    expect(creditCodeCheckChar('00000000000000001')).toBe('3');
  });

  it('names what is wrong', () => {
    expect(creditCodeProblem('9144030070846113')).toBe('length');
    expect(creditCodeProblem('91440300708461136I')).toBe('character');
    expect(creditCodeProblem('91440300708461136A')).toBe('check-digit');
  });

  it('every generated code with its check character is valid, and changing one character breaks it', () => {
    const char = fc.constantFrom(...CREDIT_CODE_ALPHABET.split(''));
    fc.assert(
      fc.property(fc.array(char, { minLength: 17, maxLength: 17 }), fc.nat(17), char, (chars, pos, replacement) => {
        const body = chars.join('');
        const code = body + creditCodeCheckChar(body);
        expect(isValidCreditCode(code)).toBe(true);
        const altered = code.slice(0, pos) + replacement + code.slice(pos + 1);
        // a single substitution is always detected (31 is prime and no weight is 0 mod 31)
        expect(isValidCreditCode(altered)).toBe(altered === code);
      }),
      { numRuns: 2000 },
    );
  });
});
