import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Factories, openTestDataSource } from '@app/testing';
import type { DataSource } from 'typeorm';
import { ConsentRepository } from './consent.repository';

describe('ConsentRepository: a bank\'s consents', () => {
  let ds: DataSource;
  const consents = new ConsentRepository();

  beforeAll(async () => {
    ds = await openTestDataSource();
  });
  afterAll(async () => ds.destroy());

  it('lists only the active ones before the limit, so newer ended consents never push an older active one out', async () => {
    const f = new Factories(ds);
    const consortium = await f.consortium();
    const bank = await f.bank();
    const member = await f.user('MEMBER', { companyId: (await f.company(consortium.id)).id, consortiumId: consortium.id });
    const now = new Date('2026-06-01T00:00:00Z');
    const day = (n: number) => new Date(now.getTime() + n * 86_400_000);
    const grant = async (grantedAt: Date, expiresAt: Date | null) => {
      const company = await f.company(consortium.id);
      return consents.insert(ds.manager, { companyId: company.id, consortiumId: consortium.id, bankId: bank.id, scope: 'RATING', grantedBy: member.id, grantedAt, expiresAt });
    };
    const active = await grant(day(-30), null);
    await grant(day(-20), day(-1)); // expired
    const revoked = await grant(day(-10), null);
    await consents.revoke(ds.manager, revoked.id, member.id, day(-5));

    expect((await consents.listByBank(ds.manager, bank.id, { activeAt: now, limit: 1, offset: 0 })).map((c) => c.id)).toEqual([active.id]);
    expect(await consents.listByBank(ds.manager, bank.id, { activeAt: now, limit: 10, offset: 0 })).toHaveLength(1);
    // the whole history, newest first
    expect((await consents.listByBank(ds.manager, bank.id, { limit: 10, offset: 0 })).map((c) => c.grantedAt)).toEqual([day(-10), day(-20), day(-30)]);
    expect((await consents.listByBank(ds.manager, bank.id, { limit: 1, offset: 1 })).map((c) => c.grantedAt)).toEqual([day(-20)]);
  });
});
