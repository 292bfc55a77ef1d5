import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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
    const sealers = [0, 1].map(() => new InquirySealer(config, ds, new InquiryRepository(), new AuditLogRepository()));

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

    const rows: { id: string; audit_seq: string | null }[] = await ds.query('SELECT id, audit_seq FROM inquiries WHERE company_id = $1', [company.id]);
    expect(rows).toHaveLength(written);
    expect(rows.filter((r) => r.audit_seq === null)).toEqual([]);
    const entries: { seq: string; inquiry_id: string }[] = await ds.query(
      `SELECT seq, content::jsonb -> 'details' ->> 'inquiryId' AS inquiry_id FROM audit_log WHERE action = 'inquiry.made' AND company_id = $1`,
      [company.id],
    );
    // one entry per inquiry, and each inquiry points at its own entry
    expect(entries).toHaveLength(written);
    const bySeq = new Map(entries.map((e) => [String(e.seq), e.inquiry_id]));
    for (const r of rows) expect(bySeq.get(String(r.audit_seq))).toBe(String(r.id));
    expect((await new AuditLogRepository().verify(ds.manager)).ok).toBe(true);
  });
});
