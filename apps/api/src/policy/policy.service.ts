import { Injectable } from '@nestjs/common';
import { type Actor, ForbiddenError } from '@app/domain';
import { isAllowed, type Operation, POLICY, type PolicyTarget, relationOf } from './policy';

const ROLE_WORDS: Readonly<Record<string, string>> = {
  ADMIN: 'a platform administrator',
  COORDINATOR: 'a coordinator',
  MEMBER: 'a member',
  BANK: 'a bank',
};

@Injectable()
export class PolicyService {
  can(actor: Actor, operation: Operation, target: PolicyTarget = {}): boolean {
    return isAllowed(actor, operation, target);
  }

  /**
   * Refuses at once a role that may never do this operation, before the input is read or
   * the object loaded: such a caller learns nothing about either.
   */
  assertRole(actor: Actor, operation: Operation): void {
    const rule: Readonly<Partial<Record<string, readonly string[]>>> = POLICY[operation];
    if (!rule[actor.role]) throw new ForbiddenError(`${ROLE_WORDS[actor.role]} may not do ${operation}`, { operation });
  }

  /** Throws FORBIDDEN with a reason a person can act on. */
  assert(actor: Actor, operation: Operation, target: PolicyTarget = {}): void {
    if (isAllowed(actor, operation, target)) return;
    const relation = relationOf(actor, target);
    const where = relation === 'foreign' ? ' outside your own company, consortium or bank' : '';
    throw new ForbiddenError(`${ROLE_WORDS[actor.role]} may not do ${operation}${where}`, { operation });
  }
}
