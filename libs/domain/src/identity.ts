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
