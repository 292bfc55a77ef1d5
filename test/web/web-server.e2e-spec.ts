import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { randomInt } from 'node:crypto';
import { type RunningApi, startApi } from '../support/api';
import { type RunningWeb, startWeb } from '../support/web';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** An HTTP call from a chosen loopback address (127.0.0.0/8 is all ours), as another browser would. */
function call(url: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: string; from?: string }): Promise<Answer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, method: options.method ?? 'GET', path: options.path, headers: options.headers, localAddress: options.from },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';

function login(web: RunningWeb, from: string, email: string, extraHeaders: Record<string, string> = {}): Promise<Answer> {
  return call(web.url, {
    method: 'POST',
    path: '/graphql',
    from,
    headers: { 'content-type': 'application/json', ...extraHeaders },
    body: JSON.stringify({ query: LOGIN, variables: { e: email, p: 'wrong password, long enough' } }),
  });
}

const loopback = (): string => `127.${randomInt(1, 250)}.${randomInt(1, 250)}.${randomInt(2, 250)}`;

describe('the console server', () => {
  let api: RunningApi;
  let web: RunningWeb;

  beforeAll(async () => {
    // the API trusts the console (on loopback) to name the browser's address
    api = await startApi({ TRUST_PROXY: 'loopback', LOGIN_MAX_FAILURES_PER_ADDRESS: '2', LOGIN_MAX_FAILURES_PER_ACCOUNT: '100' });
    web = await startWeb(api.config, api.url);
  });

  afterAll(async () => {
    await web?.close();
    await api?.close();
  });

  it('serves the page with a strict policy and revalidation', async () => {
    const page = await call(web.url, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html; charset=utf-8/i);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers.etag).toBeDefined();
    expect(page.body).toContain('lang="zh-CN"');
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
  });

  it('serves content-addressed assets as immutable JavaScript modules and CSS', async () => {
    const page = await call(web.url, { path: '/' });
    const script = /src="(\/assets\/[0-9a-f]{12}\/js\/main\.js)"/.exec(page.body)?.[1];
    const style = /href="(\/assets\/[0-9a-f]{12}\/styles\.css)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    const js = await call(web.url, { path: script as string });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-security-policy']).toBeDefined();
    const css = await call(web.url, { path: style as string });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('answers an unknown path with 404 and the same headers, and never lists folders or dotfiles', async () => {
    for (const path of ['/nope', '/assets/', '/assets/000000000000/js/main.js', '/.env', '/../package.json', '/assets/%2e%2e/%2e%2e/package.json']) {
      const answer = await call(web.url, { path });
      expect([403, 404]).toContain(answer.status);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      // a missing asset is never kept as if it were one (a build asked of the wrong instance)
      expect(answer.headers['cache-control']).not.toContain('immutable');
      expect(answer.body).not.toContain('"dependencies"');
    }
  });

  it('forwards GraphQL to the API and back, never to be cached', async () => {
    const answer = await call(web.url, { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: '{"query":"{ ping }"}' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ data: { ping: 'pong' } });
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['x-request-id']).toMatch(/^[\w.-]+$/);
  });

  it("keeps the API's CSRF prevention: a simple (form-like) POST is refused", async () => {
    const answer = await call(web.url, { method: 'POST', path: '/graphql', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ ping }"}' });
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain('pong');
  });

  it("counts failed sign-ins per browser address, not per console, and ignores the browser's own X-Forwarded-For", async () => {
    const attacker = loopback();
    const someoneElse = loopback();
    const first = await login(web, attacker, 'nobody-1@test.example.cn');
    expect(JSON.parse(first.body).errors[0].message).toBe('The email or password is not correct');
    // a forged header does not move the count to another address
    await login(web, attacker, 'nobody-2@test.example.cn', { 'x-forwarded-for': someoneElse });
    const locked = await login(web, attacker, 'nobody-3@test.example.cn', { 'x-forwarded-for': '203.0.113.7' });
    expect(JSON.parse(locked.body).errors[0].message).toMatch(/Too many failed sign-in attempts/);
    // another browser behind the same console is not locked out
    const other = await login(web, someoneElse, 'nobody-4@test.example.cn');
    expect(JSON.parse(other.body).errors[0].message).toBe('The email or password is not correct');
  });

  it('is live and ready while the API answers', async () => {
    expect((await call(web.url, { path: '/health/live' })).status).toBe(200);
    const ready = await call(web.url, { path: '/health/ready' });
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'ok', checks: { api: 'up' } });
  });

  it('answers in GraphQL terms when the API is down, and is then not ready', async () => {
    const orphan = await startWeb(api.config, 'http://127.0.0.1:9');
    try {
      const answer = await call(orphan.url, { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: '{"query":"{ ping }"}' });
      expect(answer.status).toBe(502);
      const body = JSON.parse(answer.body) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(body.errors[0].message).not.toMatch(/ECONNREFUSED|\bat\b.*:\d+:\d+/);
      expect((await call(orphan.url, { path: '/health/live' })).status).toBe(200);
      expect((await call(orphan.url, { path: '/health/ready' })).status).toBe(503);
    } finally {
      await orphan.close();
    }
  });
});
