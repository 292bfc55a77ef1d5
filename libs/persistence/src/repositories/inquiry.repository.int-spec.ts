import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bank, Company, Consortium, User } from '@app/domain';
import { Factories, RatingFixtures, testConfig } from '@app/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../database';
import { INQUIRY_SEALED_COLUMNS } from '../migrations/1764700000000-cheaper-inquiry-sealing';
import { ConsentRepository } from './consent.repository';
import { InquiryRepository, type RatingReadItem } from './inquiry.repository';

describe('bank reads: consent check, inquiry and data in one statement (real PostgreSQL)', () => {
  let ds: DataSource;
  let f: Factories;
  let consortium: Consortium;
  let bankA: Bank;
  let bankB: Bank;
  let bankerA: User;
  let bankerB: User;
  const inquiries = new InquiryRepository();
  const consents = new ConsentRepository();
  const T = new Date('2026-06-01T08:00:00Z');

  beforeAll(async () => {
    ds = createDataSource(testConfig(), 'inquiry-int-spec');
    await ds.initialize();
    f = new Factories(ds);
    consortium = await f.consortium();
    [bankA, bankB] = [await f.bank(), await f.bank()];
    [bankerA, bankerB] = [await f.user('BANK', { bankId: bankA.id }), await f.user('BANK', { bankId: bankB.id })];
  });
  afterAll(async () => ds.destroy());

  async function consenting(bank: Bank, expiresAt: Date | null = null): Promise<Company> {
    const company = await f.company(consortium.id);
    const member = await f.user('MEMBER', { companyId: company.id });
    await consents.insert(ds.manager, { companyId: company.id, consortiumId: consortium.id, bankId: bank.id, scope: 'RATING', grantedBy: member.id, grantedAt: new Date(T.getTime() - 60_000), expiresAt });
    await new RatingFixtures(ds).rating(company);
    return company;
  }

  const item = (company: Company, bank: Bank, user: User): RatingReadItem => ({
    creditCode: company.creditCode,
    reader: { bankId: bank.id, userId: user.id, apiKeyId: null },
    purpose: 'LOAN_APPLICATION',
    channel: 'GRAPHQL',
  });

  async function inquiriesOf(companyId: string): Promise<{ bank_id: string; user_id: string }[]> {
    return ds.query('SELECT bank_id, user_id FROM inquiries WHERE company_id = $1 ORDER BY id', [companyId]);
  }

  it("reads of two banks in one statement: each bank gets exactly the companies that consent to it, and only its own inquiries are written", async () => {
    const onlyA = await consenting(bankA);
    const onlyB = await consenting(bankB);
    const answers = await inquiries.readRatings(
      ds.manager,
      [item(onlyA, bankA, bankerA), item(onlyA, bankB, bankerB), item(onlyB, bankA, bankerA), item(onlyB, bankB, bankerB)],
      ['RATING', 'REPORT'],
      T,
    );
    expect(answers.map((a) => a?.companyId ?? null)).toEqual([onlyA.id, null, null, onlyB.id]);
    expect(await inquiriesOf(onlyA.id)).toEqual([{ bank_id: bankA.id, user_id: bankerA.id }]);
    expect(await inquiriesOf(onlyB.id)).toEqual([{ bank_id: bankB.id, user_id: bankerB.id }]);
    expect(answers[0]?.rating?.grade).toBe('BBB');
  });

  it('the same company read twice in one statement is two reads, two inquiries', async () => {
    const c = await consenting(bankA);
    const [first, second] = await inquiries.readRatings(ds.manager, [item(c, bankA, bankerA), item(c, bankA, bankerA)], ['RATING'], T);
    expect(first?.inquiryId).toBeDefined();
    expect(first?.inquiryId).not.toBe(second?.inquiryId);
    expect(await inquiriesOf(c.id)).toHaveLength(2);
  });

  it('an expiry is exact: allowed until the instant before, refused at it', async () => {
    const expiresAt = new Date(T.getTime() + 3_600_000);
    const c = await consenting(bankA, expiresAt);
    expect((await inquiries.readRatings(ds.manager, [item(c, bankA, bankerA)], ['RATING'], new Date(expiresAt.getTime() - 1)))[0]).not.toBeNull();
    expect((await inquiries.readRatings(ds.manager, [item(c, bankA, bankerA)], ['RATING'], expiresAt))[0]).toBeNull();
    expect(await inquiriesOf(c.id)).toHaveLength(1);
    const refusal = await consents.explainRefusals(ds.manager, bankA.id, [c.creditCode], ['RATING'], expiresAt);
    expect(refusal.get(c.creditCode)).toMatchObject({ reason: 'EXPIRED', at: expiresAt });
  });

  it('a RATING consent does not open the report, and a refused report read writes nothing', async () => {
    const c = await consenting(bankA);
    const request = { reader: { bankId: bankA.id, userId: bankerA.id, apiKeyId: null }, purpose: 'LOAN_APPLICATION' as const, channel: 'GRAPHQL' as const, now: T };
    expect(await inquiries.record(ds.manager, c.creditCode, ['REPORT'], 'REPORT', request)).toBeNull();
    expect(await inquiriesOf(c.id)).toHaveLength(0);
    expect((await consents.explainRefusals(ds.manager, bankA.id, [c.creditCode], ['REPORT'], T)).get(c.creditCode)?.reason).toBe('SCOPE');
  });

  it('inquiries are append-only: only sealing may touch them, once', async () => {
    const c = await consenting(bankA);
    const [read] = await inquiries.readRatings(ds.manager, [item(c, bankA, bankerA)], ['RATING'], T);
    const id = read?.inquiryId as string;
    await expect(ds.query(`UPDATE inquiries SET purpose = 'MONITORING' WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(ds.query('DELETE FROM inquiries WHERE id = $1', [id])).rejects.toThrow(/append-only/);
    // a seal that also changes a column is no seal
    await expect(ds.query(`UPDATE inquiries SET audit_seq = 1, at = at + interval '1 second' WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await inquiries.markSealed(ds.manager, [id], 1);
    expect((await ds.query('SELECT audit_seq FROM inquiries WHERE id = $1', [id]))[0].audit_seq).toBe('1');
    await expect(ds.query('UPDATE inquiries SET audit_seq = 2 WHERE id = $1', [id])).rejects.toThrow(/append-only/);
    await expect(ds.query('UPDATE inquiries SET audit_seq = NULL WHERE id = $1', [id])).rejects.toThrow(/append-only/);
  });

  it("the sealing trigger's fast path names every column of inquiries but audit_seq", async () => {
    // the trigger lets a seal through without calling its function when none of these
    // columns changed: a column added to inquiries and missing here would go unguarded
    const columns: { column_name: string }[] = await ds.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'inquiries' AND column_name <> 'audit_seq'`,
    );
    expect(columns.map((c) => c.column_name).sort()).toEqual([...INQUIRY_SEALED_COLUMNS].sort());
    const [trigger]: { definition: string }[] = await ds.query(
      `SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger WHERE tgrelid = 'inquiries'::regclass AND tgname = 'inquiries_no_update'`,
    );
    for (const column of INQUIRY_SEALED_COLUMNS) expect(trigger.definition).toContain(`new.${column}`);
  });
});
