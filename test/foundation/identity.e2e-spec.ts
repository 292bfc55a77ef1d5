import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { onlyError, randomCreditCode, TEST_PASSWORD } from '@app/testing';
import * as argon2 from 'argon2';
import { movableClock, type RunningApi, startApi } from '../support/api';
import { createWorld, signIn, type World } from '../support/world';

const REGISTER = `mutation($input: RegisterCompanyInput!) { registerCompany(input: $input) { id creditCode name consortium { id name } } }`;
const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { id email role company { id } consortium { id } bank { id } } }`;
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken user { id role } } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { id } } }`;

describe('identity and tenancy (GraphQL over HTTP)', () => {
  let api: RunningApi;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
  });
  afterAll(async () => api.close());

  it('an ADMIN creates a consortium, a bank, a company with a Chinese name, and users', async () => {
    const admin = world.admin.client;
    const { createConsortium } = await admin.ok<{ createConsortium: { id: string; name: string } }>(
      `mutation($input: CreateConsortiumInput!) { createConsortium(input: $input) { id name region industry } }`,
      { input: { name: `瑞安汽摩配产业联盟 ${Date.now()}`, region: '浙江省瑞安市', industry: '汽摩配' } },
    );
    expect(createConsortium.name).toMatch(/^瑞安汽摩配产业联盟/);

    const code = randomCreditCode();
    const { registerCompany } = await admin.ok<{ registerCompany: { id: string; creditCode: string; name: string; consortium: { id: string } } }>(REGISTER, {
      input: { consortiumId: createConsortium.id, creditCode: code.toLowerCase(), name: '  瑞安市塘下镇精工汽配有限公司  ' },
    });
    expect(registerCompany).toMatchObject({ creditCode: code, name: '瑞安市塘下镇精工汽配有限公司', consortium: { id: createConsortium.id } });

    const { company } = await admin.ok<{ company: { name: string } }>(`query($id: ID!) { company(id: $id) { name } }`, { id: registerCompany.id });
    expect(company.name).toBe('瑞安市塘下镇精工汽配有限公司');

    const email = `member-${Date.now()}@ruian.example.cn`;
    const { createUser } = await admin.ok<{ createUser: { role: string; company: { id: string } } }>(CREATE_USER, {
      input: { email, password: 'a long enough password', role: 'MEMBER', companyId: registerCompany.id },
    });
    expect(createUser).toMatchObject({ role: 'MEMBER', company: { id: registerCompany.id } });
    const login = await api.client.ok<{ login: { user: { role: string } } }>(LOGIN, { e: email.toUpperCase(), p: 'a long enough password' });
    expect(login.login.user.role).toBe('MEMBER');
  });

  it("stamps the audit entries of a new consortium, bank, company, user and API key with the API's clock", async () => {
    const admin = world.admin.client;
    const instant = new Date('2025-03-04T05:06:07.089Z');
    const apiClock = movableClock(api, instant);
    const ids: Record<string, string> = {};
    try {
      ids.consortium = (
        await admin.ok<{ createConsortium: { id: string } }>(`mutation($input: CreateConsortiumInput!) { createConsortium(input: $input) { id } }`, {
          input: { name: `乐清电气产业联盟 ${Date.now()}`, region: '浙江省乐清市', industry: '电气' },
        })
      ).createConsortium.id;
      ids.bank = (await admin.ok<{ createBank: { id: string } }>(`mutation($input: CreateBankInput!) { createBank(input: $input) { id } }`, { input: { name: `乐清农商银行 ${Date.now()}` } }))
        .createBank.id;
      ids.company = (
        await admin.ok<{ registerCompany: { id: string } }>(REGISTER, { input: { consortiumId: ids.consortium, creditCode: randomCreditCode(), name: '乐清市柳市镇电器有限公司' } })
      ).registerCompany.id;
      ids.user = (
        await admin.ok<{ createUser: { id: string } }>(CREATE_USER, {
          input: { email: `clock-${Date.now()}@yueqing.example.cn`, password: TEST_PASSWORD, role: 'MEMBER', companyId: ids.company },
        })
      ).createUser.id;
      ids.apiKey = (
        await admin.ok<{ createApiKey: { apiKey: { id: string } } }>(`mutation($b: ID!) { createApiKey(bankId: $b, name: "clock") { apiKey { id } } }`, { b: ids.bank })
      ).createApiKey.apiKey.id;
      await admin.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: ids.apiKey });
    } finally {
      apiClock.restore();
    }
    const entries: { action: string; at: Date }[] = await api.dataSource.query(
      `SELECT action, at FROM audit_log
        WHERE (action = 'consortium.created' AND consortium_id = $1)
           OR (action = 'bank.created' AND content::jsonb #>> '{details,bankId}' = $2)
           OR (action = 'company.registered' AND company_id = $3)
           OR (action = 'user.created' AND content::jsonb #>> '{details,userId}' = $4)
           OR (action IN ('apiKey.created', 'apiKey.revoked') AND content::jsonb #>> '{details,apiKeyId}' = $5)
        ORDER BY seq`,
      [ids.consortium, ids.bank, ids.company, ids.user, ids.apiKey],
    );
    expect(entries.map((e) => ({ action: e.action, at: e.at.toISOString() }))).toEqual(
      ['consortium.created', 'bank.created', 'company.registered', 'user.created', 'apiKey.created', 'apiKey.revoked'].map((action) => ({ action, at: instant.toISOString() })),
    );
  });

  it('refuses an invalid credit code naming the field, and a duplicate as CONFLICT', async () => {
    const admin = world.admin.client;
    const bad = onlyError(await admin.request(REGISTER, { input: { consortiumId: world.home.consortium.id, creditCode: '91330300MA2AYBGX0A', name: 'x' } }));
    expect(bad.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.creditCode' });
    const duplicate = onlyError(
      await admin.request(REGISTER, { input: { consortiumId: world.home.consortium.id, creditCode: world.home.companyA.creditCode, name: '重复公司' } }),
    );
    expect(duplicate.extensions?.code).toBe('CONFLICT');
  });

  it('lets a COORDINATOR register companies and create MEMBER users only in its own consortium', async () => {
    const coordinator = world.home.coordinator.client;
    const own = await coordinator.ok<{ registerCompany: { id: string } }>(REGISTER, {
      input: { consortiumId: world.home.consortium.id, creditCode: randomCreditCode(), name: '温州市龙湾区新会员鞋材厂' },
    });
    expect(own.registerCompany.id).toBeTruthy();
    const foreign = onlyError(
      await coordinator.request(REGISTER, { input: { consortiumId: world.other.consortium.id, creditCode: randomCreditCode(), name: 'x' } }),
    );
    expect(foreign.extensions?.code).toBe('FORBIDDEN');

    const member = await coordinator.ok<{ createUser: { role: string } }>(CREATE_USER, {
      input: { email: `m-${Date.now()}@x.cn`, password: 'another long password', role: 'MEMBER', companyId: own.registerCompany.id },
    });
    expect(member.createUser.role).toBe('MEMBER');
    const otherMember = onlyError(
      await coordinator.request(CREATE_USER, {
        input: { email: `m2-${Date.now()}@x.cn`, password: 'another long password', role: 'MEMBER', companyId: world.other.companyA.id },
      }),
    );
    expect(otherMember.extensions?.code).toBe('FORBIDDEN');
    const staff = onlyError(
      await coordinator.request(CREATE_USER, {
        input: { email: `c-${Date.now()}@x.cn`, password: 'another long password', role: 'COORDINATOR', consortiumId: world.home.consortium.id },
      }),
    );
    expect(staff.extensions?.code).toBe('FORBIDDEN');
  });

  it('answers createUser bad input with the field at fault, and writes nothing', async () => {
    const admin = world.admin.client;
    const email = `short-${Date.now()}@x.cn`;
    const short = onlyError(await admin.request(CREATE_USER, { input: { email, password: 'too short', role: 'ADMIN' } }));
    expect(short.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.password' });
    const noCompany = onlyError(await admin.request(CREATE_USER, { input: { email, password: 'long enough password', role: 'MEMBER' } }));
    expect(noCompany.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.companyId' });
    const unknown = onlyError(
      await admin.request(CREATE_USER, { input: { email, password: 'long enough password', role: 'MEMBER', companyId: '00000000-0000-4000-8000-000000000000' } }),
    );
    expect(unknown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.companyId' });
    const rows: unknown[] = await api.dataSource.query('SELECT 1 FROM users WHERE email = $1', [email]);
    expect(rows).toHaveLength(0);
  });

  it('me answers who the caller is; without a token it is UNAUTHENTICATED', async () => {
    const { me } = await world.home.memberA.client.ok<{ me: { id: string; role: string; company: { id: string } } }>(
      '{ me { id role company { id } consortium { id } bank { id } } }',
    );
    expect(me).toMatchObject({ id: world.home.memberA.user.id, role: 'MEMBER', company: { id: world.home.companyA.id } });
    expect(onlyError(await api.client.request('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
    expect(onlyError(await api.client.withToken('not.a.jwt').request('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rotates refresh tokens, and a reused one ends the session', async () => {
    const user = await world.factories.user('MEMBER', { companyId: world.home.companyB.id });
    const first = await api.client.ok<{ login: { refreshToken: string } }>(LOGIN, { e: user.email, p: TEST_PASSWORD });
    const second = await api.client.ok<{ refreshToken: { refreshToken: string; user: { id: string } } }>(REFRESH, { t: first.login.refreshToken });
    expect(second.refreshToken.user.id).toBe(user.id);
    // the first token again: theft assumed, the whole session ends
    expect(onlyError(await api.client.request(REFRESH, { t: first.login.refreshToken })).extensions?.code).toBe('UNAUTHENTICATED');
    // so the newest token of that session no longer works either
    expect(onlyError(await api.client.request(REFRESH, { t: second.refreshToken.refreshToken })).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rate-limits failed sign-ins per account, with the same answer for unknown emails', async () => {
    const user = await world.factories.user('MEMBER', { companyId: world.home.companyB.id });
    const wrong = onlyError(await api.client.request(LOGIN, { e: user.email, p: 'wrong password!!' }));
    const unknown = onlyError(await api.client.request(LOGIN, { e: `nobody-${Date.now()}@x.cn`, p: 'wrong password!!' }));
    expect(wrong.message).toBe(unknown.message);
    for (let i = 1; i < api.config.login.maxFailuresPerAccount; i += 1) await api.client.request(LOGIN, { e: user.email, p: 'wrong password!!' });
    const locked = onlyError(await api.client.request(LOGIN, { e: user.email, p: TEST_PASSWORD }));
    expect(locked.extensions?.code).toBe('UNAUTHENTICATED');
    expect(locked.message).toMatch(/Too many failed sign-in attempts/);
  });

  it('counts parallel guesses one by one: a burst at one account gets no more password checks than the limit', async () => {
    const user = await world.factories.user('MEMBER', { companyId: world.home.companyB.id });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => api.client.request(LOGIN, { e: user.email, p: `wrong guess ${i}` })));
    const messages = answers.map((a) => onlyError(a).message);
    expect(messages.filter((m) => /not correct/.test(m))).toHaveLength(api.config.login.maxFailuresPerAccount);
    expect(messages.filter((m) => /Too many failed sign-in attempts/.test(m))).toHaveLength(12 - api.config.login.maxFailuresPerAccount);
  });

  it('rate-limits failed sign-ins per address too, whichever accounts they try', async () => {
    // the run's other suites sign in from this address as well: the limit is set just above its count now
    const rows: { failures: number }[] = await api.dataSource.query(
      `SELECT failures FROM login_failures WHERE key LIKE 'address:%127.0.0.1' AND window_start > now() - make_interval(secs => $1)`,
      [api.config.login.windowSeconds],
    );
    const limited = await startApi({ LOGIN_MAX_FAILURES_PER_ADDRESS: String((rows[0]?.failures ?? 0) + 2) });
    try {
      const [a, b, c] = [0, 1, 2].map(() => world.factories.user('MEMBER', { companyId: world.home.companyB.id }));
      for (const user of [await a, await b]) await limited.client.request(LOGIN, { e: user.email, p: 'wrong password!!' });
      const refused = onlyError(await limited.client.request(LOGIN, { e: (await c).email, p: TEST_PASSWORD }));
      expect(refused.message).toMatch(/Too many failed sign-in attempts/);
      // the run's own limit is far away: the same sign-in works there
      expect((await api.client.request(LOGIN, { e: (await c).email, p: TEST_PASSWORD })).errors).toBeUndefined();
    } finally {
      await limited.close();
    }
  });

  it('counts parallel guesses from one address one by one, an IPv6 address by its /64, and gives a sign-in that works back', async () => {
    // the address comes from X-Forwarded-For (a proxy on loopback), one /64 of the documentation range of its own
    const limited = await startApi({ TRUST_PROXY: 'loopback', LOGIN_MAX_FAILURES_PER_ADDRESS: '3' });
    const group = (): string => Math.floor(Math.random() * 0xffff).toString(16);
    const network = `2001:db8:${group()}:${group()}`;
    const from = (address: string) => limited.client.withHeaders({ 'x-forwarded-for': address });
    try {
      const user = await world.factories.user('MEMBER', { companyId: world.home.companyB.id });
      // sign-ins that work are given back: more of them than the limit, from one network
      for (let i = 1; i <= 5; i += 1) expect((await from(`${network}::${i}`).request(LOGIN, { e: user.email, p: TEST_PASSWORD })).errors).toBeUndefined();

      const emails = Array.from({ length: 20 }, (_, i) => `spray-${i}-${Date.now()}@x.cn`);
      // 20 guesses at once at 20 accounts, each from another address of the same /64
      const answers = await Promise.all(emails.map((e, i) => from(`${network}:${(i + 1).toString(16)}::1`).request(LOGIN, { e, p: 'wrong password!!' })));
      const messages = answers.map((a) => onlyError(a).message);
      expect(messages.filter((m) => /not correct/.test(m))).toHaveLength(3);
      expect(messages.filter((m) => /Too many failed sign-in attempts/.test(m))).toHaveLength(17);
      // the refused ones checked no password, and count against no account
      const accounts: { failures: number }[] = await limited.dataSource.query(`SELECT failures FROM login_failures WHERE key = ANY($1::text[])`, [
        emails.map((e) => `account:${e}`),
      ]);
      expect(accounts.reduce((sum, row) => sum + row.failures, 0)).toBe(3);

      // any address of that /64 is refused, even with the right password; the next /64 is not
      expect(onlyError(await from(`${network}:ffff:ffff:ffff:ffff`).request(LOGIN, { e: user.email, p: TEST_PASSWORD })).message).toMatch(/Too many/);
      const neighbour = `2001:db8:${group()}:${group()}::1`;
      expect((await from(neighbour).request(LOGIN, { e: user.email, p: TEST_PASSWORD })).errors).toBeUndefined();
    } finally {
      await limited.close();
    }
  });

  it('signs in with any password createUser took: 200 emoji are 200 characters, 257 are too many', async () => {
    const email = `emoji-${Date.now()}@x.cn`;
    const password = '🔐'.repeat(200);
    await world.admin.client.ok(CREATE_USER, { input: { email, password, role: 'MEMBER', companyId: world.home.companyB.id } });
    const signedIn = await api.client.ok<{ login: { user: { role: string } } }>(LOGIN, { e: email, p: password });
    expect(signedIn.login.user.role).toBe('MEMBER');
    const tooLong = onlyError(
      await world.admin.client.request(CREATE_USER, { input: { email: `x${email}`, password: '🔐'.repeat(257), role: 'MEMBER', companyId: world.home.companyB.id } }),
    );
    expect(tooLong.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.password' });
    expect(tooLong.message).toMatch(/at most 256 characters/);
  });

  it('names the input path of a bad value written in the query itself', async () => {
    const field = async (query: string): Promise<unknown> => onlyError(await world.admin.client.request(query)).extensions?.field;
    expect(await field('mutation { login(email: 5, password: "not the password") { accessToken } }')).toBe('email');
    expect(await field(`{ inquiries(companyId: "${world.home.companyA.id}", limit: "ten") { id } }`)).toBe('limit');
    expect(await field('mutation { createUser(input: { email: "a@x.cn", password: "long enough password", role: NOPE }) { id } }')).toBe('input.role');
    expect(await field('mutation { createUser(input: { password: "long enough password", role: ADMIN }) { id } }')).toBe('input.email');
    expect(await field('mutation { createUser(input: { email: "a@x.cn", password: "long enough password", role: ADMIN, nickname: "x" }) { id } }')).toBe('input.nickname');
    // a missing argument and a bad variable, as before
    expect(await field('mutation { login(password: "not the password") { accessToken } }')).toBe('email');
    expect(onlyError(await world.admin.client.request(LOGIN, { e: 5, p: 'x' })).extensions?.field).toBe('e');
  });

  it('answers a refresh token of the right shape but no real id UNAUTHENTICATED, not as a failure of its own', async () => {
    for (const t of [`${'-'.repeat(36)}.${'A'.repeat(43)}`, `${'f'.repeat(36)}.${'A'.repeat(43)}`]) {
      expect(onlyError(await api.client.request(REFRESH, { t })).extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets a bank system authenticate with an API key, until it is revoked', async () => {
    const created = await world.admin.client.ok<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
      `mutation($b: ID!) { createApiKey(bankId: $b, name: "core banking") { apiKey { id prefix } secret } }`,
      { b: world.bank.id },
    );
    const secret = created.createApiKey.secret;
    const keyed = api.client.withHeaders({ 'x-api-key': secret });
    // an API key is a bank, not a user: it has no "me", but it is authenticated
    expect(onlyError(await keyed.request('{ me { id } }')).extensions?.code).toBe('FORBIDDEN');
    const stored: { key_hash: Buffer }[] = await api.dataSource.query('SELECT key_hash FROM api_keys WHERE id = $1', [created.createApiKey.apiKey.id]);
    expect(stored[0].key_hash.toString('utf8')).not.toContain(secret);
    await world.admin.client.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: created.createApiKey.apiKey.id });
    expect(onlyError(await keyed.request('{ me { id } }')).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('hashes passwords with argon2id at OWASP parameters', async () => {
    const rows: { password_hash: string }[] = await api.dataSource.query('SELECT password_hash FROM users WHERE id = $1', [world.home.memberA.user.id]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('upgrades a password hash made with weaker parameters at the next sign-in', async () => {
    const user = await world.factories.user('MEMBER', { companyId: world.home.companyB.id });
    const weak = await argon2.hash(TEST_PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await api.dataSource.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, weak]);
    const signedIn = await api.client.ok<{ login: { user: { id: string } } }>(LOGIN, { e: user.email, p: TEST_PASSWORD });
    expect(signedIn.login.user.id).toBe(user.id);
    const rows: { password_hash: string }[] = await api.dataSource.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(rows[0].password_hash).not.toBe(weak);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await argon2.verify(rows[0].password_hash, TEST_PASSWORD)).toBe(true);
  });

  it('signs in a user created through the API and the token carries its tenant', async () => {
    const signed = await signIn(api, world.home.coordinator.user);
    const { me } = await signed.client.ok<{ me: { consortium: { id: string } } }>('{ me { consortium { id } } }');
    expect(me.consortium.id).toBe(world.home.consortium.id);
  });
});
