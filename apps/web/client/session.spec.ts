import { describe, expect, it } from '@jest/globals';
import { type KeyValueStore, Session, tokenExpiry } from './session';

class MemoryStore implements KeyValueStore {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

export function jwtExpiringAt(seconds: number): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'u1', exp: seconds })}.signature`;
}

const tokens = (exp = 2_000_000_000) => ({ accessToken: jwtExpiringAt(exp), refreshToken: 'r1', user: { id: 'u1', email: 'm@x.cn', role: 'MEMBER' as const } });

describe('the session', () => {
  it('survives a reload through the store, and is forgotten on clear', () => {
    const store = new MemoryStore();
    new Session(store).save(tokens());
    const reloaded = new Session(store);
    expect(reloaded.current?.user.email).toBe('m@x.cn');
    reloaded.clear();
    expect(new Session(store).current).toBeNull();
    expect(store.items.size).toBe(0);
  });

  it('ignores a stored value that is not a session', () => {
    const store = new MemoryStore();
    store.setItem('credit-alliance.session.v1', '{"accessToken":1}');
    expect(new Session(store).current).toBeNull();
    store.setItem('credit-alliance.session.v1', 'not json');
    expect(new Session(store).current).toBeNull();
    store.setItem('credit-alliance.session.v1', JSON.stringify({ ...tokens(), user: { id: 'u', email: 'e', role: 'ROOT' } }));
    expect(new Session(store).current).toBeNull();
  });

  it('lives in memory when there is no storage', () => {
    const session = new Session(null);
    session.save(tokens());
    expect(session.current?.refreshToken).toBe('r1');
  });

  it("reads the access token's expiry to renew it before it ends", () => {
    expect(tokenExpiry(jwtExpiringAt(1_700_000_000))).toBe(1_700_000_000_000);
    expect(tokenExpiry('garbage')).toBeNull();
    const session = new Session(null);
    session.save(tokens(1_000));
    expect(session.expiresWithin(30_000, 950_000)).toBe(false);
    expect(session.expiresWithin(30_000, 975_000)).toBe(true);
  });
});
