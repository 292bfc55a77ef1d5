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

  it('keeps access tokens to 15 minutes at most', () => {
    expect(loadConfig({ ACCESS_TOKEN_TTL_SECONDS: '900' }).jwt.accessTtlSeconds).toBe(900);
    expect(problems({ ACCESS_TOKEN_TTL_SECONDS: '901' })).toEqual([expect.stringMatching(/^ACCESS_TOKEN_TTL_SECONDS: must be between 60 and 900/)]);
  });

  it('leaves /metrics open unless METRICS_TOKEN is set, and refuses a token too weak or unsendable', () => {
    expect(loadConfig({}).metricsToken).toBeNull();
    expect(loadConfig({ METRICS_TOKEN: 'scrape-0123456789abcdef' }).metricsToken).toBe('scrape-0123456789abcdef');
    const problem = [expect.stringMatching(/^METRICS_TOKEN: use at least 16 printable ASCII characters/)];
    expect(problems({ METRICS_TOKEN: 'short' })).toEqual(problem);
    expect(problems({ METRICS_TOKEN: 'with a space 0123456789' })).toEqual(problem);
  });

  it('refuses production without JWT_SECRET', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual(['JWT_SECRET: required when NODE_ENV=production']);
  });

  it('lets a process that handles no tokens (the web console) start in production without JWT_SECRET', () => {
    expect(loadConfig({ NODE_ENV: 'production' }, { requireJwtSecret: false }).web.port).toBe(3002);
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

  it('takes only a bootstrap ADMIN that can sign in: the password and email rules of createUser and sign-in', () => {
    expect(problems({ BOOTSTRAP_ADMIN_EMAIL: 'a@b.cn', BOOTSTRAP_ADMIN_PASSWORD: 'p'.repeat(300) })).toEqual([
      'BOOTSTRAP_ADMIN_PASSWORD: must be at most 256 characters',
    ]);
    expect(problems({ BOOTSTRAP_ADMIN_EMAIL: `${'a'.repeat(60)}@${'b'.repeat(250)}.cn`, BOOTSTRAP_ADMIN_PASSWORD: 'a-long-enough-pass' })).toEqual([
      'BOOTSTRAP_ADMIN_EMAIL: must be at most 254 characters',
    ]);
    expect(problems({ BOOTSTRAP_ADMIN_EMAIL: 'not-an-address', BOOTSTRAP_ADMIN_PASSWORD: 'a-long-enough-pass' })).toEqual([
      'BOOTSTRAP_ADMIN_EMAIL: must be an email address',
    ]);
    // code points, as at sign-in: 200 emoji are 200 characters
    const emoji = '🔐'.repeat(200);
    expect(loadConfig({ BOOTSTRAP_ADMIN_EMAIL: ' Admin@B.cn ', BOOTSTRAP_ADMIN_PASSWORD: emoji }).bootstrapAdmin).toEqual({ email: 'admin@b.cn', password: emoji });
  });

  it('reads the partner-check defaults and the public pages settings', () => {
    const config = loadConfig({ PORT: '3100' });
    expect(config.partnerChecks).toEqual({ contributionWindowMonths: 12, minTradeLines: 1, dailyLimit: 20 });
    expect(config.publicProfiles).toEqual({ baseUrl: 'http://localhost:3100', rateLimit: 120, rateWindowSeconds: 60, cacheMs: 2000 });
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://credit.example.cn/' }).publicProfiles.baseUrl).toBe('https://credit.example.cn');
    expect(problems({ PUBLIC_BASE_URL: 'https://credit.example.cn/profiles', PARTNER_CHECK_DAILY_LIMIT: '0', PUBLIC_PAGE_CACHE_MS: 'x' })).toEqual([
      'PARTNER_CHECK_DAILY_LIMIT: must be between 1 and 10000, got 0',
      'PUBLIC_BASE_URL: give the base URL only (scheme, host and port), got "https://credit.example.cn/profiles"',
      'PUBLIC_PAGE_CACHE_MS: must be a whole number between 0 and 60000, got "x"',
    ]);
  });

  it('gives the web console its port and the API it forwards to', () => {
    expect(loadConfig({}).web).toEqual({ port: 3002, apiUrl: 'http://127.0.0.1:3000', trustProxy: false });
    expect(loadConfig({ WEB_PORT: '8080', API_URL: 'https://api.example.cn/', WEB_TRUST_PROXY: '10.0.0.1' }).web).toEqual({
      port: 8080,
      apiUrl: 'https://api.example.cn',
      trustProxy: ['10.0.0.1'],
    });
    // the API's TRUST_PROXY (trusting the console) is not the console's own
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).web.trustProxy).toBe(false);
    expect(problems({ WEB_PORT: '-1', API_URL: 'ftp://x' })).toEqual([
      'WEB_PORT: must be a whole number between 0 and 65535, got "-1"',
      'API_URL: must be a http:// or https:// URL, got protocol "ftp:"',
    ]);
    expect(problems({ API_URL: 'http://127.0.0.1:3000/graphql' })).toEqual([
      'API_URL: give the base URL only (scheme, host and port), got "http://127.0.0.1:3000/graphql"',
    ]);
  });

  it('trusts no proxy unless told which, and checks each one named', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,::1,fd00::/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', '::1', 'fd00::/8']);
    expect(problems({ TRUST_PROXY: 'everyone,10.0.0.0/33,300.1.1.1' })).toEqual([
      'TRUST_PROXY: "everyone" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal',
      'TRUST_PROXY: "10.0.0.0/33" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal',
      'TRUST_PROXY: "300.1.1.1" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal',
    ]);
    expect(problems({ TRUST_PROXY: ' , ' })).toEqual(['TRUST_PROXY: give addresses or ranges separated by commas, or false']);
  });

  it('checks the job schedulers every five minutes unless told otherwise', () => {
    expect(loadConfig({}).pipeline.schedulersCheckIntervalMs).toBe(300_000);
    expect(loadConfig({ SCHEDULERS_CHECK_INTERVAL_MS: '500' }).pipeline.schedulersCheckIntervalMs).toBe(500);
    expect(problems({ SCHEDULERS_CHECK_INTERVAL_MS: '0' })).toEqual(['SCHEDULERS_CHECK_INTERVAL_MS: must be between 100 and 3600000, got 0']);
  });
});
