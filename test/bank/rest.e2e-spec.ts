import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomCreditCode } from '@app/testing';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';
import { BANK_RATING, fixtures, freshCompany, grant, inquiryCount } from './bank-support';

describe('the REST face for banks: GET /v1/ratings/{creditCode}', () => {
  let api: RunningApi;
  let world: World;
  let key: string;
  let keyId: string;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    const created = await world.admin.client.ok<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
      `mutation($b: ID!) { createApiKey(bankId: $b, name: "core banking (REST)") { apiKey { id } secret } }`,
      { b: world.bank.id },
    );
    key = created.createApiKey.secret;
    keyId = created.createApiKey.apiKey.id;
  });
  afterAll(async () => api.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${api.url}${path}`, { headers });

  it('answers what bankRating answers, with the API key, and records one inquiry (channel REST)', async () => {
    const { company, member } = await freshCompany(world);
    await fixtures(api).rating(company);
    await fixtures(api).standing(company.consortiumId, 'A');
    await grant(member, world.bank.id);

    const response = await get(`/v1/ratings/${company.creditCode}?purpose=LOAN_APPLICATION`, { 'x-api-key': key });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown> & { rating: Record<string, unknown>; inquiryId: string };
    expect(await inquiryCount(api, company.id)).toBe(1);
    const rows: { channel: string; api_key_id: string; purpose: string }[] = await api.dataSource.query(
      'SELECT channel, api_key_id, purpose FROM inquiries WHERE company_id = $1',
      [company.id],
    );
    expect(rows).toEqual([{ channel: 'REST', api_key_id: keyId, purpose: 'LOAN_APPLICATION' }]);

    // the same answer as GraphQL, field by field (but the inquiry and its time)
    const { bankRating } = await world.banker.client.ok<{ bankRating: Record<string, unknown> }>(BANK_RATING, { code: company.creditCode, purpose: 'LOAN_APPLICATION' });
    const strip = ({ inquiryId: _i, readAt: _r, ...rest }: Record<string, unknown>) => rest;
    expect(strip(body)).toEqual(strip(bankRating));
    expect(body.rating).toMatchObject({ grade: 'BBB', backed: { grade: 'A', notchesUplift: 1 } });

    // Authorization: ApiKey works as well
    const other = await get(`/v1/ratings/${company.creditCode}?purpose=MONITORING`, { authorization: `ApiKey ${key}` });
    expect(other.status).toBe(200);
    expect(await inquiryCount(api, company.id)).toBe(3);
  });

  it('refuses without a valid key (401), without consent (403) and bad input (400 naming the field), recording nothing', async () => {
    const { company, member } = await freshCompany(world);
    const path = `/v1/ratings/${company.creditCode}?purpose=ACCOUNT_REVIEW`;
    expect((await get(path)).status).toBe(401);
    const badKey = await get(path, { 'x-api-key': 'cak_not-a-real-key' });
    expect(badKey.status).toBe(401);
    expect(await badKey.json()).toMatchObject({ code: 'UNAUTHENTICATED' });

    const refused = await get(path, { 'x-api-key': key });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSENT_MISSING' });
    // a member's token is not a bank
    const asMember = await get(path, { authorization: `Bearer ${member.token}` });
    expect(asMember.status).toBe(403);
    expect(await inquiryCount(api, company.id)).toBe(0);

    const badCode = await get(`/v1/ratings/91330300MA2AYBGX0A?purpose=ACCOUNT_REVIEW`, { 'x-api-key': key });
    expect(badCode.status).toBe(400);
    expect(await badCode.json()).toMatchObject({ code: 'BAD_USER_INPUT', field: 'creditCode' });
    await grant(member, world.bank.id);
    const noPurpose = await get(`/v1/ratings/${company.creditCode}`, { 'x-api-key': key });
    expect(noPurpose.status).toBe(400);
    expect(await noPurpose.json()).toMatchObject({ code: 'BAD_USER_INPUT', field: 'purpose' });
    expect(await inquiryCount(api, company.id)).toBe(0);
    // an unknown company is refused like one without consent
    expect((await get(`/v1/ratings/${randomCreditCode()}?purpose=ACCOUNT_REVIEW`, { 'x-api-key': key })).status).toBe(403);
  });

  it('reads a portfolio in one call, each code answered or refused', async () => {
    const yes = await freshCompany(world);
    const no = await freshCompany(world);
    await grant(yes.member, world.bank.id, 'REPORT');
    const response = await fetch(`${api.url}/v1/ratings/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ creditCodes: [yes.company.creditCode, no.company.creditCode, 'nonsense'], purpose: 'MONITORING' }),
    });
    expect(response.status).toBe(200);
    const items = (await response.json()) as { creditCode: string; rating: { companyName: string } | null; error: { code: string } | null }[];
    expect(items.map((i) => [i.rating?.companyName ?? null, i.error?.code ?? null])).toEqual([
      [yes.company.name, null],
      [null, 'FORBIDDEN'],
      [null, 'BAD_USER_INPUT'],
    ]);
    expect(await inquiryCount(api, yes.company.id)).toBe(1);
    expect(await inquiryCount(api, no.company.id)).toBe(0);
  });

  it('answers every read and refusal Cache-Control: no-store (banks send X-Api-Key, which shared caches do not see as credentials)', async () => {
    const { company, member } = await freshCompany(world);
    const path = `/v1/ratings/${company.creditCode}?purpose=MONITORING`;
    const refused = await get(path, { 'x-api-key': key });
    expect([refused.status, refused.headers.get('cache-control')]).toEqual([403, 'no-store']);
    const unauthenticated = await get(path);
    expect([unauthenticated.status, unauthenticated.headers.get('cache-control')]).toEqual([401, 'no-store']);
    await fixtures(api).rating(company);
    await grant(member, world.bank.id);
    const read = await get(path, { 'x-api-key': key });
    expect([read.status, read.headers.get('cache-control')]).toEqual([200, 'no-store']);
    const batch = await fetch(`${api.url}/v1/ratings/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ creditCodes: [company.creditCode], purpose: 'MONITORING' }),
    });
    expect([batch.status, batch.headers.get('cache-control')]).toEqual([200, 'no-store']);
    // the OpenAPI document is public and the same for everyone: it may be cached
    expect((await get('/v1/openapi.json')).headers.get('cache-control')).toBeNull();
  });

  it('answers a body its parser refuses in the REST shape: not JSON (400), another content type (415), too large (413)', async () => {
    const post = (body: string, contentType = 'application/json') =>
      fetch(`${api.url}/v1/ratings/batch`, { method: 'POST', headers: { 'content-type': contentType, 'x-api-key': key }, body });
    const answer = async (response: Response) => [response.status, response.headers.get('cache-control'), await response.json()];

    expect(await answer(await post('{"creditCodes":'))).toEqual([400, 'no-store', { code: 'BAD_USER_INPUT', message: expect.stringMatching(/not valid JSON/), field: 'body' }]);
    expect(await answer(await post(''))).toEqual([400, 'no-store', expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'body' })]);
    expect(await answer(await post('<creditCodes/>', 'application/xml'))).toEqual([415, 'no-store', { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) }]);
    // the body limit is 2 MiB (bootstrap.ts)
    const large = JSON.stringify({ creditCodes: ['x'.repeat(2 * 1024 * 1024)], purpose: 'MONITORING' });
    expect(await answer(await post(large))).toEqual([413, 'no-store', { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) }]);
    // GraphQL keeps its own answer to a body that is not JSON
    const graphql = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
    expect(graphql.status).toBe(400);
    expect(await graphql.json()).not.toHaveProperty('code');
  });

  it('serves its OpenAPI document at /v1/openapi.json', async () => {
    const response = await get('/v1/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string; schema?: { enum?: string[] } }[] }>>;
      components: { securitySchemes: Record<string, { type: string; in: string; name: string }>; schemas: Record<string, unknown> };
    };
    expect(document.openapi).toMatch(/^3\./);
    const read = document.paths['/v1/ratings/{creditCode}'].get;
    expect(read.parameters?.find((p) => p.name === 'purpose')?.schema?.enum).toEqual(['LOAN_APPLICATION', 'ACCOUNT_REVIEW', 'MONITORING']);
    expect(document.paths['/v1/ratings/batch'].post).toBeDefined();
    expect(document.components.securitySchemes.apiKey).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }));
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['BankRatingResponse', 'CreditRatingDto', 'ErrorDto']));
    // only the REST face: GraphQL and health are not in it
    expect(Object.keys(document.paths).every((p) => p.startsWith('/v1/'))).toBe(true);
  });
});
