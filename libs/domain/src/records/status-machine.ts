import { ConflictError } from '../errors';
import type { VerificationStatus } from './record.types';

/**
 * The verification state machine (issue 3): PENDING -> VERIFIED | DISPUTED,
 * VERIFIED -> DISPUTED, DISPUTED -> VERIFIED | REJECTED. REJECTED is final.
 */
export const STATUS_MOVES: Readonly<Record<VerificationStatus, readonly VerificationStatus[]>> = {
  PENDING: ['VERIFIED', 'DISPUTED'],
  VERIFIED: ['DISPUTED'],
  DISPUTED: ['VERIFIED', 'REJECTED'],
  REJECTED: [],
};

/** The ways a status changes, each allowed from some statuses only. */
export type StatusAction = 'CONFIRM' | 'VERIFY' | 'MATCH' | 'DISPUTE' | 'RESOLVE_CONFIRMED' | 'RESOLVE_REJECTED';

const ACTIONS: Readonly<Record<StatusAction, { readonly from: readonly VerificationStatus[]; readonly to: VerificationStatus; readonly words: string }>> = {
  CONFIRM: { from: ['PENDING'], to: 'VERIFIED', words: 'confirmed' },
  VERIFY: { from: ['PENDING'], to: 'VERIFIED', words: 'verified' },
  MATCH: { from: ['PENDING'], to: 'VERIFIED', words: 'matched' },
  DISPUTE: { from: ['PENDING', 'VERIFIED'], to: 'DISPUTED', words: 'disputed' },
  RESOLVE_CONFIRMED: { from: ['DISPUTED'], to: 'VERIFIED', words: 'resolved' },
  RESOLVE_REJECTED: { from: ['DISPUTED'], to: 'REJECTED', words: 'resolved' },
};

export function isAllowedMove(from: VerificationStatus, to: VerificationStatus): boolean {
  return STATUS_MOVES[from].includes(to);
}

/** The status an action leads to from `from`, or CONFLICT naming why not. */
export function nextStatus(action: StatusAction, from: VerificationStatus): VerificationStatus {
  const rule = ACTIONS[action];
  if (!rule.from.includes(from) || !isAllowedMove(from, rule.to)) {
    const allowed = rule.from.join(' or ');
    throw new ConflictError(`A ${from} record cannot be ${rule.words}; only a ${allowed} one can`, { status: from });
  }
  return rule.to;
}
