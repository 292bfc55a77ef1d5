import type { Role } from './roles';

/** One cluster's credit alliance. */
export interface Consortium {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly industry: string;
  readonly createdAt: Date;
}

export interface Company {
  readonly id: string;
  readonly consortiumId: string;
  readonly creditCode: string;
  readonly name: string;
  /** the day it joined the alliance */
  readonly joinedOn: string;
  readonly createdAt: Date;
}

export interface Bank {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
}

export interface User {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly companyId: string | null;
  /** a COORDINATOR's consortium, or the consortium of a MEMBER's company */
  readonly consortiumId: string | null;
  readonly bankId: string | null;
  readonly createdAt: Date;
  readonly disabledAt: Date | null;
}

export const MIN_PASSWORD_LENGTH = 12;
/** argon2 takes any length, but an unbounded one is a denial-of-service vector */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * A password's length as the rule counts it: Unicode code points, as every text input is
 * counted, so 200 emoji are 200 characters (400 UTF-16 units).
 */
export function passwordLength(password: string): number {
  return [...password].length;
}

/**
 * The one password rule, for every path that sets a password (createUser, the bootstrap
 * ADMIN of the configuration) and, for the upper bound, sign-in: what is wrong with a
 * password ("must be at least 12 characters"), or null. One rule, so that no password can
 * be set that sign-in then refuses.
 */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'must be text';
  if (passwordTooLong(password)) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (!password.isWellFormed()) return 'is not valid Unicode text (an unpaired surrogate)';
  if (passwordLength(password) < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  return null;
}

/** Whether a password is over the rule's bound; sign-in checks no such password, as none could have been set. */
export function passwordTooLong(password: string): boolean {
  // beyond two UTF-16 units per code point it is too long however it is counted: no need to count millions
  return password.length > 2 * MAX_PASSWORD_LENGTH || passwordLength(password) > MAX_PASSWORD_LENGTH;
}
