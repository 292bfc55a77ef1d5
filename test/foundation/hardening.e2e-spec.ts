import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CoordinatorService } from '@api/coordinator/coordinator.service';
import { Factories, onlyError } from '@app/testing';
import WebSocket from 'ws';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, signIn, type World } from '../support/world';

/** A raw graphql-ws socket: what a client sends, frame by frame, and what comes back. */
interface RawSocket {
  /** the first error, next or complete message of operation `id`, or the connection_ack when no id */
  answer(id?: string, timeoutMs?: number): Promise<{ type: string; payload?: unknown }>;
  send(message: unknown): void;
  closed: Promise<number>;
  close(): void;
}

async function openSocket(baseUrl: string, init: string): Promise<RawSocket> {
  const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const messages: { id?: string; type: string; payload?: unknown }[] = [];
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('unexpected-response', () => reject(new Error('no WebSocket upgrade')));
  });
  ws.send(init);
  return {
    answer: async (id, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((m) => (id === undefined ? m.type === 'connection_ack' : m.id === id));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no answer to ${id ?? 'connection_init'}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    send: (message) => ws.send(JSON.stringify(message)),
    closed,
    close: () => ws.close(),
  };
}

async function signedInSocket(baseUrl: string, token: string): Promise<RawSocket> {
  const socket = await openSocket(baseUrl, JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await socket.answer();
  return socket;
}

describe('GraphQL hardening', () => {
  let api: RunningApi;
  let production: RunningApi;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    production = await startApi({ NODE_ENV: 'production' });
    world = await createWorld(api);
  });
  afterAll(async () => {
    await api.close();
    await production.close();
  });

  it('refuses a query deeper than the limit before running it', async () => {
    // company -> consortium -> members -> consortium -> members ... past the depth limit
    let selection = 'id';
    for (let i = 0; i < 6; i += 1) selection = `consortium { members { ${selection} } }`;
    const error = onlyError(await world.admin.client.request(`query($id: ID!) { company(id: $id) { ${selection} } }`, { id: world.home.companyA.id }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
    expect(error.message).toMatch(/levels deep; the limit is 10/);
  });

  it('refuses alias batching past the cap (e.g. 100 logins in one document)', async () => {
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: login(email: "x${i}@x.cn", password: "wrong-password") { accessToken }`).join(' ');
    const result = await api.client.request(`mutation { ${aliases} }`);
    const error = onlyError(result);
    expect(error.message).toMatch(/aliases; the limit is 30/);
    // nothing ran: no failed sign-in was counted for those accounts
    const counted: unknown[] = await api.dataSource.query(`SELECT 1 FROM login_failures WHERE key = 'account:x0@x.cn'`);
    expect(counted).toHaveLength(0);
  });

  it('stops parsing a huge anonymous document at its token limit: a quick 400 naming the query, and nothing runs', async () => {
    // a megabyte of `me { id }`: parsed and validated whole, it held the event loop for 1.5 s
    const query = `{ ${'me { id } '.repeat(100_000)} }`;
    expect(query.length).toBeGreaterThan(1_000_000);
    const started = Date.now();
    const response = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const body = (await response.json()) as { data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] };
    const elapsed = Date.now() - started;
    expect(response.status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
    expect(body.errors[0].message).toBe('The query has more than 5000 tokens; the limit is 5000');
    // no `me` resolver ran (it would have answered UNAUTHENTICATED, with data)
    expect(body.data).toBeUndefined();
    expect(elapsed).toBeLessThan(1_000);
  });

  it('refuses a query that costs more than the budget, and allows an ordinary one', async () => {
    // a list field is priced as 50 items: members of members of a consortium is 50 x 50 companies
    const ordinary = await world.admin.client.request(`query($id: ID!) { consortium(id: $id) { members { id name } } }`, { id: world.home.consortium.id });
    expect(ordinary.errors).toBeUndefined();
    const error = onlyError(
      await world.admin.client.request(`query($id: ID!) { consortium(id: $id) { members { consortium { members { id name creditCode } } } } }`, {
        id: world.home.consortium.id,
      }),
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
    expect(error.message).toMatch(/The query costs \d+; the limit is 2000/);
  });

  it('holds one stress test per query: a second, aliased, is over the budget and none runs', async () => {
    const coordinator = world.home.coordinator.client;
    const run = jest.spyOn(api.app.get(CoordinatorService), 'stressTest');
    try {
      const one = `stressTest(consortiumId: $id, defaulted: [$m]) { debtRank }`;
      const error = onlyError(await coordinator.request(`query($id: ID!, $m: ID!) { a: ${one} b: ${one} }`, { id: world.home.consortium.id, m: world.home.companyA.id }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
      expect(error.message).toMatch(/The query costs \d+; the limit is 2000/);
      expect(run).not.toHaveBeenCalled();
      // one alone is within it, and runs (whatever it answers for this world's members)
      const alone = await coordinator.request(`query($id: ID!, $m: ID!) { ${one} }`, { id: world.home.consortium.id, m: world.home.companyA.id });
      expect((alone.errors ?? []).map((e) => e.extensions?.field)).not.toContain('query');
      expect(run).toHaveBeenCalledTimes(1);
    } finally {
      run.mockRestore();
    }
  });

  it('refuses batched HTTP requests (an array of operations)', async () => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ ping }' }, { query: '{ ping }' }]),
    });
    expect(response.status).toBe(400);
  });

  it('prevents CSRF: a simple, url-encoded or multipart form post does not run, a mutation over GET is refused', async () => {
    const form = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: 'mutation { createBank(input: { name: "csrf" }) { id } }' }),
    });
    expect(form.status).toBe(400);
    // what an HTML form can send without a preflight: url-encoded and multipart bodies
    const urlEncoded = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: 'mutation { createBank(input: { name: "csrf" }) { id } }' }).toString(),
    });
    // refused by Apollo's CSRF prevention (no JSON content type, no preflight header)
    expect(urlEncoded.status).toBe(400);
    const multipart = new FormData();
    multipart.set('operations', JSON.stringify({ query: 'mutation { createBank(input: { name: "csrf" }) { id } }' }));
    multipart.set('map', '{}');
    const formData = await fetch(`${api.url}/graphql`, { method: 'POST', body: multipart });
    // no multipart parser is registered (no GraphQL uploads): 415 Unsupported Media Type
    expect(formData.status).toBe(415);
    const get = await fetch(`${api.url}/graphql?query=${encodeURIComponent('mutation { createBank(input: { name: "csrf" }) { id } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(405);
    const banks: unknown[] = await api.dataSource.query(`SELECT 1 FROM banks WHERE name = 'csrf'`);
    expect(banks).toHaveLength(0);
  });

  it('in production: no introspection, no "did you mean", no stack traces', async () => {
    const introspection = await production.client.request('{ __schema { types { name } } }');
    expect(introspection.errors?.length).toBeGreaterThan(0);
    const typo = await production.client.request('{ pingg }');
    expect(JSON.stringify(typo.errors)).not.toMatch(/Did you mean/);
    expect(JSON.stringify(typo.errors)).not.toMatch(/stacktrace/i);
    const landing = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await landing.text()).not.toMatch(/sandbox|Apollo Studio/i);
  });

  it('prices every list of members, also those answered from their parent: nested in another, they are refused', async () => {
    // each systemicRisk entry leads to a Company, its consortium and its standing again: with
    // such lists priced as one item, this returned 25 x members^2 companies within the budget
    const inner = Array.from({ length: 5 }, (_, i) => `b${i}: systemicRisk { company { id name creditCode } }`).join(' ');
    const outer = Array.from({ length: 5 }, (_, i) => `a${i}: systemicRisk { company { consortium { standing { ${inner} } } } }`).join(' ');
    const membersOfMembers = 'company { consortium { members { id name creditCode } } }';
    const documents = [
      `query($id: ID!) { consortium(id: $id) { standing { ${outer} } } }`,
      `query($id: ID!) { stressTest(consortiumId: $id, defaulted: []) { defaulted { consortium { members { id name creditCode } } } } }`,
      `query($id: ID!) { partnerCheckActivity(consortiumId: $id) { members { ${membersOfMembers} } } }`,
    ];
    for (const document of documents) {
      const error = onlyError(await world.home.coordinator.client.request(document, { id: world.home.consortium.id }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
      expect(error.message).toMatch(/The query costs \d+; the limit is 2000/);
    }
  });

  describe('over graphql-ws', () => {
    it('serves subscriptions only: a query or a mutation is refused with the way to HTTP, and does not run', async () => {
      const socket = await signedInSocket(api.url, world.home.memberA.token);
      socket.send({ id: 'q', type: 'subscribe', payload: { query: '{ me { id } }' } });
      socket.send({ id: 'm', type: 'subscribe', payload: { query: 'mutation { createBank(input: { name: "over-ws" }) { id } }' } });
      for (const id of ['q', 'm']) {
        const answer = await socket.answer(id);
        expect(answer.type).toBe('error');
        expect(answer.payload).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'query' } })]);
        expect(JSON.stringify(answer.payload)).toMatch(/Only subscriptions are served over graphql-ws: send a (query|mutation) as an HTTP POST to \/graphql/);
      }
      socket.close();
      const banks: unknown[] = await api.dataSource.query(`SELECT 1 FROM banks WHERE name = 'over-ws'`);
      expect(banks).toHaveLength(0);
    });

    it('applies the limits of HTTP to a subscription (here 40 aliases against 30)', async () => {
      const socket = await signedInSocket(api.url, world.home.memberA.token);
      const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: companyId`).join(' ');
      socket.send({ id: 'aliases', type: 'subscribe', payload: { query: `subscription { ratingChanged { ${aliases} } }` } });
      const answer = await socket.answer('aliases');
      expect(answer.type).toBe('error');
      expect(answer.payload).toEqual([expect.objectContaining({ message: 'The query uses 40 aliases; the limit is 30', extensions: { code: 'BAD_USER_INPUT', field: 'query' } })]);
      socket.close();
    });

    it('in production: no introspection and no "did you mean" over the socket either', async () => {
      const member = await signIn(production, await world.factories.user('MEMBER', { companyId: world.home.companyA.id }));
      const socket = await signedInSocket(production.url, member.token);
      socket.send({ id: 'schema', type: 'subscribe', payload: { query: '{ __schema { types { name } } }' } });
      socket.send({ id: 'typo', type: 'subscribe', payload: { query: 'subscription { ratingChangd { companyId } }' } });
      const schema = await socket.answer('schema');
      expect(schema.type).toBe('error');
      expect(JSON.stringify(schema.payload)).toMatch(/introspection/i);
      const typo = await socket.answer('typo');
      expect(typo.type).toBe('error');
      expect(JSON.stringify(typo.payload)).not.toMatch(/Did you mean/);
      expect(typo.payload).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
      socket.close();
    });

    it('closes a socket whose frame is too big (1009) before reading it, credentials or not', async () => {
      const big = JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer x', pad: 'x'.repeat(1024 * 1024) } });
      const socket = await openSocket(api.url, big);
      expect(await socket.closed).toBe(1009);
    });
  });
});

describe('Bull Board at /admin/queues: HTTP hardening', () => {
  let api: RunningApi;
  let token: string;

  beforeAll(async () => {
    api = await startApi();
    token = (await signIn(api, await new Factories(api.dataSource).user('ADMIN'))).token;
  });
  afterAll(async () => api.close());

  it('sends every answer (the page, its assets, its JSON API, a refusal) unframeable, unstored and unsniffed', async () => {
    const expected = {
      'x-frame-options': 'DENY',
      'content-security-policy': "frame-ancestors 'none'",
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    };
    const headersOf = (response: Response) => Object.fromEntries(Object.keys(expected).map((name) => [name, response.headers.get(name)]));
    const bearer = { authorization: `Bearer ${token}` };
    for (const [path, headers, status] of [
      ['', bearer, 200],
      ['/api/queues', bearer, 200],
      ['/static/images/logo.svg', bearer, 200],
      ['/api/queues', {}, 401],
    ] as const) {
      const response = await fetch(`${api.url}/admin/queues${path}`, { headers, redirect: 'manual' });
      expect([path, response.status, headersOf(response)]).toEqual([path, status, expected]);
    }
    // the page still loads under nosniff: its scripts and styles come with their own types
    const page = await (await fetch(`${api.url}/admin/queues`, { headers: bearer })).text();
    const assets = [...page.matchAll(/(?:src|href)="(static\/(?:js|css)\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(1);
    for (const asset of assets) {
      const response = await fetch(`${api.url}/admin/queues/${asset}`, { headers: bearer });
      expect([asset, response.status, response.headers.get('content-type')]).toEqual([asset, 200, expect.stringMatching(asset.endsWith('.css') ? /^text\/css/ : /^(application|text)\/javascript/)]);
    }
  });
});
