import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { type Actor, Clock, type Company, ForbiddenError, FixedClock } from '@app/domain';
import { InquiryRepository, PersistenceModule } from '@app/persistence';
import { Factories, RatingFixtures, testConfig } from '@app/testing';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '@api/common/config.provider';
import { LoaderFactory } from '@api/common/loaders';
import { ConsentsModule } from '@api/consents/consents.module';
import { ConsentsService } from '@api/consents/consents.service';
import { PolicyModule } from '@api/policy/policy.module';
import { BankRatingsModule } from './bank-ratings.module';
import { BankRatingsService } from './bank-ratings.service';

const T = new Date('2026-03-01T09:00:00Z');
const clock = new FixedClock(T);
const config = testConfig({ BANK_READ_STATEMENTS: '2' });

@Global()
@Module({ providers: [{ provide: APP_CONFIG, useValue: config }, { provide: Clock, useValue: clock }, LoaderFactory], exports: [APP_CONFIG, Clock, LoaderFactory] })
class TestCoreModule {}

describe('bank reads with the clock in hand and many at once (service, real PostgreSQL)', () => {
  let moduleRef: TestingModule;
  let reads: BankRatingsService;
  let consentsService: ConsentsService;
  let ds: DataSource;
  let f: Factories;
  let bank: Actor;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TestCoreModule, PersistenceModule.forRoot(config, 'bank-ratings-int-spec'), PolicyModule, ConsentsModule, BankRatingsModule],
    }).compile();
    await moduleRef.init();
    reads = moduleRef.get(BankRatingsService);
    consentsService = moduleRef.get(ConsentsService);
    ds = moduleRef.get(DataSource);
    f = new Factories(ds);
    const b = await f.bank();
    const banker = await f.user('BANK', { bankId: b.id });
    bank = { kind: 'user', id: banker.id, role: 'BANK', companyId: null, consortiumId: null, bankId: b.id };
  });
  afterAll(async () => moduleRef.close());

  async function member(): Promise<{ company: Company; actor: Actor }> {
    const consortium = await f.consortium();
    const company = await f.company(consortium.id);
    const user = await f.user('MEMBER', { companyId: company.id });
    await new RatingFixtures(ds).rating(company);
    return { company, actor: { kind: 'user', id: user.id, role: 'MEMBER', companyId: company.id, consortiumId: consortium.id, bankId: null } };
  }

  const count = async (companyId: string) => Number((await ds.query('SELECT count(*) AS n FROM inquiries WHERE company_id = $1', [companyId]))[0].n);

  it('a consent that expires stops reads at its expiry, with no grace and no inquiry after', async () => {
    clock.set(T);
    const { company, actor } = await member();
    await consentsService.grant(actor, { bankId: bank.bankId as string, scope: 'RATING', expiresAt: new Date(T.getTime() + 3_600_000) });
    clock.advance(3_600_000 - 1);
    await expect(reads.read(bank, company.creditCode, 'LOAN_APPLICATION', 'GRAPHQL')).resolves.toMatchObject({ companyId: company.id });
    clock.advance(1);
    await expect(reads.read(bank, company.creditCode, 'LOAN_APPLICATION', 'GRAPHQL')).rejects.toMatchObject({ code: 'FORBIDDEN', details: { reason: 'CONSENT_EXPIRED' } });
    expect(await count(company.id)).toBe(1);
  });

  it('a revocation stops the very next read', async () => {
    clock.set(T);
    const { company, actor } = await member();
    const consent = await consentsService.grant(actor, { bankId: bank.bankId as string, scope: 'REPORT', expiresAt: null });
    await reads.read(bank, company.creditCode, 'ACCOUNT_REVIEW', 'REST');
    await consentsService.revoke(actor, consent.id);
    const refused = await reads.read(bank, company.creditCode, 'ACCOUNT_REVIEW', 'REST').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as ForbiddenError).details.reason).toBe('CONSENT_REVOKED');
    expect(await count(company.id)).toBe(1);
  });

  it('300 reads at once: 300 inquiries, each answer its own, in far fewer statements than reads', async () => {
    clock.set(T);
    const companies = await Promise.all(Array.from({ length: 6 }, () => member()));
    for (const c of companies) await consentsService.grant(c.actor, { bankId: bank.bankId as string, scope: 'RATING', expiresAt: null });
    const repository = moduleRef.get(InquiryRepository);
    const statements = jest.spyOn(repository, 'readRatings');
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => reads.read(bank, companies[i % 6].company.creditCode, 'MONITORING', 'GRAPHQL')));
    expect(answers.map((a, i) => a.companyId === companies[i % 6].company.id)).toEqual(answers.map(() => true));
    expect(new Set(answers.map((a) => a.inquiryId)).size).toBe(300);
    for (const c of companies) expect(await count(c.company.id)).toBe(50);
    expect(statements.mock.calls.length).toBeLessThan(300 / 5);
    statements.mockRestore();
  });

  it('a statement that fails fails every read it carried, and writes none of their inquiries', async () => {
    clock.set(T);
    const { company, actor } = await member();
    await consentsService.grant(actor, { bankId: bank.bankId as string, scope: 'RATING', expiresAt: null });
    const repository = moduleRef.get(InquiryRepository);
    const failing = jest.spyOn(repository, 'readRatings').mockRejectedValueOnce(new Error('connection lost'));
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => reads.read(bank, company.creditCode, 'MONITORING', 'GRAPHQL')));
    failing.mockRestore();
    const rejected = outcomes.filter((o) => o.status === 'rejected').length;
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(rejected).toBeGreaterThanOrEqual(1);
    // every answered read, and only those, has its inquiry
    expect(await count(company.id)).toBe(fulfilled);
  });
});
