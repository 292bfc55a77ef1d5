import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Factories } from '@app/testing';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { type RunningApi, startApi } from '../support/api';
import { signIn, type SignedIn } from '../support/world';

const POOL = 3;
const ME = '{ me { id email } }';

/**
 * Every pooled connection taken (a slow query, a stuck transaction elsewhere in the process):
 * requests that need the database wait at most the pool's acquire timeout (5 s), then get a
 * clear, retryable SERVICE_UNAVAILABLE; nothing hangs, nothing leaks, and the API serves
 * again as soon as connections come back.
 */
describe('the connection pool exhausted', () => {
  let api: RunningApi;
  let member: SignedIn;
  let apiKey: string;
  let creditCode: string;

  beforeAll(async () => {
    api = await startApi({ DB_POOL_SIZE: String(POOL) });
    const f = new Factories(api.dataSource);
    const company = await f.company((await f.consortium()).id);
    creditCode = company.creditCode;
    member = await signIn(api, await f.user('MEMBER', { companyId: company.id }));
    const admin = await signIn(api, await f.user('ADMIN'));
    const created = await admin.client.ok<{ createApiKey: { secret: string } }>(`mutation($b: ID!) { createApiKey(bankId: $b, name: "core banking") { secret } }`, {
      b: (await f.bank()).id,
    });
    apiKey = created.createApiKey.secret;
  });
  afterAll(async () => api?.close());

  it('answers 100 concurrent reads, and a REST read with 503, SERVICE_UNAVAILABLE within the acquire timeout, then serves again, with no connection left idle in a transaction', async () => {
    expect((await member.client.request(ME)).errors).toBeUndefined();

    // hold every connection of the API's own pool, each inside an open transaction
    const held: QueryRunner[] = [];
    for (let i = 0; i < POOL; i++) {
      const runner = api.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      held.push(runner);
    }
    // seen from outside the pool: the API's connections, idle in their transactions
    const outside = new Client({ connectionString: api.config.databaseUrl });
    await outside.connect();
    const idleInTransaction = async (): Promise<number> =>
      (
        await outside.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND state LIKE 'idle in transaction%'`,
          [(api.dataSource.options as { applicationName?: string }).applicationName],
        )
      ).rows[0].n;
    const started = Date.now();
    let answers: Awaited<ReturnType<typeof member.client.request<{ me: { id: string } | null }>>>[];
    let rest: Response;
    try {
      expect(await idleInTransaction()).toBe(POOL);
      answers = await Promise.all(Array.from({ length: 100 }, () => member.client.request<{ me: { id: string } | null }>(ME)));
      // the REST face answers it as GraphQL does, with the status a client's retry logic reads
      rest = await fetch(`${api.url}/v1/ratings/${creditCode}?purpose=LOAN_APPLICATION`, { headers: { 'x-api-key': apiKey } });
    } finally {
      for (const runner of held) {
        await runner.rollbackTransaction();
        await runner.release();
      }
    }
    const took = Date.now() - started;
    expect(took).toBeLessThan(20_000);
    for (const answer of answers) {
      expect(answer.data?.me ?? null).toBeNull();
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true, errorId: expect.any(String) });
      expect(JSON.stringify(answer.errors)).not.toMatch(/timeout exceeded|pg-pool|at \w+ \(/);
    }
    expect(rest.status).toBe(503);
    expect(rest.headers.get('retry-after')).toBe('5');
    const restBody = (await rest.text()) as string;
    expect(JSON.parse(restBody)).toEqual({ code: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/retry in a few seconds/), errorId: expect.any(String), retryable: true });
    expect(restBody).not.toMatch(/timeout exceeded|pg-pool|at \w+ \(/);
    // a query that needs no database was never affected
    expect((await api.client.request('{ ping }')).data).toEqual({ ping: 'pong' });

    // connections back: the very next read is served
    expect((await member.client.ok<{ me: { id: string } }>(ME)).me.id).toBe(member.user.id);
    expect(await idleInTransaction()).toBe(0);
    await outside.end();
  }, 60_000);
});
