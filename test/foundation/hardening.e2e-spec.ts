import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { onlyError } from '@app/testing';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';

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
});
