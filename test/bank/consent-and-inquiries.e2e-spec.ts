import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { onlyError, randomCreditCode } from '@app/testing';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';
import { BANK_RATING, fixtures, freshCompany, grant, GRANT, INQUIRIES, inquiryCount, REVOKE } from './bank-support';

describe('consent and bank reads (GraphQL over HTTP)', () => {
  let api: RunningApi;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
  });
  afterAll(async () => api.close());

  it('with consent, a bank reads the flat view, and each read writes exactly one inquiry the company sees', async () => {
    const { company, member } = await freshCompany(world);
    await fixtures(api).rating(company);
    await fixtures(api).standing(company.consortiumId, 'A');
    const consent = await member.client.ok<{ grantConsent: { id: string; active: boolean; company: { id: string }; bank: { id: string } } }>(GRANT, {
      input: { bankId: world.bank.id, scope: 'RATING' },
    });
    expect(consent.grantConsent).toMatchObject({ active: true, company: { id: company.id }, bank: { id: world.bank.id } });

    const { bankRating } = await world.banker.client.ok<{ bankRating: Record<string, unknown> & { rating: Record<string, unknown> } }>(BANK_RATING, {
      code: company.creditCode.toLowerCase(),
      purpose: 'LOAN_APPLICATION',
    });
    expect(bankRating).toMatchObject({
      creditCode: company.creditCode,
      companyName: company.name,
      consortiumName: world.home.consortium.name,
      consortiumGrade: 'A',
      rating: {
        score: 712,
        grade: 'BBB',
        pd: 0.0123,
        reasons: [
          { code: 'PAYMENT_DELAYS', descriptionZh: '平均逾期约15天付款' },
          { code: 'HIGH_LEVERAGE', description: 'Liabilities are high against equity' },
        ],
        factors: [
          { name: 'PAYMENT_BEHAVIOUR', score: 70, weight: 0.55 },
          { name: 'FINANCIAL_STRENGTH', score: 61.5, weight: 0.45 },
        ],
        backed: { grade: 'A', pd: 0.0081, notchesUplift: 1 },
        verifiedRecords: 14,
        modelVersion: 'test-model-1',
      },
    });
    expect(await inquiryCount(api, company.id)).toBe(1);

    await world.banker.client.ok(BANK_RATING, { code: company.creditCode, purpose: 'ACCOUNT_REVIEW' });
    expect(await inquiryCount(api, company.id)).toBe(2);

    const seen = await member.client.ok<{ inquiries: { id: string; bank: { id: string }; purpose: string; scope: string; readBy: string; channel: string }[] }>(
      INQUIRIES,
      { companyId: company.id },
    );
    expect(seen.inquiries.map((i) => i.purpose)).toEqual(['ACCOUNT_REVIEW', 'LOAN_APPLICATION']);
    expect(seen.inquiries[1]).toMatchObject({ id: bankRating.inquiryId, bank: { id: world.bank.id }, scope: 'RATING', readBy: 'USER', channel: 'GRAPHQL' });
    const coordinatorView = await world.home.coordinator.client.ok<{ inquiries: unknown[] }>(INQUIRIES, { companyId: company.id });
    expect(coordinatorView.inquiries).toHaveLength(2);
    // a page at a time: the whole log is reachable, however long
    const PAGE = 'query($companyId: ID!, $limit: Int, $offset: Int) { inquiries(companyId: $companyId, limit: $limit, offset: $offset) { id } }';
    const page = async (limit: number, offset: number) =>
      (await member.client.ok<{ inquiries: { id: string }[] }>(PAGE, { companyId: company.id, limit, offset })).inquiries.map((i) => i.id);
    expect([...(await page(1, 0)), ...(await page(1, 1))]).toEqual(seen.inquiries.map((i) => i.id));
    expect(await page(5, 2)).toEqual([]);
    for (const [limit, offset, field] of [[0, 0, 'limit'], [1001, 0, 'limit'], [1, -1, 'offset']] as const) {
      expect(onlyError(await member.client.request(PAGE, { companyId: company.id, limit, offset })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // nobody else sees them: a fellow member, another consortium's coordinator, the bank itself
    for (const outsider of [world.home.memberA, world.other.coordinator, world.banker]) {
      expect(onlyError(await outsider.client.request(INQUIRIES, { companyId: company.id })).extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('a company without a rating yet is still read (rating null), and the read is an inquiry', async () => {
    const { company, member } = await freshCompany(world);
    await grant(member, world.bank.id);
    const { bankRating } = await world.banker.client.ok<{ bankRating: { rating: unknown; consortiumGrade: unknown } }>(BANK_RATING, {
      code: company.creditCode,
      purpose: 'MONITORING',
    });
    expect(bankRating.rating).toBeNull();
    expect(await inquiryCount(api, company.id)).toBe(1);
  });

  it('refuses without consent, with an expired one, a revoked one, and for another bank: FORBIDDEN and no inquiry', async () => {
    const { company, member } = await freshCompany(world);
    await fixtures(api).rating(company);
    const read = (who = world.banker) => who.client.request(BANK_RATING, { code: company.creditCode, purpose: 'LOAN_APPLICATION' });

    const none = onlyError(await read());
    expect(none.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSENT_MISSING' });
    expect(await inquiryCount(api, company.id)).toBe(0);

    // another bank's consent does not let this one read, and the other bank's reads are its own
    await grant(member, world.otherBank.id);
    expect(onlyError(await read()).extensions?.code).toBe('FORBIDDEN');
    expect(await inquiryCount(api, company.id)).toBe(0);

    // an expired consent: granted yesterday until an hour ago
    const expired = await grant(member, world.bank.id, 'RATING', new Date(Date.now() + 3_600_000));
    await api.dataSource.query(`UPDATE consents SET granted_at = now() - interval '1 day', expires_at = now() - interval '1 hour' WHERE id = $1`, [expired.id]);
    expect(onlyError(await read()).extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSENT_EXPIRED' });
    expect(await inquiryCount(api, company.id)).toBe(0);

    // a fresh consent works once; revoked, the very next read is refused
    const active = await grant(member, world.bank.id);
    expect((await read()).errors).toBeUndefined();
    expect(await inquiryCount(api, company.id)).toBe(1);
    const revoked = await member.client.ok<{ revokeConsent: { active: boolean; revokedAt: string } }>(REVOKE, { id: active.id });
    expect(revoked.revokeConsent.active).toBe(false);
    expect(onlyError(await read()).extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSENT_REVOKED' });
    expect(await inquiryCount(api, company.id)).toBe(1);
    // the other bank's consent still stands, and it reads
    expect((await read(world.otherBanker)).errors).toBeUndefined();
    expect(await inquiryCount(api, company.id)).toBe(2);
  });

  it('revoking twice answers the same consent; another company cannot revoke it', async () => {
    const { member } = await freshCompany(world);
    const consent = await grant(member, world.bank.id);
    expect(onlyError(await world.home.memberA.client.request(REVOKE, { id: consent.id })).extensions?.code).toBe('FORBIDDEN');
    expect(onlyError(await world.home.coordinator.client.request(REVOKE, { id: consent.id })).extensions?.code).toBe('FORBIDDEN');
    const first = await member.client.ok<{ revokeConsent: { revokedAt: string } }>(REVOKE, { id: consent.id });
    const again = await member.client.ok<{ revokeConsent: { revokedAt: string } }>(REVOKE, { id: consent.id });
    expect(again.revokeConsent.revokedAt).toBe(first.revokeConsent.revokedAt);
  });

  it('a revocation and a grant for the same company and bank at once both go through (no deadlock)', async () => {
    const { company, member } = await freshCompany(world);
    const consent = await grant(member, world.bank.id);
    // a grant in progress: it holds the company and bank's lock and is about to supersede the active consent
    const granting = api.dataSource.createQueryRunner();
    await granting.connect();
    try {
      await granting.startTransaction();
      await granting.query(`SELECT pg_advisory_xact_lock(hashtextextended('consent:' || $1 || ':' || $2, 0))`, [company.id, world.bank.id]);
      const revoking = member.client.request(REVOKE, { id: consent.id });
      await new Promise((done) => setTimeout(done, 300)); // the revoke reaches its locks
      // the grant's supersede, as ConsentRepository.supersedeActive writes it
      await granting.query(`UPDATE consents SET revoked_at = now(), revoke_reason = 'SUPERSEDED' WHERE id = $1 AND revoked_at IS NULL`, [consent.id]);
      await granting.commitTransaction();
      const answer = await revoking;
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toMatchObject({ revokeConsent: { id: consent.id, active: false } });
    } finally {
      if (granting.isTransactionActive) await granting.rollbackTransaction();
      await granting.release();
    }
  });

  it('pages through a company\'s whole consent history and its requests; a bad page names its argument', async () => {
    const { company, member } = await freshCompany(world);
    // each grant for another bank adds a row; the oldest stays reachable
    const banks = [world.bank, world.otherBank, await world.factories.bank()];
    const granted = [];
    for (const bank of banks) granted.push(await grant(member, bank.id));
    const page = (limit: number, offset: number) =>
      member.client.ok<{ consents: { id: string }[] }>('query($c: ID!, $l: Int!, $o: Int!) { consents(companyId: $c, limit: $l, offset: $o) { id } }', { c: company.id, l: limit, o: offset });
    const pages = [(await page(2, 0)).consents, (await page(2, 2)).consents];
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    expect(pages.flat().map((c) => c.id).sort()).toEqual(granted.map((c) => c.id).sort());
    for (const [query, field] of [
      ['query($c: ID!) { consents(companyId: $c, offset: -1) { id } }', 'offset'],
      ['query($c: ID!) { consents(companyId: $c, limit: 0) { id } }', 'limit'],
      ['query($c: ID!) { consentRequests(companyId: $c, limit: 501) { id } }', 'limit'],
      ['query($c: ID!) { consentRequests(companyId: $c, offset: -5) { id } }', 'offset'],
    ]) {
      expect(onlyError(await member.client.request(query, { c: company.id })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(onlyError(await world.banker.client.request('{ bankConsents(offset: -1) { id } }')).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'offset' });
    expect(onlyError(await world.banker.client.request('{ bankConsentRequests(limit: 1001) { id } }')).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'limit' });
    const second = await world.banker.client.ok<{ bankConsents: { id: string }[] }>('{ bankConsents(limit: 1, offset: 1) { id } }');
    expect(second.bankConsents).toHaveLength(1);
  });

  it('a new grant for the same bank and scope replaces the active one', async () => {
    const { company, member } = await freshCompany(world);
    const first = await grant(member, world.bank.id);
    const second = await grant(member, world.bank.id);
    const { consents } = await member.client.ok<{ consents: { id: string; active: boolean; revokedAt: string | null }[] }>(
      'query($c: ID!) { consents(companyId: $c) { id active revokedAt } }',
      { c: company.id },
    );
    expect(consents.find((c) => c.id === second.id)).toMatchObject({ active: true, revokedAt: null });
    expect(consents.find((c) => c.id === first.id)?.active).toBe(false);
    // revoking the new one leaves nothing active: the replaced one does not come back
    await member.client.ok(REVOKE, { id: second.id });
    expect(onlyError(await world.banker.client.request(BANK_RATING, { code: company.creditCode, purpose: 'MONITORING' })).extensions?.code).toBe('FORBIDDEN');
  });

  it('only a MEMBER grants, for its own company; consents are listed to its members and coordinator only', async () => {
    const { company, member } = await freshCompany(world);
    for (const other of [world.home.coordinator, world.banker, world.admin]) {
      expect(onlyError(await other.client.request(GRANT, { input: { bankId: world.bank.id, scope: 'RATING' } })).extensions?.code).toBe('FORBIDDEN');
    }
    await grant(member, world.bank.id, 'REPORT');
    const list = 'query($c: ID!) { consents(companyId: $c) { id scope bank { name } company { creditCode } } }';
    expect((await member.client.ok<{ consents: unknown[] }>(list, { c: company.id })).consents).toHaveLength(1);
    expect((await world.home.coordinator.client.ok<{ consents: unknown[] }>(list, { c: company.id })).consents).toHaveLength(1);
    for (const other of [world.home.memberA, world.other.coordinator, world.banker, world.otherBanker]) {
      expect(onlyError(await other.client.request(list, { c: company.id })).extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('answers bad input with the field at fault, and writes nothing', async () => {
    const { company, member } = await freshCompany(world);
    const past = onlyError(await member.client.request(GRANT, { input: { bankId: world.bank.id, scope: 'RATING', expiresAt: new Date(Date.now() - 1000).toISOString() } }));
    expect(past.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.expiresAt' });
    const noBank = onlyError(await member.client.request(GRANT, { input: { bankId: '00000000-0000-4000-8000-000000000000', scope: 'RATING' } }));
    expect(noBank.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.bankId' });
    const rows: unknown[] = await api.dataSource.query('SELECT 1 FROM consents WHERE company_id = $1', [company.id]);
    expect(rows).toHaveLength(0);

    const badCode = onlyError(await world.banker.client.request(BANK_RATING, { code: '91330300MA2AYBGX0A', purpose: 'MONITORING' }));
    expect(badCode.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'creditCode' });
    const badPurpose = onlyError(await world.banker.client.request(BANK_RATING, { code: company.creditCode, purpose: 'CURIOSITY' }));
    expect(badPurpose.extensions?.code).toBe('BAD_USER_INPUT');
    // an unknown company looks exactly like one without consent: the bank learns nothing
    const unknown = onlyError(await world.banker.client.request(BANK_RATING, { code: randomCreditCode(), purpose: 'MONITORING' }));
    expect(unknown.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSENT_MISSING' });
  });

  it('bankRating is for banks only', async () => {
    const { company, member } = await freshCompany(world);
    await grant(member, world.bank.id);
    for (const other of [member, world.home.coordinator, world.admin]) {
      expect(onlyError(await other.client.request(BANK_RATING, { code: company.creditCode, purpose: 'MONITORING' })).extensions?.code).toBe('FORBIDDEN');
    }
    expect(onlyError(await api.client.request(BANK_RATING, { code: company.creditCode, purpose: 'MONITORING' })).extensions?.code).toBe('UNAUTHENTICATED');
    expect(await inquiryCount(api, company.id)).toBe(0);
  });

  it("a bank's system reads with its API key, and the inquiry says so", async () => {
    const { company, member } = await freshCompany(world);
    await grant(member, world.bank.id);
    const created = await world.admin.client.ok<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      `mutation($b: ID!) { createApiKey(bankId: $b, name: "core banking") { apiKey { id } secret } }`,
      { b: world.bank.id },
    );
    const keyed = api.client.withHeaders({ authorization: `ApiKey ${created.createApiKey.secret}` });
    await keyed.ok(BANK_RATING, { code: company.creditCode, purpose: 'ACCOUNT_REVIEW' });
    const rows: { api_key_id: string; user_id: string | null }[] = await api.dataSource.query('SELECT api_key_id, user_id FROM inquiries WHERE company_id = $1', [
      company.id,
    ]);
    expect(rows).toEqual([{ api_key_id: created.createApiKey.apiKey.id, user_id: null }]);
    const { inquiries } = await member.client.ok<{ inquiries: { readBy: string }[] }>(INQUIRIES, { companyId: company.id });
    expect(inquiries[0].readBy).toBe('API_KEY');
  });

  it('an API key for a bank id that names no bank is bad input naming bankId, and no key is made', async () => {
    const nobody = '00000000-0000-4000-8000-000000000000';
    const refused = onlyError(await world.admin.client.request('mutation($b: ID!) { createApiKey(bankId: $b, name: "nobody") { secret } }', { b: nobody }));
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bankId' });
    const rows: unknown[] = await api.dataSource.query('SELECT 1 FROM api_keys WHERE bank_id = $1', [nobody]);
    expect(rows).toHaveLength(0);
  });

  it('a batch read answers or refuses each code on its own, one inquiry per answer', async () => {
    const consented = await freshCompany(world);
    const alsoConsented = await freshCompany(world, world.other.consortium.id);
    const notConsented = await freshCompany(world);
    await grant(consented.member, world.bank.id);
    await grant(alsoConsented.member, world.bank.id, 'REPORT');
    await fixtures(api).rating(consented.company, { grade: 'A', score: 780 });
    const query = `query($codes: [String!]!) { bankRatings(creditCodes: $codes, purpose: MONITORING) { creditCode view { companyName rating { grade } } error { code message } } }`;
    const codes = [consented.company.creditCode, 'NOT-A-CODE', notConsented.company.creditCode, alsoConsented.company.creditCode, consented.company.creditCode];
    const { bankRatings } = await world.banker.client.ok<{
      bankRatings: { creditCode: string; view: { companyName: string; rating: { grade: string } | null } | null; error: { code: string } | null }[];
    }>(query, { codes });
    expect(bankRatings.map((r) => r.creditCode)).toEqual(codes);
    expect(bankRatings[0]).toMatchObject({ view: { companyName: consented.company.name, rating: { grade: 'A' } }, error: null });
    expect(bankRatings[1]).toMatchObject({ view: null, error: { code: 'BAD_USER_INPUT' } });
    expect(bankRatings[2]).toMatchObject({ view: null, error: { code: 'FORBIDDEN' } });
    expect(bankRatings[3]).toMatchObject({ view: { companyName: alsoConsented.company.name, rating: null }, error: null });
    // the same code twice is read once
    expect(await inquiryCount(api, consented.company.id)).toBe(1);
    expect(await inquiryCount(api, alsoConsented.company.id)).toBe(1);
    expect(await inquiryCount(api, notConsented.company.id)).toBe(0);

    const tooMany = Array.from({ length: 501 }, () => randomCreditCode());
    expect(onlyError(await world.banker.client.request(query, { codes: tooMany })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'creditCodes' });
  });

  it('a bank requests consent; the company sees the request and accepts or declines it', async () => {
    const { company, member } = await freshCompany(world);
    const REQUEST = `mutation($input: RequestConsentInput!) { requestConsent(input: $input) { id status creditCode companyName bank { id } scope purpose message } }`;
    const requested = await world.banker.client.ok<{ requestConsent: { id: string; status: string } }>(REQUEST, {
      input: { creditCode: company.creditCode, scope: 'REPORT', purpose: 'LOAN_APPLICATION', message: '贷款申请 2026-118' },
    });
    expect(requested.requestConsent).toMatchObject({ status: 'PENDING', companyName: company.name });
    const again = onlyError(await world.banker.client.request(REQUEST, { input: { creditCode: company.creditCode, scope: 'REPORT', purpose: 'LOAN_APPLICATION' } }));
    expect(again.extensions?.code).toBe('CONFLICT');
    expect(onlyError(await world.banker.client.request(REQUEST, { input: { creditCode: randomCreditCode(), scope: 'RATING', purpose: 'LOAN_APPLICATION' } })).extensions)
      .toMatchObject({ code: 'NOT_FOUND', field: 'input.creditCode' });

    const LIST = `query($c: ID!) { consentRequests(companyId: $c, status: PENDING) { id bank { id } message } }`;
    const seen = await member.client.ok<{ consentRequests: { id: string; message: string }[] }>(LIST, { c: company.id });
    expect(seen.consentRequests).toEqual([{ id: requested.requestConsent.id, bank: { id: world.bank.id }, message: '贷款申请 2026-118' }]);
    expect(onlyError(await world.home.memberA.client.request(LIST, { c: company.id })).extensions?.code).toBe('FORBIDDEN');
    // the bank cannot accept its own request
    const ACCEPT = `mutation($id: ID!) { acceptConsentRequest(id: $id) { id scope active } }`;
    expect(onlyError(await world.banker.client.request(ACCEPT, { id: requested.requestConsent.id })).extensions?.code).toBe('FORBIDDEN');
    const accepted = await member.client.ok<{ acceptConsentRequest: { scope: string; active: boolean } }>(ACCEPT, { id: requested.requestConsent.id });
    expect(accepted.acceptConsentRequest).toMatchObject({ scope: 'REPORT', active: true });
    expect(onlyError(await member.client.request(ACCEPT, { id: requested.requestConsent.id })).extensions?.code).toBe('CONFLICT');
    await world.banker.client.ok(BANK_RATING, { code: company.creditCode, purpose: 'LOAN_APPLICATION' });

    const mine = await world.banker.client.ok<{ bankConsentRequests: { id: string; status: string }[]; bankConsents: { creditCode: string; scope: string; active: boolean }[] }>(
      '{ bankConsentRequests { id status } bankConsents(activeOnly: true) { creditCode scope active } }',
    );
    expect(mine.bankConsentRequests.find((r) => r.id === requested.requestConsent.id)?.status).toBe('ACCEPTED');
    expect(mine.bankConsents).toContainEqual({ creditCode: company.creditCode, scope: 'REPORT', active: true });
    // the other bank sees none of it
    const theirs = await world.otherBanker.client.ok<{ bankConsentRequests: { id: string }[] }>('{ bankConsentRequests { id } }');
    expect(theirs.bankConsentRequests.find((r) => r.id === requested.requestConsent.id)).toBeUndefined();

    const second = await world.otherBanker.client.ok<{ requestConsent: { id: string } }>(REQUEST, {
      input: { creditCode: company.creditCode, scope: 'RATING', purpose: 'ACCOUNT_REVIEW' },
    });
    const declined = await member.client.ok<{ declineConsentRequest: { status: string; declineReason: string } }>(
      'mutation($id: ID!) { declineConsentRequest(id: $id, reason: "不需要") { status declineReason } }',
      { id: second.requestConsent.id },
    );
    expect(declined.declineConsentRequest).toEqual({ status: 'DECLINED', declineReason: '不需要' });
    expect(onlyError(await world.otherBanker.client.request(BANK_RATING, { code: company.creditCode, purpose: 'ACCOUNT_REVIEW' })).extensions?.code).toBe('FORBIDDEN');
  });
});
