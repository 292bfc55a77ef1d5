import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SystemClock } from '@app/domain';
import { AuditLogRepository, ConsentRepository, createDataSource, InquiryRepository, type RatingReadItem } from '@app/persistence';
import { Factories, testConfig } from '@app/testing';
import type { DataSource } from 'typeorm';
import { InquirySealer } from './inquiry-sealer.service';

describe('sealing inquiries into the audit log while reads go on (real PostgreSQL)', () => {
  let ds: DataSource;
  const config = testConfig();

  beforeAll(async () => {
    ds = createDataSource(config, 'inquiry-sealer-int-spec');
    await ds.initialize();
  });
  afterAll(async () => ds.destroy());

  it('two sealers and four readers at once: every inquiry sealed exactly once, in a chain that verifies', async () => {
    const f = new Factories(ds);
    const consortium = await f.consortium();
    const company = await f.company(consortium.id);
    const member = await f.user('MEMBER', { companyId: company.id });
    const bank = await f.bank();
    const banker = await f.user('BANK', { bankId: bank.id });
    await new ConsentRepository().insert(ds.manager, { companyId: company.id, consortiumId: consortium.id, bankId: bank.id, scope: 'RATING', grantedBy: member.id, grantedAt: new Date(), expiresAt: null });
    const inquiries = new InquiryRepository();
    const item: RatingReadItem = { creditCode: company.creditCode, reader: { bankId: bank.id, userId: banker.id, apiKeyId: null }, purpose: 'MONITORING', channel: 'GRAPHQL' };
    const sealers = [0, 1].map(() => new InquirySealer(config, ds, new InquiryRepository(), new AuditLogRepository(), new SystemClock()));

    let reading = true;
    const readers = Array.from({ length: 4 }, async () => {
      let n = 0;
      while (reading) {
        await inquiries.readRatings(ds.manager, [item, item, item], ['RATING'], new Date());
        n += 3;
      }
      return n;
    });
    const sealing = sealers.map(async (s) => {
      while (reading) await s.sealBatch(50);
    });
    await new Promise((r) => setTimeout(r, 1_500));
    reading = false;
    const written = (await Promise.all(readers)).reduce((a, b) => a + b, 0);
    await Promise.all(sealing);
    await sealers[0].sealAll();

    const rows: { id: string; audit_seq: string | null }[] = await ds.query('SELECT id, audit_seq FROM inquiries WHERE company_id = $1 ORDER BY id', [company.id]);
    expect(rows).toHaveLength(written);
    expect(rows.filter((r) => r.audit_seq === null)).toEqual([]);
    // each seal covers exactly the inquiries that point at it, and their content
    const seals = new Map((await inquiries.seals(ds.manager)).map((s) => [s.seq, s]));
    for (const seq of new Set(rows.map((r) => Number(r.audit_seq)))) {
      const sealed = await inquiries.sealedBy(ds.manager, seq);
      expect(seals.get(seq)?.count).toBe(sealed.length);
    }
    expect(await sealers[0].verify()).toMatchObject({ ok: true, firstBrokenSeq: null });
    expect((await new AuditLogRepository().verify(ds.manager)).ok).toBe(true);
  });

  it('a changed inquiry breaks its seal, even when changed past the append-only trigger', async () => {
    const f = new Factories(ds);
    const consortium = await f.consortium();
    const company = await f.company(consortium.id);
    const member = await f.user('MEMBER', { companyId: company.id });
    const bank = await f.bank();
    const banker = await f.user('BANK', { bankId: bank.id });
    await new ConsentRepository().insert(ds.manager, { companyId: company.id, consortiumId: consortium.id, bankId: bank.id, scope: 'RATING', grantedBy: member.id, grantedAt: new Date(), expiresAt: null });
    const inquiries = new InquiryRepository();
    const sealer = new InquirySealer(config, ds, inquiries, new AuditLogRepository(), new SystemClock());
    const [read] = await inquiries.readRatings(
      ds.manager,
      [{ creditCode: company.creditCode, reader: { bankId: bank.id, userId: banker.id, apiKeyId: null }, purpose: 'LOAN_APPLICATION', channel: 'GRAPHQL' }],
      ['RATING'],
      new Date(),
    );
    await sealer.sealAll();
    const [{ audit_seq: seq }]: { audit_seq: string }[] = await ds.query('SELECT audit_seq FROM inquiries WHERE id = $1', [read?.inquiryId]);
    // what only the database's owner could do: switch the trigger off, rewrite the purpose
    const tamper = (purpose: string) =>
      ds.transaction(async (tx) => {
        await tx.query('ALTER TABLE inquiries DISABLE TRIGGER inquiries_no_update');
        await tx.query('UPDATE inquiries SET purpose = $2 WHERE id = $1', [read?.inquiryId, purpose]);
        await tx.query('ALTER TABLE inquiries ENABLE TRIGGER inquiries_no_update');
      });
    await tamper('MONITORING');
    try {
      expect(await sealer.verify()).toMatchObject({ ok: false, firstBrokenSeq: Number(seq) });
    } finally {
      await tamper('LOAN_APPLICATION');
    }
    expect((await sealer.verify()).ok).toBe(true);
  });
});
