import type { AppConfig } from '@app/config';
import { addDays, type Clock, type Company, CONSENT_SCOPES, monthsBefore, SystemClock, toCalendarDate } from '@app/domain';
import {
  AuditLogRepository,
  BankRepository,
  CompanyRepository,
  ConsentRepository,
  ConsortiumRepository,
  type Db,
  PartnerCheckRepository,
  UserRepository,
} from '@app/persistence';
import * as argon2 from 'argon2';
import type { DataSource } from 'typeorm';
import { DEMO_BANK, DEMO_CONSORTIUM, DEMO_LOGINS, DEMO_MEMBERS, DEMO_PASSWORD, demoCreditCode } from './demo-cluster';

const ARGON2 = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface SeedReport {
  readonly consortiumId: string;
  readonly companies: readonly Company[];
  /** The demo bank's id: the members' consent form asks for it. */
  readonly bankId: string;
  readonly created: number;
}

/**
 * Seeds the demo cluster; finds what an earlier run made instead of making it twice. The
 * login members consent to the demo bank (RATING and REPORT), as their own users would
 * through grantConsent, so that the BANK login can read them at once.
 */
export async function seedDemo(dataSource: DataSource, clock: Clock = new SystemClock()): Promise<SeedReport> {
  const consortia = new ConsortiumRepository();
  const companies = new CompanyRepository();
  const banks = new BankRepository();
  const users = new UserRepository();
  const consents = new ConsentRepository();
  const audit = new AuditLogRepository();
  const passwordHash = await argon2.hash(DEMO_PASSWORD, ARGON2);
  let created = 0;

  return dataSource.transaction(async (tx: Db) => {
    await tx.query('SELECT pg_advisory_xact_lock(7312004099)');
    let consortium = await consortia.findByName(tx, DEMO_CONSORTIUM.name);
    if (!consortium) {
      consortium = await consortia.insert(tx, DEMO_CONSORTIUM);
      created += 1;
    }
    let bank = await banks.findByName(tx, DEMO_BANK.name);
    if (!bank) {
      bank = await banks.insert(tx, DEMO_BANK);
      created += 1;
    }
    const members: Company[] = [];
    for (const [index, [name, region]] of DEMO_MEMBERS.entries()) {
      const code = demoCreditCode(index, region);
      let company = await companies.findByCreditCode(tx, code);
      if (!company) {
        company = await companies.insert(tx, consortium.id, { creditCode: code, name });
        created += 1;
      }
      members.push(company);
    }
    const ensureUser = async (
      email: string,
      role: 'ADMIN' | 'COORDINATOR' | 'MEMBER' | 'BANK',
      tenant: { companyId?: string; consortiumId?: string; bankId?: string },
    ): Promise<string> => {
      const found = await users.findCredentials(tx, email);
      if (found) return found.user.id;
      const user = await users.insert(tx, { email, passwordHash, role, companyId: tenant.companyId ?? null, consortiumId: tenant.consortiumId ?? null, bankId: tenant.bankId ?? null });
      created += 1;
      return user.id;
    };
    await ensureUser(DEMO_LOGINS.admin, 'ADMIN', {});
    await ensureUser(DEMO_LOGINS.coordinator, 'COORDINATOR', { consortiumId: consortium.id });
    await ensureUser(DEMO_LOGINS.bank, 'BANK', { bankId: bank.id });
    for (const [index, company] of members.slice(0, 4).entries()) {
      const memberId = await ensureUser(DEMO_LOGINS.member(index), 'MEMBER', { companyId: company.id });
      // what ConsentsService.grant writes: the consent, until revoked, and its audit entry
      for (const scope of CONSENT_SCOPES) {
        const now = clock.now();
        await consents.lockCompanyBank(tx, company.id, bank.id);
        if (await consents.hasActive(tx, company.id, bank.id, [scope], now)) continue;
        const consent = await consents.insert(tx, { companyId: company.id, consortiumId: company.consortiumId, bankId: bank.id, scope, grantedBy: memberId, grantedAt: now, expiresAt: null });
        await audit.append(
          tx,
          [
            {
              action: 'consent.granted',
              actorId: memberId,
              consortiumId: company.consortiumId,
              companyId: company.id,
              details: { consentId: consent.id, bankId: bank.id, scope, expiresAt: null, superseded: [], requestId: null },
            },
          ],
          now,
        );
        created += 1;
      }
    }
    return { consortiumId: consortium.id, companies: members, bankId: bank.id, created };
  });
}

async function graphql<T>(apiUrl: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const res = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status}`);
  return body.data;
}

/**
 * Partner checks are give to get: a member may check partners once its own people have
 * reported trade experiences (PartnerCheckRepository.tradeLinesReported), and the generated
 * history has no filer. Each login member that falls short files, through the API as its
 * own user (reportTradeExperience), as many paid-on-time invoices of a fellow member as its
 * consortium asks for. Returns how many it filed (none when they already qualify).
 */
export async function fileDemoTrade(
  dataSource: DataSource,
  config: AppConfig,
  apiUrl: string,
  companies: readonly Company[],
  clock: Clock = new SystemClock(),
): Promise<number> {
  const checks = new PartnerCheckRepository();
  const now = clock.now();
  const today = toCalendarDate(now);
  const logins = companies.slice(0, 4);
  const own = await checks.rules(dataSource.manager, logins[0].consortiumId);
  const rules = own ?? { contributionWindowMonths: config.partnerChecks.contributionWindowMonths, minTradeLines: config.partnerChecks.minTradeLines };
  const reported = await checks.tradeLinesReported(
    dataSource.manager,
    logins.map((c) => c.id),
    monthsBefore(now, rules.contributionWindowMonths),
  );
  let filed = 0;
  for (const [index, company] of logins.entries()) {
    const missing = rules.minTradeLines - (reported.get(company.id) ?? 0);
    if (missing <= 0) continue;
    const { login } = await graphql<{ login: { accessToken: string } }>(
      apiUrl,
      'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }',
      { email: DEMO_LOGINS.member(index), password: DEMO_PASSWORD },
    );
    // a fellow member without a demo login: its console is not the one being shown
    const debtor = companies[4 + (index % (companies.length - 4))];
    for (let n = 1; n <= missing; n += 1) {
      await graphql(
        apiUrl,
        'mutation Report($input: TradeExperienceInput!) { reportTradeExperience(input: $input) { id } }',
        {
          input: {
            debtorCreditCode: debtor.creditCode,
            invoiceNo: `DEMO-${today.replace(/-/g, '')}-${index + 1}-${n}`,
            amount: '128000.00',
            invoiceDate: addDays(today, -45),
            dueDate: addDays(today, -15),
            paidDate: addDays(today, -16),
          },
        },
        login.accessToken,
      );
      filed += 1;
    }
  }
  return filed;
}
