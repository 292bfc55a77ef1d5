import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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
});
