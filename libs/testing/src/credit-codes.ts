import { randomInt } from 'node:crypto';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '@app/domain';

/**
 * A valid unified social credit code: "91" (enterprise, registered with the market
 * regulator), a 6-digit region, a random 9-character organisation code, and the check
 * character. Random, so that parallel tests never collide on the unique index.
 */
export function randomCreditCode(region = '330300'): string {
  let org = '';
  for (let i = 0; i < 9; i += 1) org += CREDIT_CODE_ALPHABET[randomInt(CREDIT_CODE_ALPHABET.length)];
  const body = `91${region}${org}`;
  return body + creditCodeCheckChar(body);
}
