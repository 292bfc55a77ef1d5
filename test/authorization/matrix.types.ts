import type { Operation, PolicyTarget } from '@api/policy/policy';
import type { RunningApi } from '../support/api';
import type { World } from '../support/world';

/** The objects an operation can be pointed at, each standing differently to each caller. */
export const TARGETS = [
  'homeCompanyA',
  'homeCompanyB',
  'otherCompany',
  /** a home company that consents to `bank` (world.consented): the company a bank may read */
  'consentedCompany',
  'homeConsortium',
  'otherConsortium',
  'bank',
  'otherBank',
  'none',
] as const;
export type TargetKind = (typeof TARGETS)[number];

export interface MatrixRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
}

/**
 * One row of the authorization matrix: a schema coordinate (`Query.company`,
 * `Company.rating`), the policy operation guarding it, the operation of the field it is
 * reached through (for object fields), the targets to try, and how to ask.
 */
export interface MatrixCase {
  readonly operation: Operation | 'public';
  /** for an object field: the policy operation of the query that reaches its parent */
  readonly parent?: Operation;
  readonly targets: readonly TargetKind[];
  request(world: World, target: TargetKind): MatrixRequest;
  /** makes the objects the requests name (records, imports, notices), once, before the matrix runs */
  setup?(world: World, api: RunningApi): Promise<void>;
  /**
   * targets whose refusal may be BAD_USER_INPUT instead of FORBIDDEN: an operation that
   * names its target by a public code answers a target the caller may not see exactly as a
   * code naming nothing (partnerCheck on another consortium's company), so it reveals nothing
   */
  readonly concealed?: readonly TargetKind[];
  /** undoes, after each request, what must not outlive it (a started full recompute) */
  after?(world: World, api: RunningApi): Promise<void>;
}

export function policyTarget(world: World, target: TargetKind): PolicyTarget {
  switch (target) {
    case 'homeCompanyA':
      return { companyId: world.home.companyA.id, consortiumId: world.home.consortium.id };
    case 'homeCompanyB':
      return { companyId: world.home.companyB.id, consortiumId: world.home.consortium.id };
    case 'otherCompany':
      return { companyId: world.other.companyA.id, consortiumId: world.other.consortium.id };
    case 'consentedCompany':
      return { companyId: world.consented.company.id, consortiumId: world.home.consortium.id, consentForCallerBank: true };
    case 'homeConsortium':
      return { consortiumId: world.home.consortium.id };
    case 'otherConsortium':
      return { consortiumId: world.other.consortium.id };
    case 'bank':
      return { bankId: world.bank.id };
    case 'otherBank':
      return { bankId: world.otherBank.id };
    case 'none':
      return {};
  }
}

export function companyOf(world: World, target: TargetKind): { id: string; creditCode: string } {
  switch (target) {
    case 'homeCompanyA':
      return world.home.companyA;
    case 'homeCompanyB':
      return world.home.companyB;
    case 'otherCompany':
      return world.other.companyA;
    case 'consentedCompany':
      return world.consented.company;
    default:
      throw new Error(`${target} is not a company`);
  }
}

export function consortiumOf(world: World, target: TargetKind): { id: string } {
  if (target === 'homeConsortium') return world.home.consortium;
  if (target === 'otherConsortium') return world.other.consortium;
  throw new Error(`${target} is not a consortium`);
}

export function bankOf(world: World, target: TargetKind): { id: string } {
  if (target === 'bank') return world.bank;
  if (target === 'otherBank') return world.otherBank;
  throw new Error(`${target} is not a bank`);
}

export const COMPANY_TARGETS: readonly TargetKind[] = ['homeCompanyA', 'homeCompanyB', 'otherCompany'];
export const CONSORTIUM_TARGETS: readonly TargetKind[] = ['homeConsortium', 'otherConsortium'];
export const BANK_TARGETS: readonly TargetKind[] = ['bank', 'otherBank'];
