import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type RunningApi, startApi } from '../support/api';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

describe('operations', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => api.close());

  it('reports liveness and readiness of PostgreSQL and Redis', async () => {
    expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${api.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', details: { database: { status: 'up' }, redis: { status: 'up' } } });
  });

  it('names Redis when it is the one that is down', async () => {
    const lonely = await startApi({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const ready = await fetch(`${lonely.url}/health/ready`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { error: Record<string, { status: string }> };
      expect(Object.keys(body.error)).toEqual(['redis']);
      // reads from PostgreSQL keep working without Redis
      expect((await lonely.client.request('{ ping }')).data).toEqual({ ping: 'pong' });
    } finally {
      await lonely.close();
    }
  });

  it('exposes Prometheus metrics with GraphQL operations by their top-level field', async () => {
    await api.client.request('query Pinging { ping }');
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).toMatch(/ca_graphql_operation_duration_seconds_count\{operation="ping",type="query",outcome="ok"\} \d+/);
    expect(text).toMatch(/ca_api_process_cpu_user_seconds_total/);
  });

  it('keeps the GraphQL series bounded however many operation names anonymous callers invent', async () => {
    const series = async (): Promise<string[]> =>
      (await (await fetch(`${api.url}/metrics`)).text()).split('\n').filter((line) => line.startsWith('ca_graphql_operation_duration_seconds_count{'));
    const post = (query: string): Promise<Response> =>
      fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    // one of each shape first, so that only the invented names could add series below
    for (const query of ['{ ping }', '{ ping __typename }', '{ nowhere }']) await (await post(query)).text();
    const before = await series();
    for (let i = 0; i < 100; i += 1) {
      const name = `Op${i}_${Math.random().toString(36).slice(2)}`;
      const query = [`query ${name} { ping }`, `query ${name} { ...F } fragment F on Query { ping __typename }`, `query ${name} { nowhere }`][i % 3];
      await (await post(query)).text();
    }
    const after = await series();
    expect(after.filter((line) => !before.some((known) => line.startsWith(known.replace(/ \d+$/, ' '))))).toEqual([]);
    expect(after.join('\n')).not.toMatch(/Op\d+_/);
  });

  it('counts HTTP requests by method, route pattern and status, however many paths clients make up', async () => {
    const scrape = async (): Promise<string[]> =>
      (await (await fetch(`${api.url}/metrics`)).text()).split('\n').filter((line) => line.startsWith('ca_http_request_duration_seconds_count{'));
    expect((await fetch(`${api.url}/health/ready`)).status).toBe(200);
    await (await fetch(`${api.url}/v1/reports/91330300MA2AYBGX01/pdf`)).text();
    for (let i = 0; i < 20; i += 1) await (await fetch(`${api.url}/no-such-page-${i}-${Math.random().toString(36).slice(2)}`)).text();
    const lines = await scrape();
    const count = (labels: string): number => Number(lines.find((line) => line.startsWith(`ca_http_request_duration_seconds_count{${labels}}`))?.split(' ')[1] ?? 0);
    expect(count('method="GET",route="/health/ready",status="200"')).toBeGreaterThanOrEqual(1);
    // the pattern, not the credit code asked for
    expect(lines.some((line) => line.includes('route="/v1/reports/:creditCode/pdf"'))).toBe(true);
    expect(count('method="GET",route="(unmatched)",status="404"')).toBeGreaterThanOrEqual(20);
    expect(lines.join('\n')).not.toMatch(/no-such-page|91330300MA2AYBGX01/);
  });

  it('serves /metrics only with METRICS_TOKEN, when one is set', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const guarded = await startApi({ METRICS_TOKEN: token });
    try {
      const scrape = (authorization?: string): Promise<Response> => fetch(`${guarded.url}/metrics`, { headers: authorization ? { authorization } : {} });
      const anonymous = await scrape();
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await anonymous.text()).not.toMatch(/ca_api_/);
      expect((await scrape(`Bearer ${token}x`)).status).toBe(401);
      expect((await scrape(token)).status).toBe(401);
      const allowed = await scrape(`Bearer ${token}`);
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toMatch(/ca_api_process_cpu_user_seconds_total/);
    } finally {
      await guarded.close();
    }
  });

  it('gives each request an id in the x-request-id header', async () => {
    const response = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'trace-123' }, body: '{"query":"{ ping }"}' });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
  });

  it('refuses to start without its database, and says so', async () => {
    const failure = await run(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/api/src/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: '39871', LOG_LEVEL: 'silent', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' },
      timeout: 60_000,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/the API failed to start/);
  });

  it('stops at start on a bad variable, naming it on one line', async () => {
    const failure = await run(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/api/src/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: '99999', NODE_ENV: 'production', JWT_SECRET: '' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    const lines = (failure as { stderr: string }).stderr.trim().split('\n');
    expect(lines).toEqual(['configuration error: PORT: must be between 1 and 65535, got 99999', 'configuration error: JWT_SECRET: required when NODE_ENV=production']);
  });
});
