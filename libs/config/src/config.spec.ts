import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config';

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('configuration', () => {
  it('starts on defaults in development with a generated secret', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/credit_alliance');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.queuePrefix).toBe('ca');
    expect(config.port).toBe(3000);
    expect(config.jwt.generated).toBe(true);
    expect(config.jwt.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('names each bad variable on its own line', () => {
    const found = problems({ DATABASE_URL: 'mysql://x/y', PORT: '70000', JWT_SECRET: 'short', QUEUE_PREFIX: 'a:b' });
    expect(found).toHaveLength(4);
    expect(found[0]).toMatch(/^DATABASE_URL: /);
    expect(found.some((p) => p.startsWith('PORT: must be between 1 and 65535'))).toBe(true);
    expect(found.some((p) => p.startsWith('JWT_SECRET: too short'))).toBe(true);
    expect(found.some((p) => p.startsWith('QUEUE_PREFIX: '))).toBe(true);
  });

  it('refuses production without JWT_SECRET', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual(['JWT_SECRET: required when NODE_ENV=production']);
  });

  it('rejects a malformed URL and a non-numeric port', () => {
    expect(problems({ REDIS_URL: 'not a url', PORT: 'abc' })).toEqual([
      'REDIS_URL: not a valid URL',
      'PORT: must be a whole number between 1 and 65535, got "abc"',
    ]);
  });

  it('needs both bootstrap admin variables, and a long password', () => {
    expect(problems({ BOOTSTRAP_ADMIN_EMAIL: 'a@b.cn' })[0]).toMatch(/set both or neither/);
    expect(problems({ BOOTSTRAP_ADMIN_EMAIL: 'a@b.cn', BOOTSTRAP_ADMIN_PASSWORD: 'short' })[0]).toMatch(/at least 12/);
    expect(loadConfig({ BOOTSTRAP_ADMIN_EMAIL: 'Admin@B.cn', BOOTSTRAP_ADMIN_PASSWORD: 'a-long-enough-pass' }).bootstrapAdmin).toEqual({
      email: 'admin@b.cn',
      password: 'a-long-enough-pass',
    });
  });

  it('reads the partner-check defaults and the public pages settings', () => {
    const config = loadConfig({ PORT: '3100' });
    expect(config.partnerChecks).toEqual({ contributionWindowMonths: 12, minTradeLines: 1, dailyLimit: 20 });
    expect(config.publicProfiles).toEqual({ baseUrl: 'http://localhost:3100', rateLimit: 120, rateWindowSeconds: 60, cacheMs: 2000 });
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://credit.example.cn/' }).publicProfiles.baseUrl).toBe('https://credit.example.cn');
    expect(problems({ PUBLIC_BASE_URL: 'https://credit.example.cn/profiles', PARTNER_CHECK_DAILY_LIMIT: '0', PUBLIC_PAGE_CACHE_MS: 'x' })).toEqual([
      'PARTNER_CHECK_DAILY_LIMIT: must be between 1 and 10000, got 0',
      'PUBLIC_BASE_URL: give the scheme, host and port only, got "https://credit.example.cn/profiles"',
      'PUBLIC_PAGE_CACHE_MS: must be a whole number between 0 and 60000, got "x"',
    ]);
  });
});
