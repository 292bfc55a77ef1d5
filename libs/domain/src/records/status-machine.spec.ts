import { describe, expect, it } from '@jest/globals';
import { ConflictError } from '../errors';
import { VERIFICATION_STATUSES, type VerificationStatus } from './record.types';
import { isAllowedMove, nextStatus, type StatusAction } from './status-machine';

describe('the verification state machine', () => {
  it('allows exactly the moves of the issue', () => {
    const allowed = VERIFICATION_STATUSES.flatMap((from) => VERIFICATION_STATUSES.filter((to) => isAllowedMove(from, to)).map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(['DISPUTED->REJECTED', 'DISPUTED->VERIFIED', 'PENDING->DISPUTED', 'PENDING->VERIFIED', 'VERIFIED->DISPUTED']);
  });

  it('answers every other action CONFLICT', () => {
    const cases: [StatusAction, VerificationStatus, VerificationStatus | null][] = [
      ['CONFIRM', 'PENDING', 'VERIFIED'],
      ['CONFIRM', 'VERIFIED', null],
      ['CONFIRM', 'DISPUTED', null],
      ['VERIFY', 'REJECTED', null],
      ['DISPUTE', 'VERIFIED', 'DISPUTED'],
      ['DISPUTE', 'DISPUTED', null],
      ['DISPUTE', 'REJECTED', null],
      ['RESOLVE_CONFIRMED', 'DISPUTED', 'VERIFIED'],
      ['RESOLVE_REJECTED', 'DISPUTED', 'REJECTED'],
      ['RESOLVE_REJECTED', 'PENDING', null],
      ['MATCH', 'VERIFIED', null],
    ];
    for (const [action, from, to] of cases) {
      if (to) expect(nextStatus(action, from)).toBe(to);
      else expect(() => nextStatus(action, from)).toThrow(ConflictError);
    }
  });
});
