import { randomBytes } from 'node:crypto';
import type { Bank, Company, Consortium, Role, User } from '@app/domain';
import { BankRepository, CompanyRepository, ConsortiumRepository, UserRepository } from '@app/persistence';
import * as argon2 from 'argon2';
import { DataSource, type EntityManager } from 'typeorm';
import { randomCreditCode } from './credit-codes';

/** A password every test user shares; long enough for the policy. */
export const TEST_PASSWORD = 'correct horse battery staple';

let cachedHash: Promise<string> | null = null;
/** One argon2id hash for all factory users (hashing is the slow part of a user). */
function passwordHash(): Promise<string> {
  cachedHash ??= argon2.hash(TEST_PASSWORD, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  return cachedHash;
}

function suffix(): string {
  return randomBytes(4).toString('hex');
}

/**
 * Rows straight into PostgreSQL through the repositories, for test set-up; through a
 * transaction's manager, rows a test rolls back afterwards.
 */
export class Factories {
  private readonly manager: EntityManager;

  constructor(db: DataSource | EntityManager) {
    this.manager = db instanceof DataSource ? db.manager : db;
  }

  consortium(overrides: Partial<Pick<Consortium, 'name' | 'region' | 'industry'>> = {}): Promise<Consortium> {
    return new ConsortiumRepository().insert(this.manager, {
      name: overrides.name ?? `温州鞋业联盟 ${suffix()}`,
      region: overrides.region ?? '浙江省温州市',
      industry: overrides.industry ?? '鞋业',
    });
  }

  company(consortiumId: string, overrides: Partial<Pick<Company, 'name' | 'creditCode'>> = {}): Promise<Company> {
    return new CompanyRepository().insert(this.manager, consortiumId, {
      creditCode: overrides.creditCode ?? randomCreditCode(),
      name: overrides.name ?? `温州市鹿城区测试鞋业有限公司${suffix()}`,
    });
  }

  /** A finished full recompute run as of `asOf`, to hold a trade pass; its id. */
  async tradePassRun(asOf: string): Promise<string> {
    const rows: { id: string }[] = await this.manager.query(
      `INSERT INTO full_recompute_runs (trigger, as_of, chunk_size, status) VALUES ('ADMIN', $1, 500, 'DONE') RETURNING id`,
      [asOf],
    );
    return rows[0].id;
  }

  bank(name = `温州测试银行 ${suffix()}`): Promise<Bank> {
    return new BankRepository().insert(this.manager, { name });
  }

  async user(role: Role, tenant: { companyId?: string; consortiumId?: string; bankId?: string } = {}): Promise<User> {
    return new UserRepository().insert(this.manager, {
      email: `${role.toLowerCase()}-${suffix()}@test.example.cn`,
      passwordHash: await passwordHash(),
      role,
      companyId: tenant.companyId ?? null,
      consortiumId: tenant.consortiumId ?? null,
      bankId: tenant.bankId ?? null,
    });
  }
}
