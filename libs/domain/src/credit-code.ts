import { BadInputError } from './errors';

/**
 * The unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a
 * 31-character alphabet (digits and capitals without I, O, Z, S, V). The last one is a check
 * character: with weights w_i = 3^i mod 31 for positions i = 0..16 and c_i the alphabet
 * index of character i, check = 31 - (sum(c_i * w_i) mod 31), and 31 maps to '0'.
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const CREDIT_CODE_LENGTH = 18;

const WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k += 1) w = (w * 3) % 31;
  return w;
});

export type CreditCodeProblem = 'length' | 'character' | 'check-digit';

/** The check character for the first 17 characters of a code, or null if one is invalid. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const c = CREDIT_CODE_ALPHABET.indexOf(first17[i]);
    if (c < 0) return null;
    sum += c * WEIGHTS[i];
  }
  const check = 31 - (sum % 31);
  return CREDIT_CODE_ALPHABET[check === 31 ? 0 : check];
}

/** Why a code is invalid, or null when it is valid. Codes are compared upper-case. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if (code.length !== CREDIT_CODE_LENGTH) return 'length';
  for (const ch of code) if (!CREDIT_CODE_ALPHABET.includes(ch)) return 'character';
  return creditCodeCheckChar(code.slice(0, 17)) === code[17] ? null : 'check-digit';
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}

/** Upper-cases and trims what a person typed; validity is checked separately. */
export function normalizeCreditCode(input: string): string {
  return input.trim().toUpperCase();
}

const CODE_PROBLEMS: Readonly<Record<CreditCodeProblem, string>> = {
  length: 'must be exactly 18 characters',
  character: 'may contain only digits and the capitals A-Y without I, O, S, V and Z',
  'check-digit': 'fails its check digit (GB 32100-2015): a character is mistyped',
};

/** A unified social credit code from input, normalised, or BAD_USER_INPUT naming `field`. */
export function parseCreditCode(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new BadInputError(field, `${field} must be text`);
  const code = normalizeCreditCode(value);
  const problem = creditCodeProblem(code);
  if (problem) throw new BadInputError(field, `${field} ${CODE_PROBLEMS[problem]}`);
  return code;
}
