import type { Role } from './roles';

/**
 * The authenticated caller of one request. A user signs in with a password; a bank's
 * system may instead present an API key, which acts as that bank with the BANK role.
 * Tenant ids come from the verified token or key, never from the request body.
 */
export interface Actor {
  readonly kind: 'user' | 'apiKey';
  /** the user's id, or the API key's id */
  readonly id: string;
  readonly role: Role;
  readonly companyId: string | null;
  /** the consortium of a COORDINATOR, and of a MEMBER's company */
  readonly consortiumId: string | null;
  readonly bankId: string | null;
}
