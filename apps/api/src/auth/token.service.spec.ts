import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { loadConfig } from '@app/config';
import { createSigner } from 'fast-jwt';
import { TokenService } from './token.service';

const config = loadConfig({ JWT_SECRET: 'unit-secret-unit-secret-unit-secret-0123456789' });
const tokens = new TokenService(config);
const actor = { kind: 'user', id: 'u1', role: 'MEMBER', companyId: 'c1', consortiumId: 'n1', bankId: null } as const;

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function rejects(token: string): Promise<string> {
  return tokens.verifyAccessToken(token).then(
    () => 'accepted',
    (error: Error) => error.message,
  );
}

describe('access tokens (RFC 8725)', () => {
  it('round-trips the caller', async () => {
    expect(await tokens.verifyAccessToken(await tokens.signAccessToken(actor, 's1'))).toEqual(actor);
  });

  it('issues access tokens that expire after the configured lifetime, 15 minutes by default', async () => {
    const token = await tokens.signAccessToken(actor, 's1');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { iat: number; exp: number };
    expect(config.jwt.accessTtlSeconds).toBe(900);
    expect(claims.exp - claims.iat).toBe(config.jwt.accessTtlSeconds);
  });

  it('refuses alg "none"', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ sub: 'u1', role: 'ADMIN', iss: config.jwt.issuer, aud: config.jwt.audience, iat: now, exp: now + 60 })}.`;
    expect(await rejects(token)).toBe('The access token is not valid');
  });

  it('refuses a token signed with another key, another issuer or audience, or another type', async () => {
    const other = createSigner({ key: 'another-secret-another-secret-another-secret', algorithm: 'HS256', header: { alg: 'HS256', typ: 'at+jwt' }, iss: config.jwt.issuer, aud: config.jwt.audience });
    expect(await rejects(other({ sub: 'u1', role: 'ADMIN' }))).toBe('The access token is not valid');
    const sign = (opts: Record<string, unknown>) =>
      createSigner({ key: config.jwt.secret, algorithm: 'HS256', iss: config.jwt.issuer, aud: config.jwt.audience, header: { alg: 'HS256', typ: 'at+jwt' }, ...opts })({ sub: 'u1', role: 'ADMIN' });
    expect(await rejects(sign({ iss: 'someone-else' }))).toBe('The access token is not valid');
    expect(await rejects(sign({ aud: 'another-api' }))).toBe('The access token is not valid');
    expect(await rejects(sign({ header: { alg: 'HS256', typ: 'refresh+jwt' } }))).toBe('The access token is not valid');
  });

  it('refuses an expired token beyond the 30 s skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64({ alg: 'HS256', typ: 'at+jwt' });
    const payload = b64({ sub: 'u1', role: 'ADMIN', iss: config.jwt.issuer, aud: config.jwt.audience, iat: now - 1000, exp: now - 120 });
    const signature = createHmac('sha256', config.jwt.secret).update(`${header}.${payload}`).digest('base64url');
    expect(await rejects(`${header}.${payload}.${signature}`)).toMatch(/expired/);
  });
});
