import type { Bank, Company, Consortium, Role, User } from '@app/domain';
import { ConsentRepository } from '@app/persistence';
import { Factories, GraphQLClient, TEST_PASSWORD } from '@app/testing';
import type { RunningApi } from './api';

export interface SignedIn {
  readonly user: User;
  readonly client: GraphQLClient;
  readonly token: string;
}

export interface Tenancy {
  readonly consortium: Consortium;
  /** two member companies of the consortium */
  readonly companyA: Company;
  readonly companyB: Company;
  readonly coordinator: SignedIn;
  readonly memberA: SignedIn;
  readonly memberB: SignedIn;
}

/**
 * A small platform for tests: two consortia with two members each, two banks, and a
 * signed-in user of every role for each tenant. Every name is unique to this world, so
 * tests running in parallel never see each other's rows.
 */
export interface World {
  readonly factories: Factories;
  readonly admin: SignedIn;
  readonly home: Tenancy;
  readonly other: Tenancy;
  readonly bank: Bank;
  readonly otherBank: Bank;
  readonly banker: SignedIn;
  readonly otherBanker: SignedIn;
  /** a third member of the home consortium that consents to `bank` (scopes RATING and REPORT) */
  readonly consented: { readonly company: Company; readonly member: SignedIn };
  signIn(user: User): Promise<SignedIn>;
}

export async function signIn(api: RunningApi, user: User): Promise<SignedIn> {
  const data = await api.client.ok<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
    { e: user.email, p: TEST_PASSWORD },
  );
  const token = data.login.accessToken;
  return { user, token, client: api.client.withToken(token) };
}

async function tenancy(api: RunningApi, f: Factories): Promise<Tenancy> {
  const consortium = await f.consortium();
  const [companyA, companyB] = [await f.company(consortium.id), await f.company(consortium.id)];
  const as = (role: Role, tenant: Parameters<Factories['user']>[1]) => f.user(role, tenant).then((u) => signIn(api, u));
  return {
    consortium,
    companyA,
    companyB,
    coordinator: await as('COORDINATOR', { consortiumId: consortium.id }),
    memberA: await as('MEMBER', { companyId: companyA.id }),
    memberB: await as('MEMBER', { companyId: companyB.id }),
  };
}

async function consentedCompany(api: RunningApi, f: Factories, consortiumId: string, bankId: string): Promise<World['consented']> {
  const company = await f.company(consortiumId);
  const member = await signIn(api, await f.user('MEMBER', { companyId: company.id }));
  for (const scope of ['RATING', 'REPORT'] as const) {
    await new ConsentRepository().insert(api.dataSource.manager, { companyId: company.id, consortiumId, bankId, scope, grantedBy: member.user.id, grantedAt: new Date(), expiresAt: null });
  }
  return { company, member };
}

export async function createWorld(api: RunningApi): Promise<World> {
  const factories = new Factories(api.dataSource);
  const bank = await factories.bank();
  const otherBank = await factories.bank();
  const home = await tenancy(api, factories);
  return {
    factories,
    admin: await signIn(api, await factories.user('ADMIN')),
    home,
    other: await tenancy(api, factories),
    bank,
    otherBank,
    banker: await signIn(api, await factories.user('BANK', { bankId: bank.id })),
    otherBanker: await signIn(api, await factories.user('BANK', { bankId: otherBank.id })),
    consented: await consentedCompany(api, factories, home.consortium.id, bank.id),
    signIn: (user) => signIn(api, user),
  };
}
