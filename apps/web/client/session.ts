/**
 * The signed-in session: tokens in memory, and in sessionStorage so that a reload of the
 * tab keeps it (sessionStorage dies with the tab and is never sent anywhere by itself).
 * Nothing is kept in localStorage or cookies.
 */
export type Role = 'ADMIN' | 'COORDINATOR' | 'MEMBER' | 'BANK';

export interface SessionUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
}

export interface SessionTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly user: SessionUser;
}

/** What the console needs of Web Storage (sessionStorage in the browser, a map in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const KEY = 'credit-alliance.session.v1';
const ROLES: readonly string[] = ['ADMIN', 'COORDINATOR', 'MEMBER', 'BANK'];

function isTokens(value: unknown): value is SessionTokens {
  const v = value as Partial<SessionTokens> | null;
  return (
    !!v &&
    typeof v.accessToken === 'string' &&
    typeof v.refreshToken === 'string' &&
    !!v.user &&
    typeof v.user.id === 'string' &&
    typeof v.user.email === 'string' &&
    ROLES.includes(v.user.role as string)
  );
}

/** The `exp` of a JWT in milliseconds, or null when it cannot be read. The signature is the server's business. */
export function tokenExpiry(jwt: string): number | null {
  const payload = jwt.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

export class Session {
  private tokens: SessionTokens | null = null;

  constructor(private readonly store: KeyValueStore | null) {
    try {
      const saved = store?.getItem(KEY);
      const parsed: unknown = saved ? JSON.parse(saved) : null;
      this.tokens = isTokens(parsed) ? parsed : null;
    } catch {
      this.tokens = null;
    }
  }

  get current(): SessionTokens | null {
    return this.tokens;
  }

  save(tokens: SessionTokens): void {
    this.tokens = tokens;
    try {
      this.store?.setItem(KEY, JSON.stringify(tokens));
    } catch {
      // storage full or refused (private mode): the session lives in memory only
    }
  }

  clear(): void {
    this.tokens = null;
    try {
      this.store?.removeItem(KEY);
    } catch {
      // nothing to remove
    }
  }

  /** True when the access token is gone or ends within `marginMs`. */
  expiresWithin(marginMs: number, now: number): boolean {
    if (!this.tokens) return true;
    const exp = tokenExpiry(this.tokens.accessToken);
    return exp !== null && exp - now <= marginMs;
  }
}
