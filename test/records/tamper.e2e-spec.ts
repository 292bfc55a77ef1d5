import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditLogRepository } from '@app/persistence';
import { onlyError } from '@app/testing';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';
import { CONFIRM, reportTrade } from './records-support';

const LEDGER = `{ verifyRecordLedger { ok versionsChecked auditChain { ok firstBrokenSeq reason } problems { kind recordId version problem } } }`;
const CHAIN = `{ verifyAuditLog { ok firstBrokenSeq reason } }`;

interface Ledger {
  readonly ok: boolean;
  readonly auditChain: { readonly ok: boolean; readonly firstBrokenSeq: number | null };
  readonly problems: readonly { readonly recordId: string | null; readonly problem: string }[];
}

/**
 * Tamper evidence: a record changed behind the application's back (as a database superuser
 * could: triggers off) is caught by the ledger check, and an audit entry changed is caught
 * by the chain. Each test puts the row back, so the shared database verifies again.
 */
describe('tamper evidence of records and the audit log', () => {
  let api: RunningApi;
  let world: World;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
  });
  afterAll(async () => api.close());

  async function asSuperuser(sql: string, params: unknown[]): Promise<void> {
    await api.dataSource.transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query(sql, params);
    });
  }

  it('verifyRecordLedger (ADMIN) names a version whose amount was altered in SQL, and its status moved without a trace', async () => {
    const { home } = world;
    const record = await reportTrade(home.memberA.client, home.companyB.creditCode, { amount: '125000.50' });
    await home.memberB.client.ok(CONFIRM, { id: record.id });
    const mine = (ledger: Ledger) => ledger.problems.filter((p) => p.recordId === record.id).map((p) => p.problem);
    expect(mine((await world.admin.client.ok<{ verifyRecordLedger: Ledger }>(LEDGER)).verifyRecordLedger)).toEqual([]);

    await asSuperuser(`UPDATE trade_experiences SET amount = 1250.50 WHERE record_id = $1`, [record.id]);
    const altered = (await world.admin.client.ok<{ verifyRecordLedger: Ledger }>(LEDGER)).verifyRecordLedger;
    expect(altered.ok).toBe(false);
    expect(mine(altered)).toEqual(['its content no longer matches the hash computed when it was filed']);
    await asSuperuser(`UPDATE trade_experiences SET amount = 125000.50 WHERE record_id = $1`, [record.id]);

    await asSuperuser(`UPDATE trade_experiences SET status = 'PENDING' WHERE record_id = $1`, [record.id]);
    expect(mine((await world.admin.client.ok<{ verifyRecordLedger: Ledger }>(LEDGER)).verifyRecordLedger)).toEqual([
      'its status is not the one its logged changes lead to',
    ]);
    await asSuperuser(`UPDATE trade_experiences SET status = 'VERIFIED' WHERE record_id = $1`, [record.id]);
    expect(mine((await world.admin.client.ok<{ verifyRecordLedger: Ledger }>(LEDGER)).verifyRecordLedger)).toEqual([]);

    for (const caller of [home.coordinator, home.memberA, world.banker]) expect(onlyError(await caller.client.request(LEDGER)).extensions?.code).toBe('FORBIDDEN');
  });

  it('verifyRecordLedger names a record whose older version was made the one that counts in SQL', async () => {
    const { home } = world;
    const invoiceNo = `FP-TAMPER-${Date.now()}`;
    const first = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceNo, paidDate: '2025-06-30' });
    // the payment arrives later: a second version, the one that counts
    const second = await reportTrade(home.memberA.client, home.companyB.creditCode, { invoiceNo, paidDate: '2025-02-10' });
    expect([first.id, first.version, second.version]).toEqual([second.id, 1, 2]);
    const mine = (ledger: Ledger) => ledger.problems.filter((p) => p.recordId === first.id).map((p) => p.problem);
    expect(mine((await world.admin.client.ok<{ verifyRecordLedger: Ledger }>(LEDGER)).verifyRecordLedger)).toEqual([]);

    await asSuperuser(`UPDATE trade_experiences SET is_current = (version = 1) WHERE record_id = $1`, [first.id]);
    const altered = (await world.admin.client.ok<{ verifyRecordLedger: Ledger }>(LEDGER)).verifyRecordLedger;
    expect(altered.ok).toBe(false);
    expect(mine(altered)).toEqual(['the version that counts is not the latest one not rejected']);
    await asSuperuser(`UPDATE trade_experiences SET is_current = (version = 2) WHERE record_id = $1`, [first.id]);
    expect(mine((await world.admin.client.ok<{ verifyRecordLedger: Ledger }>(LEDGER)).verifyRecordLedger)).toEqual([]);
  });

  it('verifyAuditLog (ADMIN) finds the first broken link when an audit entry of a filing is altered in SQL', async () => {
    const { home } = world;
    const record = await reportTrade(home.memberA.client, home.companyB.creditCode);
    const entry: { seq: string; content: string }[] = await api.dataSource.query(
      `SELECT seq, content FROM audit_log WHERE action = 'record.filed' AND content LIKE $1`,
      [`%${record.id}%`],
    );
    const seq = Number(entry[0].seq);
    const forged = entry[0].content.replace(/"version":1/, '"version":7');
    expect(forged).not.toBe(entry[0].content);
    await asSuperuser(`UPDATE audit_log SET content = $2 WHERE seq = $1`, [seq, forged]);
    try {
      const chain = (await world.admin.client.ok<{ verifyAuditLog: { ok: boolean; firstBrokenSeq: number; reason: string } }>(CHAIN)).verifyAuditLog;
      expect(chain).toMatchObject({ ok: false, firstBrokenSeq: seq, reason: 'its content does not match its hash' });
      const ledger = (await world.admin.client.ok<{ verifyRecordLedger: Ledger }>(LEDGER)).verifyRecordLedger;
      expect(ledger.auditChain).toMatchObject({ ok: false, firstBrokenSeq: seq });
      // the ledger no longer finds the filing's audit entry either
      expect(ledger.problems.find((p) => p.recordId === record.id)?.problem).toBe('the audit log has no entry for its filing');
    } finally {
      await asSuperuser(`UPDATE audit_log SET content = $2 WHERE seq = $1`, [seq, entry[0].content]);
    }
    expect((await world.admin.client.ok<{ verifyAuditLog: { firstBrokenSeq: number | null } }>(CHAIN)).verifyAuditLog.firstBrokenSeq).not.toBe(seq);
  });

  it('refuses to update or delete a record version or the audit log as the application', async () => {
    const record = await reportTrade(world.home.memberA.client, world.home.companyB.creditCode);
    await expect(api.dataSource.query(`UPDATE trade_experiences SET amount = 1 WHERE record_id = $1`, [record.id])).rejects.toThrow(/append-only/);
    await expect(api.dataSource.query(`DELETE FROM trade_experiences WHERE record_id = $1`, [record.id])).rejects.toThrow(/append-only/);
    await expect(api.dataSource.query(`DELETE FROM audit_log WHERE content LIKE $1`, [`%${record.id}%`])).rejects.toThrow(/append-only/);
  });

  it('a checkpoint published earlier catches entries cut from the end of the log, which the chain alone cannot', async () => {
    const HEAD = `{ verifyAuditLog { ok headSeq headHash } }`;
    const CHECK = `query($c: AuditCheckpointInput) { verifyAuditLog(checkpoint: $c) { ok firstBrokenSeq reason } }`;
    type Check = { verifyAuditLog: { ok: boolean; firstBrokenSeq: number | null; reason: string | null } };
    const head = (await world.admin.client.ok<{ verifyAuditLog: { ok: boolean; headSeq: number; headHash: string } }>(HEAD)).verifyAuditLog;
    expect(head.headHash).toMatch(/^[0-9a-f]{64}$/);
    await reportTrade(world.home.memberA.client, world.home.companyB.creditCode); // the log grows past the checkpoint
    const checkpoint = { seq: head.headSeq, hash: head.headHash };
    expect((await world.admin.client.ok<Check>(CHECK, { c: checkpoint })).verifyAuditLog).toMatchObject({ ok: true, firstBrokenSeq: null });

    // the checkpoint's entry with another hash: rewritten; a checkpoint beyond the end: cut
    const otherHash = `${head.headHash.slice(0, 63)}${head.headHash.endsWith('0') ? '1' : '0'}`;
    expect((await world.admin.client.ok<Check>(CHECK, { c: { seq: head.headSeq, hash: otherHash } })).verifyAuditLog).toMatchObject({
      ok: false,
      firstBrokenSeq: head.headSeq,
      reason: expect.stringMatching(/differs from the published checkpoint/),
    });

    // the end of the log cut as a superuser could (triggers off), in a transaction that is
    // rolled back, on its own snapshot, so the shared database stays whole for other tests
    const audit = new AuditLogRepository();
    const rolledBack = new Error('rolled back');
    await expect(
      api.dataSource.transaction('REPEATABLE READ', async (tx) => {
        await tx.query('SET LOCAL session_replication_role = replica');
        await tx.query('DELETE FROM audit_log WHERE seq >= $1', [head.headSeq - 2]);
        expect(await audit.verify(tx)).toMatchObject({ ok: true, headSeq: head.headSeq - 3 });
        expect(await audit.verify(tx, { checkpoint })).toMatchObject({
          ok: false,
          firstBrokenSeq: head.headSeq - 2,
          reason: expect.stringMatching(/^the log ends at entry \d+, before the published checkpoint at entry \d+: entries were removed/),
        });
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);

    for (const bad of [{ seq: 0, hash: head.headHash, field: 'checkpoint.seq' }, { seq: 1, hash: 'abc', field: 'checkpoint.hash' }]) {
      const answer = await world.admin.client.request(CHECK, { c: { seq: bad.seq, hash: bad.hash } });
      expect(onlyError(answer).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: bad.field });
    }
  });
});
