import { describe, expect, it } from '@jest/globals';
import { GraphQLClient } from './graphql-client';
import { ApiError } from './graphql-errors';
import { Session } from './session';

function jwt(exp: number): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ exp })}.sig`;
}

interface Sent {
  readonly query: string;
  readonly variables: Record<string, unknown>;
  readonly authorization: string | undefined;
}

/**
 * A fake API: access tokens are valid while listed in `valid`; a refresh token is good
 * once, like the real one.
 */
function fakeApi() {
  const sent: Sent[] = [];
  const valid = new Set<string>();
  const usedRefresh = new Set<string>();
  let issued = 0;
  const issue = () => {
    issued += 1;
    const accessToken = jwt(4_000_000_000 + issued);
    valid.add(accessToken);
    return { accessToken, refreshToken: `refresh-${issued}`, user: { id: 'u1', email: 'm@x.cn', role: 'MEMBER' } };
  };
  const json = (body: unknown): Response => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  const fetchFn = async (_url: string, init: RequestInit): Promise<Response> => {
    const body = JSON.parse(init.body as string) as { query: string; variables: Record<string, unknown> };
    const authorization = (init.headers as Record<string, string>).authorization;
    sent.push({ query: body.query, variables: body.variables, authorization });
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (body.query.includes('refreshToken(')) {
      const token = body.variables.refreshToken as string;
      if (usedRefresh.has(token) || !token.startsWith('refresh-')) return json({ errors: [{ message: 'The session has ended; sign in again', extensions: { code: 'UNAUTHENTICATED' } }] });
      usedRefresh.add(token);
      return json({ data: { refreshToken: issue() } });
    }
    if (body.query.includes('login(')) return json({ data: { login: issue() } });
    if (!authorization || !valid.has(authorization.slice('Bearer '.length))) return json({ errors: [{ message: 'expired', extensions: { code: 'UNAUTHENTICATED' } }] });
    return json({ data: { me: { id: 'u1' } } });
  };
  return { sent, valid, fetchFn, refreshes: () => sent.filter((s) => s.query.includes('refreshToken(')).length };
}

describe('the console GraphQL client', () => {
  it('signs in and sends the access token', async () => {
    const api = fakeApi();
    const client = new GraphQLClient(new Session(null), api.fetchFn);
    await client.login('m@x.cn', 'pw');
    await expect(client.request('{ me { id } }')).resolves.toEqual({ me: { id: 'u1' } });
    expect(api.sent[1].authorization).toMatch(/^Bearer /);
  });

  it('rotates the refresh token once for all the requests that found the token expired', async () => {
    const api = fakeApi();
    const session = new Session(null);
    const client = new GraphQLClient(session, api.fetchFn);
    await client.login('m@x.cn', 'pw');
    api.valid.clear(); // the access token ran out on the server
    const answers = await Promise.all([client.request('{ me { id } }'), client.request('{ me { id } }'), client.request('{ me { id } }')]);
    expect(answers).toEqual([{ me: { id: 'u1' } }, { me: { id: 'u1' } }, { me: { id: 'u1' } }]);
    expect(api.refreshes()).toBe(1);
    expect(session.current?.refreshToken).toBe('refresh-2');
  });

  it('renews ahead of time when the token is about to end', async () => {
    const api = fakeApi();
    const session = new Session(null);
    let now = 0;
    const client = new GraphQLClient(session, api.fetchFn, '/graphql', () => now);
    await client.login('m@x.cn', 'pw');
    now = (4_000_000_001 - 10) * 1000; // 10 s before the first token's exp
    await client.request('{ me { id } }');
    expect(api.refreshes()).toBe(1);
    expect(api.sent.filter((s) => s.query.includes('me')).every((s) => s.authorization !== undefined)).toBe(true);
  });

  it('ends the session, and says so, when the refresh is refused', async () => {
    const api = fakeApi();
    const session = new Session(null);
    const client = new GraphQLClient(session, api.fetchFn);
    const ended: ApiError[] = [];
    client.onSessionEnded = (reason) => ended.push(reason);
    await client.login('m@x.cn', 'pw');
    api.valid.clear();
    session.save({ ...(session.current as NonNullable<typeof session.current>), refreshToken: 'stolen-and-used' });
    await expect(client.request('{ me { id } }')).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
    expect(session.current).toBeNull();
    expect(ended).toHaveLength(1);
    expect(ended[0].detail).toBe('The session has ended; sign in again');
  });

  it('a renewal that returns after a sign-out keeps nothing: neither the old session nor in place of the next user\'s', async () => {
    const store = new Map<string, string>();
    const session = new Session({ getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) });
    session.save({ accessToken: jwt(1), refreshToken: 'r-A', user: { id: 'A', email: 'a@x.cn', role: 'MEMBER' } });
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    const json = (body: unknown): Response => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    const fetchFn = async (_url: string, init: RequestInit): Promise<Response> => {
      const body = JSON.parse(init.body as string) as { query: string };
      if (body.query.includes('refreshToken(')) {
        await held; // A's renewal answers late
        return json({ data: { refreshToken: { accessToken: jwt(4_000_000_000), refreshToken: 'r-A2', user: { id: 'A', email: 'a@x.cn', role: 'MEMBER' } } } });
      }
      if (body.query.includes('login(')) return json({ data: { login: { accessToken: jwt(4_000_000_001), refreshToken: 'r-B', user: { id: 'B', email: 'b@x.cn', role: 'BANK' } } } });
      return json({ data: { ok: true } });
    };
    const client = new GraphQLClient(session, fetchFn, '/graphql', () => 2_000_000_000_000);
    const ended: ApiError[] = [];
    client.onSessionEnded = (reason) => ended.push(reason);
    const pending = client.request('{ ok }').catch((error: unknown) => error);
    await new Promise((done) => setTimeout(done, 10)); // A's renewal is on its way
    client.signOut();
    await client.login('b@x.cn', 'pw');
    release();
    await pending;
    expect(session.current?.user.id).toBe('B');
    expect(session.current?.refreshToken).toBe('r-B');
    expect(JSON.stringify([...store.values()])).not.toContain('r-A2');
    expect(ended).toEqual([]);
    // and signed out with A's renewal on its way, nothing comes back
    session.save({ accessToken: jwt(1), refreshToken: 'r-A', user: { id: 'A', email: 'a@x.cn', role: 'MEMBER' } });
    let releaseAgain!: () => void;
    const heldAgain = new Promise<void>((done) => (releaseAgain = done));
    const slow = new GraphQLClient(session, async (url, init) => {
      if ((init.body as string).includes('refreshToken(')) await heldAgain;
      return fetchFn(url, init);
    }, '/graphql', () => 2_000_000_000_000);
    const again = slow.request('{ ok }').catch((error: unknown) => error);
    await new Promise((done) => setTimeout(done, 10));
    slow.signOut();
    releaseAgain();
    release();
    await again;
    expect(session.current).toBeNull();
  });

  it('keeps the session when the network, not the server, failed', async () => {
    const session = new Session(null);
    const client = new GraphQLClient(session, async () => {
      throw new TypeError('Failed to fetch');
    });
    session.save({ accessToken: jwt(4_000_000_000), refreshToken: 'r', user: { id: 'u', email: 'e', role: 'BANK' } });
    await expect(client.request('{ me { id } }')).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
    expect(session.current).not.toBeNull();
  });

  it('describes an answer that is not GraphQL instead of showing it', async () => {
    const client = new GraphQLClient(new Session(null), async () => new Response('<html>Bad Gateway</html>', { status: 502 }));
    const error = await client.request('{ ping }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).kind).toBe('UNAVAILABLE');
    expect((error as ApiError).message).not.toContain('html');
  });

  it('throws the first GraphQL error as an ApiError with its field', async () => {
    const client = new GraphQLClient(new Session(null), async () =>
      new Response(JSON.stringify({ errors: [{ message: 'bad code', extensions: { code: 'BAD_USER_INPUT', field: 'input.creditCode' } }], data: null }), { status: 200 }),
    );
    await expect(client.request('mutation { x }')).rejects.toMatchObject({ kind: 'BAD_USER_INPUT', field: 'input.creditCode' });
  });
});
