import { ApiError, type GraphQLErrorShape, httpError, toApiError } from './graphql-errors.js';
import type { Session, SessionTokens, SessionUser } from './session.js';

export type Variables = Readonly<Record<string, unknown>>;
type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Refresh this long before the access token ends, so a request never leaves with a dying one. */
const REFRESH_MARGIN_MS = 30_000;

const AUTH_FIELDS = 'accessToken refreshToken user { id email role }';
const LOGIN = `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { ${AUTH_FIELDS} } }`;
const REFRESH = `mutation RefreshToken($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { ${AUTH_FIELDS} } }`;

interface GraphQLBody<T> {
  readonly data?: T | null;
  readonly errors?: readonly GraphQLErrorShape[];
}

/**
 * GraphQL over same-origin `POST /graphql` (the console's server forwards it to the API).
 * It adds the access token, and when the token has run out it rotates the refresh token
 * once for every request waiting (a refresh token is good once: two refreshes with the
 * same one would end the session), then retries. When the session cannot be renewed it
 * clears it and tells `onSessionEnded`.
 */
export class GraphQLClient {
  private refreshing: Promise<SessionTokens> | null = null;
  /** moves at every sign-in and sign-out: a renewal begun in an earlier session keeps nothing it gets */
  private generation = 0;
  /** called when the session ended (refresh refused): the page goes back to sign-in */
  onSessionEnded: (reason: ApiError) => void = () => undefined;

  constructor(
    private readonly session: Session,
    private readonly fetchFn: FetchLike = (input, init) => fetch(input, init),
    private readonly endpoint = '/graphql',
    private readonly now: () => number = () => Date.now(),
  ) {}

  async login(email: string, password: string): Promise<SessionUser> {
    const data = await this.send<{ login: SessionTokens }>(LOGIN, { email, password }, null);
    this.generation++;
    this.refreshing = null;
    this.session.save(data.login);
    return data.login.user;
  }

  signOut(): void {
    this.generation++;
    this.refreshing = null;
    this.session.clear();
  }

  /** A query or mutation as the signed-in user; throws ApiError. */
  async request<T>(query: string, variables: Variables = {}): Promise<T> {
    if (this.session.current && this.session.expiresWithin(REFRESH_MARGIN_MS, this.now())) {
      await this.renew().catch(() => undefined);
    }
    const token = this.session.current?.accessToken ?? null;
    try {
      return await this.send<T>(query, variables, token);
    } catch (error) {
      if (!(error instanceof ApiError) || error.kind !== 'UNAUTHENTICATED' || !this.session.current) throw error;
      // another request may have renewed the session meanwhile: then retry with its token
      if (this.session.current.accessToken === token) await this.renew();
      return this.send<T>(query, variables, this.session.current?.accessToken ?? null);
    }
  }

  /**
   * Rotates the refresh token; concurrent callers share one rotation. A rotation that returns
   * after a sign-out or another sign-in keeps nothing: saving its tokens would bring the old
   * session back, or put it in place of the next user's.
   */
  private renew(): Promise<SessionTokens> {
    if (this.refreshing) return this.refreshing;
    const generation = this.generation;
    const stale = (): boolean => generation !== this.generation;
    const renewal: Promise<SessionTokens> = (async () => {
      const current = this.session.current;
      if (!current) throw new ApiError('UNAUTHENTICATED', 'not signed in');
      try {
        const data = await this.send<{ refreshToken: SessionTokens }>(REFRESH, { refreshToken: current.refreshToken }, null);
        if (stale()) throw new ApiError('UNAUTHENTICATED', 'signed out meanwhile');
        this.session.save(data.refreshToken);
        return data.refreshToken;
      } catch (error) {
        const reason = error instanceof ApiError ? error : new ApiError('UNAUTHENTICATED', '');
        // only a refusal ends the session (and only the session it was asked for); a network
        // failure leaves it for the next try
        if (reason.kind === 'UNAUTHENTICATED' && !stale()) {
          this.session.clear();
          this.onSessionEnded(reason);
        }
        throw reason;
      }
    })().finally(() => {
      if (this.refreshing === renewal) this.refreshing = null;
    });
    this.refreshing = renewal;
    return renewal;
  }

  private async send<T>(query: string, variables: Variables, token: string | null): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchFn(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError('UNAVAILABLE', '');
    }
    let body: GraphQLBody<T>;
    try {
      body = (await response.json()) as GraphQLBody<T>;
    } catch {
      throw httpError(response.status);
    }
    if (body.errors && body.errors.length > 0) throw toApiError(body.errors[0]);
    if (!body.data) throw httpError(response.status);
    return body.data;
  }
}
