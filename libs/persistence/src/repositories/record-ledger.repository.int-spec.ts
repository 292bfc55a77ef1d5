import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Company, Consortium } from '@app/domain';
import { Factories, generateCluster, openTestDataSource } from '@app/testing';
import type { DataSource } from 'typeorm';
import { AuditLogRepository } from './audit-log.repository';
import { CreditRecordRepository } from './credit-record.repository';
import { RecordLedgerRepository } from './record-ledger.repository';
import { KIND_SPECS } from './record-kinds';

describe('the record ledger and its tamper evidence (real PostgreSQL)', () => {
  let ds: DataSource;
  let consortium: Consortium;
  let a: Company;
  let b: Company;
  const records = new CreditRecordRepository();
  const ledger = new RecordLedgerRepository();

  async function fileAudited(invoiceNo: string) {
    return ds.transaction(async (tx) => {
      const recordId = await records.recordIdFor(tx, 'TRADE_EXPERIENCE', { side: 'SUPPLIER', counterparty_id: b.id, subject_id: a.id, invoice_no: invoiceNo });
      const v = await records.append(tx, recordId, {
        kind: 'TRADE_EXPERIENCE',
        consortiumId: consortium.id,
        subjectId: a.id,
        reporterCompanyId: b.id,
        reporterBankId: null,
        reporterRole: 'MEMBER',
        filedStatus: 'PENDING',
        payload: { side: 'SUPPLIER', creditorId: b.id, invoiceNo, amount: '88.00', invoiceDate: '2025-01-01', dueDate: '2025-01-31', paidDate: null },
        evidence: null,
        negative: false,
        noticeId: null,
        countsFrom: new Date('2025-02-01T00:00:00Z'),
        endedOn: null,
        expiresOn: null,
        filedBy: null,
        createdAt: new Date('2025-02-01T00:00:00Z'),
      });
      await new AuditLogRepository().append(tx, [{ action: 'record.filed', actorId: null, details: { recordId, version: 1, rowHash: v.rowHash } }], new Date('2025-02-01T00:00:00Z'));
      return v;
    });
  }

  beforeAll(async () => {
    ds = await openTestDataSource();
    const f = new Factories(ds);
    consortium = await f.consortium();
    [a, b] = [await f.company(consortium.id), await f.company(consortium.id)];
  });
  afterAll(async () => ds.destroy());

  it('derives a record id from the natural key: the same invoice is the same record', async () => {
    const key = { side: 'SUPPLIER', counterparty_id: b.id, subject_id: a.id, invoice_no: 'K-1' };
    const id = await records.recordIdFor(ds.manager, 'TRADE_EXPERIENCE', key);
    expect(await records.recordIdFor(ds.manager, 'TRADE_EXPERIENCE', { ...key })).toBe(id);
    expect(await records.recordIdFor(ds.manager, 'TRADE_EXPERIENCE', { ...key, side: 'BUYER' })).not.toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('refuses to change a version in place, except its status', async () => {
    const v = await fileAudited('AO-1');
    await expect(ds.query(`UPDATE trade_experiences SET amount = 1 WHERE record_id = $1`, [v.recordId])).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM trade_experiences WHERE record_id = $1`, [v.recordId])).rejects.toThrow(/append-only/);
    // the status may move, and its log may not
    await records.setStatus(ds.manager, v, 'VERIFIED', { action: 'VERIFY', actorId: null, at: new Date() });
    expect((await records.findCurrent(ds.manager, v.recordId))?.status).toBe('VERIFIED');
    await expect(ds.query(`UPDATE record_status_changes SET to_status = 'REJECTED' WHERE record_id = $1`, [v.recordId])).rejects.toThrow(/append-only/);
  });

  it('refuses TRUNCATE of every append-only table: each kind of the ledger, status changes, the audit log, inquiries, partner checks', async () => {
    const tables = [...Object.values(KIND_SPECS).map((spec) => spec.table), 'record_status_changes', 'audit_log', 'inquiries', 'partner_checks'];
    for (const table of tables) {
      // were it let through, the sentinel rolls the emptying back and fails the expectation
      const truncate = ds.transaction(async (tx) => {
        await tx.query(`TRUNCATE ${table} CASCADE`);
        throw new Error(`TRUNCATE ${table} went through`);
      });
      await expect(truncate).rejects.toThrow(/append-only/);
    }
  });

  it('catches a version altered directly in SQL, its hash forged along, or its status moved without a trace', async () => {
    const amount = await fileAudited('TM-1');
    const forged = await fileAudited('TM-2');
    const status = await fileAudited('TM-3');
    expect((await ledger.verify(ds.manager, { consortiumId: consortium.id })).problems.filter((p) => p.recordId === amount.recordId)).toEqual([]);
    // as a superuser could: triggers off, then edit
    await ds.transaction(async (tx) => {
      await tx.query(`SET LOCAL session_replication_role = replica`);
      await tx.query(`UPDATE trade_experiences SET amount = 8.00 WHERE record_id = $1`, [amount.recordId]);
      await tx.query(
        `UPDATE trade_experiences SET amount = 9.00, row_hash = sha256(convert_to(ROW(record_id, 'forged')::text, 'UTF8')) WHERE record_id = $1`,
        [forged.recordId],
      );
      await tx.query(`UPDATE trade_experiences SET status = 'VERIFIED' WHERE record_id = $1`, [status.recordId]);
    });
    const result = await ledger.verify(ds.manager, { consortiumId: consortium.id });
    expect(result.ok).toBe(false);
    const problem = (id: string) => result.problems.find((p) => p.recordId === id)?.problem;
    expect(problem(amount.recordId)).toMatch(/no longer matches the hash computed when it was filed/);
    expect(problem(forged.recordId)).toMatch(/no longer matches|differs from the one the audit log recorded/);
    expect(problem(status.recordId)).toMatch(/status is not the one its logged changes lead to/);
  });

  it('refuses UPDATE and DELETE of a version in every kind table, and of an audit entry; only the status may move', async () => {
    const cluster = await generateCluster(ds, { seed: 4242, members: 80, asOf: '2025-06-30', disputes: false, consortiumName: `ledger append-only ${Date.now().toString(36)}` });
    for (const { table } of Object.values(KIND_SPECS)) {
      // one version of this kind in the cluster: without one, every statement below would touch no row and prove nothing
      const [row] = await ds.query(`SELECT record_id, version FROM ${table} WHERE consortium_id = $1 LIMIT 1`, [cluster.consortiumId]);
      expect({ table, found: Boolean(row) }).toEqual({ table, found: true });
      const where = `WHERE record_id = $1 AND version = $2`;
      await expect(ds.query(`UPDATE ${table} SET row_hash = sha256(row_hash) ${where}`, [row.record_id, row.version])).rejects.toThrow(/append-only/);
      await expect(ds.query(`UPDATE ${table} SET created_at = created_at + interval '1 second' ${where}`, [row.record_id, row.version])).rejects.toThrow(/append-only/);
      await expect(ds.query(`DELETE FROM ${table} ${where}`, [row.record_id, row.version])).rejects.toThrow(/append-only/);
      // the one change a version takes (through setStatus, which logs it): its status
      await expect(ds.query(`UPDATE ${table} SET status = status ${where}`, [row.record_id, row.version])).resolves.toBeDefined();
    }
    const [entry] = await ds.query(`SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1`);
    await expect(ds.query(`UPDATE audit_log SET content = content || ' ' WHERE seq = $1`, [entry.seq])).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM audit_log WHERE seq = $1`, [entry.seq])).rejects.toThrow(/append-only/);
  });

  it('catches an altered version of a generated (sealed) batch by its digest', async () => {
    const cluster = await generateCluster(ds, { seed: 99, members: 12, asOf: '2025-06-30', disputes: false });
    expect((await ledger.verify(ds.manager, { consortiumId: cluster.consortiumId })).ok).toBe(true);
    await ds.transaction(async (tx) => {
      await tx.query(`SET LOCAL session_replication_role = replica`);
      // a forger who recomputes the row's own hash is still caught by the batch digest in the audit log
      await tx.query(
        `UPDATE payment_records SET row_hash = sha256(row_hash) WHERE record_id = (SELECT record_id FROM payment_records WHERE consortium_id = $1 LIMIT 1)`,
        [cluster.consortiumId],
      );
    });
    const result = await ledger.verify(ds.manager, { consortiumId: cluster.consortiumId });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.problem).join('\n')).toMatch(/differ from the digest in the audit log/);
  });
});
