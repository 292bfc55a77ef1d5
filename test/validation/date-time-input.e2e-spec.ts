import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Company } from '@app/domain';
import { onlyError } from '@app/testing';
import { type RunningApi, startApi } from '../support/api';
import { type SignedIn, createWorld, type World } from '../support/world';
import { freshCompany, GRANT } from '../bank/bank-support';

/**
 * A DateTime input is a full ISO-8601 instant or bad input. Anything else (a number, a boolean,
 * an enum-like word, an object, a list, a date without time or zone, an impossible date) must
 * answer BAD_USER_INPUT naming the field and write nothing: read as null, an expiry means
 * never, and a consent that expired would be replaced by one that does not.
 */
const BAD_LITERALS = ['5', 'true', 'TOMORROW', '{ a: 1 }'];
const BAD_VARIABLES: unknown[] = [[2030], 4102444800000, '2030-01-01', '2030-13-01T00:00:00Z'];
const VALID = '2030-01-01T00:00:00+08:00';
const VALID_UTC = '2029-12-31T16:00:00.000Z';

describe('DateTime input: a full ISO-8601 instant or bad input', () => {
  let api: RunningApi;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
  });
  afterAll(async () => api.close());

  const rowsOf = async (table: 'consents' | 'consent_requests', companyId: string): Promise<unknown[]> =>
    api.dataSource.query(`SELECT * FROM ${table} WHERE company_id = $1 ORDER BY id`, [companyId]);

  const expectRefused = (result: Awaited<ReturnType<SignedIn['client']['request']>>, field: string, what: string): void => {
    expect({ what, data: result.data ?? null }).toEqual({ what, data: null });
    expect({ what, extensions: onlyError(result).extensions }).toMatchObject({ what, extensions: { code: 'BAD_USER_INPUT', field } });
  };

  it('grantConsent: refuses a bad expiresAt, literal or variable, and the expiring consent stays', async () => {
    const { company, member } = await freshCompany(world);
    await member.client.ok(GRANT, { input: { bankId: world.bank.id, scope: 'RATING', expiresAt: '2029-06-01T00:00:00Z' } });
    const before = await rowsOf('consents', company.id);
    expect(before).toHaveLength(1);

    for (const literal of BAD_LITERALS) {
      const query = `mutation { grantConsent(input: { bankId: "${world.bank.id}", scope: RATING, expiresAt: ${literal} }) { id expiresAt } }`;
      expectRefused(await member.client.request(query), 'input.expiresAt', literal);
    }
    for (const value of BAD_VARIABLES) {
      expectRefused(await member.client.request(GRANT, { input: { bankId: world.bank.id, scope: 'RATING', expiresAt: value } }), 'input.expiresAt', JSON.stringify(value));
    }
    expect(await rowsOf('consents', company.id)).toEqual(before);

    const granted = await member.client.ok<{ grantConsent: { expiresAt: string; active: boolean } }>(GRANT, {
      input: { bankId: world.bank.id, scope: 'RATING', expiresAt: VALID },
    });
    expect(granted.grantConsent).toMatchObject({ expiresAt: VALID_UTC, active: true });
    const literal = await member.client.ok<{ grantConsent: { expiresAt: string } }>(
      `mutation { grantConsent(input: { bankId: "${world.bank.id}", scope: RATING, expiresAt: "${VALID}" }) { expiresAt } }`,
    );
    expect(literal.grantConsent.expiresAt).toBe(VALID_UTC);
  });

  it('requestConsent: refuses a bad expiresAt, literal or variable, and files no request', async () => {
    const { company } = await freshCompany(world);
    const REQUEST = 'mutation($input: RequestConsentInput!) { requestConsent(input: $input) { id status } }';
    const input = { creditCode: company.creditCode, scope: 'REPORT', purpose: 'LOAN_APPLICATION' };

    for (const literal of BAD_LITERALS) {
      const query = `mutation { requestConsent(input: { creditCode: "${company.creditCode}", scope: REPORT, purpose: LOAN_APPLICATION, expiresAt: ${literal} }) { id } }`;
      expectRefused(await world.banker.client.request(query), 'input.expiresAt', literal);
    }
    for (const value of BAD_VARIABLES) {
      expectRefused(await world.banker.client.request(REQUEST, { input: { ...input, expiresAt: value } }), 'input.expiresAt', JSON.stringify(value));
    }
    expect(await rowsOf('consent_requests', company.id)).toEqual([]);

    await world.banker.client.ok(REQUEST, { input: { ...input, expiresAt: VALID } });
    const rows: { requested_expires_at: Date }[] = await api.dataSource.query('SELECT requested_expires_at FROM consent_requests WHERE company_id = $1', [company.id]);
    expect(rows.map((r) => r.requested_expires_at.toISOString())).toEqual([VALID_UTC]);
  });

  it("acceptConsentRequest: refuses a bad expiresAt, literal or variable, never falling back to the bank's", async () => {
    const requested = async (): Promise<{ company: Company; member: SignedIn; id: string }> => {
      const { company, member } = await freshCompany(world);
      const { requestConsent } = await world.banker.client.ok<{ requestConsent: { id: string } }>(
        'mutation($input: RequestConsentInput!) { requestConsent(input: $input) { id } }',
        { input: { creditCode: company.creditCode, scope: 'REPORT', purpose: 'LOAN_APPLICATION', expiresAt: '2031-01-01T00:00:00Z' } },
      );
      return { company, member, id: requestConsent.id };
    };
    const { company, member, id } = await requested();
    const before = await rowsOf('consent_requests', company.id);

    for (const literal of BAD_LITERALS) {
      expectRefused(await member.client.request(`mutation { acceptConsentRequest(id: "${id}", expiresAt: ${literal}) { id } }`), 'expiresAt', literal);
    }
    const ACCEPT = 'mutation($id: ID!, $expiresAt: DateTime) { acceptConsentRequest(id: $id, expiresAt: $expiresAt) { id expiresAt active } }';
    for (const value of BAD_VARIABLES) {
      expectRefused(await member.client.request(ACCEPT, { id, expiresAt: value }), 'expiresAt', JSON.stringify(value));
    }
    expect(await rowsOf('consent_requests', company.id)).toEqual(before);
    expect(await rowsOf('consents', company.id)).toEqual([]);

    const accepted = await member.client.ok<{ acceptConsentRequest: { expiresAt: string; active: boolean } }>(ACCEPT, { id, expiresAt: VALID });
    expect(accepted.acceptConsentRequest).toEqual({ id: expect.any(String), expiresAt: VALID_UTC, active: true });

    const other = await requested();
    const literal = await other.member.client.ok<{ acceptConsentRequest: { expiresAt: string } }>(
      `mutation { acceptConsentRequest(id: "${other.id}", expiresAt: "${VALID}") { expiresAt } }`,
    );
    expect(literal.acceptConsentRequest.expiresAt).toBe(VALID_UTC);
  });
});
