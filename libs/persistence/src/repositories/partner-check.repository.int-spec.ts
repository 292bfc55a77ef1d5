import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Company } from '@app/domain';
import { Factories, openTestDataSource } from '@app/testing';
import type { DataSource } from 'typeorm';
import { CreditRecordRepository } from './credit-record.repository';
import { PartnerCheckRepository } from './partner-check.repository';
import { PublicProfileRepository } from './public-profile.repository';

describe('partner-check and public-profile repositories (real PostgreSQL)', () => {
  let ds: DataSource;
  let f: Factories;
  let supplier: Company;
  let buyer: Company;
  const checks = new PartnerCheckRepository();
  const records = new CreditRecordRepository();
  const profiles = new PublicProfileRepository();

  let filer: string;

  /**
   * One trade experience version, filed by `reporter` on `side`, at `createdAt`, by one of its
   * people (`filedBy`), or by the platform itself (null: the daily run's overdue flag).
   */
  async function trade(side: 'SUPPLIER' | 'BUYER', reporter: Company | null, invoiceNo: string, createdAt: Date, filedBy: string | null = filer) {
    const payload = { side, creditorId: supplier.id, invoiceNo, amount: '1000.00', invoiceDate: '2025-01-01', dueDate: '2025-01-31', paidDate: '2025-01-31' };
    const recordId = await records.recordIdFor(ds.manager, 'TRADE_EXPERIENCE', { subject_id: buyer.id, side, counterparty_id: supplier.id, invoice_no: invoiceNo });
    return records.append(ds.manager, recordId, {
      kind: 'TRADE_EXPERIENCE',
      consortiumId: supplier.consortiumId,
      subjectId: buyer.id,
      reporterCompanyId: reporter?.id ?? null,
      reporterBankId: null,
      reporterRole: reporter ? 'MEMBER' : 'COORDINATOR',
      filedStatus: 'PENDING',
      payload,
      evidence: null,
      negative: false,
      noticeId: null,
      countsFrom: createdAt,
      endedOn: null,
      expiresOn: null,
      filedBy,
      createdAt,
    });
  }

  beforeAll(async () => {
    ds = await openTestDataSource();
    f = new Factories(ds);
    const consortium = await f.consortium();
    supplier = await f.company(consortium.id);
    buyer = await f.company(consortium.id);
    filer = (await f.user('MEMBER', { companyId: supplier.id })).id;
  });
  afterAll(async () => ds.destroy());

  it('counts as a contribution only receivables the company filed itself, in the window, not rejected', async () => {
    const recent = new Date('2026-06-01T00:00:00Z');
    await trade('SUPPLIER', supplier, 'IN-1', recent);
    await trade('SUPPLIER', supplier, 'IN-2', new Date('2024-01-01T00:00:00Z')); // before the window
    await trade('BUYER', buyer, 'IN-3', recent); // the buyer's payable: not the supplier's, not the buyer's contribution either
    await trade('SUPPLIER', null, 'IN-4', recent); // the coordinator's import
    const rejected = await trade('SUPPLIER', supplier, 'IN-5', recent);
    await records.setStatus(ds.manager, rejected, 'DISPUTED', { action: 'DISPUTE', actorId: null, at: recent });
    await records.setStatus(ds.manager, { ...rejected, status: 'DISPUTED' }, 'REJECTED', { action: 'RESOLVE_REJECTED', actorId: null, at: recent });
    // filed before the window, flagged overdue by the daily run in it: the platform's version is not the company's reporting
    await trade('SUPPLIER', supplier, 'IN-6', new Date('2024-01-01T00:00:00Z'));
    await trade('SUPPLIER', supplier, 'IN-6', recent, null);
    const counted = await checks.tradeLinesReported(ds.manager, [supplier.id, buyer.id], new Date('2025-06-01T00:00:00Z'));
    expect(Object.fromEntries(counted)).toEqual({ [supplier.id]: 1, [buyer.id]: 0 });
  });

  it('never lets concurrent checks past the daily limit', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => ds.transaction((tx) => checks.takeDailyCheck(tx, supplier.id, '2026-11-27', 5))));
    expect(results.filter((r) => r !== null).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(results.filter((r) => r === null)).toHaveLength(7);
    expect(Object.fromEntries(await checks.checksOnDay(ds.manager, [supplier.id, buyer.id], '2026-11-27'))).toEqual({ [supplier.id]: 5, [buyer.id]: 0 });
    // another day counts from zero
    expect(await checks.takeDailyCheck(ds.manager, supplier.id, '2026-11-28', 5)).toBe(1);
  });

  it('keeps the check log append-only', async () => {
    const logged = await checks.log(ds.manager, { consortiumId: supplier.consortiumId, checkerCompanyId: supplier.id, checkedBy: supplier.id, partnerCompanyId: buyer.id, at: new Date() });
    await expect(ds.query('DELETE FROM partner_checks WHERE id = $1', [logged.id])).rejects.toThrow(/append-only/);
    expect((await checks.checksOf(ds.manager, buyer.id, 10)).map((c) => c.id)).toContain(logged.id);
  });

  it('finds a page by slug only while published, and gives a slug to one company only', async () => {
    const at = new Date();
    const slug = `repo-${supplier.id.slice(0, 8)}`;
    await profiles.lockForChange(ds.manager, supplier.id, supplier.id, at);
    await profiles.save(ds.manager, supplier.id, { slug, fields: ['NAME'], published: true, publishedAt: at }, supplier.id, at);
    expect((await profiles.publishedSource(ds.manager, slug, '2026-11-27'))?.companyId).toBe(supplier.id);
    await profiles.save(ds.manager, supplier.id, { slug, fields: ['NAME'], published: false, publishedAt: null }, supplier.id, at);
    expect(await profiles.publishedSource(ds.manager, slug, '2026-11-27')).toBeNull();
    await profiles.lockForChange(ds.manager, buyer.id, buyer.id, at);
    await expect(profiles.save(ds.manager, buyer.id, { slug, fields: ['NAME'], published: true, publishedAt: at }, buyer.id, at)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });
});
