import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Company, type Consortium, FixedClock, type ImportKind, type User } from '@app/domain';
import { AuditLogRepository, CompanyRepository, CreditRecordRepository, DisputeRepository, ImportRepository, OutboxRepository, RECORD_LOCKS_MAX } from '@app/persistence';
import { Factories, openTestDataSource, testConfig } from '@app/testing';
import type { DataSource } from 'typeorm';
import { ImportProcessor } from './import-processor.service';

const BOM = '\uFEFF';

describe('CSV import processing (worker, real PostgreSQL)', () => {
  let ds: DataSource;
  let f: Factories;
  let clock: FixedClock;
  let processor: ImportProcessor;
  let consortium: Consortium;
  let supplier: Company;
  let buyers: Company[];
  let member: User;
  let coordinator: User;
  const imports = new ImportRepository();
  const records = new CreditRecordRepository();

  /** What the API does on upload: the import row, the file in chunks, queued. */
  async function upload(kind: ImportKind, csv: string | Buffer, by: User, chunkBytes = 64 * 1024): Promise<string> {
    const data = typeof csv === 'string' ? Buffer.from(csv, 'utf8') : csv;
    const job = await imports.create(ds.manager, {
      kind,
      consortiumId: consortium.id,
      companyId: by.role === 'MEMBER' ? by.companyId : null,
      actorRole: by.role as 'MEMBER' | 'COORDINATOR',
      createdBy: by.id,
      createdAt: clock.now(),
    });
    for (let seq = 0, at = 0; at < data.length; seq += 1, at += chunkBytes) await imports.appendChunk(ds.manager, job.id, seq, data.subarray(at, at + chunkBytes));
    await imports.markQueued(ds.manager, job.id, data.length, createHash('sha256').update(data).digest());
    return job.id;
  }

  /** The buyer's own payable of an invoice, as the API's reportTradePayable files it. */
  async function filePayable(buyer: Company, invoiceNo: string, amount: string): Promise<string> {
    const recordId = await records.recordIdFor(ds.manager, 'TRADE_EXPERIENCE', { side: 'BUYER', counterparty_id: supplier.id, subject_id: buyer.id, invoice_no: invoiceNo });
    await records.append(ds.manager, recordId, {
      kind: 'TRADE_EXPERIENCE',
      consortiumId: consortium.id,
      subjectId: buyer.id,
      reporterCompanyId: buyer.id,
      reporterBankId: null,
      reporterRole: 'MEMBER',
      filedStatus: 'PENDING',
      payload: { side: 'BUYER', creditorId: supplier.id, invoiceNo, amount, invoiceDate: '2025-01-01', dueDate: '2025-01-31', paidDate: '2025-01-30' },
      evidence: null,
      negative: false,
      noticeId: null,
      countsFrom: clock.now(),
      endedOn: null,
      expiresOn: null,
      filedBy: null,
      createdAt: clock.now(),
    });
    return recordId;
  }

  /** Waits until another connection waits on a lock held by the backend `pid`; false after 10 s. */
  async function blockedBy(pid: number): Promise<boolean> {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      const waiting: { n: number }[] = await ds.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
      if (waiting[0].n > 0) return true;
    }
    return false;
  }

  beforeAll(async () => {
    ds = await openTestDataSource();
    f = new Factories(ds);
    clock = new FixedClock(new Date('2025-06-15T08:00:00Z'));
    processor = new ImportProcessor(ds, imports, new CompanyRepository(), new AuditLogRepository(), new OutboxRepository(), clock, testConfig());
    consortium = await f.consortium();
    supplier = await f.company(consortium.id, { name: '温州市鹿城区红蜻蜓鞋材有限公司' });
    buyers = [
      await f.company(consortium.id, { name: '温州鸿盛鞋业有限公司' }),
      await f.company(consortium.id, { name: '浙江瑞丰鞋楦制造有限公司' }),
      await f.company(consortium.id, { name: '温州市瓯海区雅格女鞋有限公司' }),
    ];
    member = await f.user('MEMBER', { companyId: supplier.id });
    coordinator = await f.user('COORDINATOR', { consortiumId: consortium.id });
  });
  afterAll(async () => ds.destroy());

  it('imports a UTF-8 file with a BOM and Chinese names exactly, rejecting bad lines with their line number and reason', async () => {
    const [a, b, c] = buyers;
    const outsider = await f.company((await f.consortium()).id);
    const csv =
      BOM +
      'debtor_credit_code,debtor_name,invoice_no,amount,invoice_date,due_date,paid_date\r\n' +
      `${a.creditCode},${a.name},FP-0001,"125,000.50",2025-01-10,2025-02-09,2025-02-15\r\n` + // 2: a thousands comma in a quoted amount
      `${a.creditCode},${a.name},FP-0002,98000.00,2025-01-12,2025-02-11,2025-02-11\r\n` + // 3: good
      `${b.creditCode},"${b.name}",FP-0003,5600.5,2025-02-01,2025-03-03,\r\n` + // 4: good, unpaid, quoted name
      `${c.creditCode},温州鸿盛鞋业有限公司,FP-0004,100.00,2025-01-01,2025-01-31,2025-02-01\r\n` + // 5: name of another company
      `${outsider.creditCode},外地公司,FP-0005,100.00,2025-01-01,2025-01-31,\r\n` + // 6: not a member
      `${a.creditCode},${a.name},FP-0006,0,2025-01-01,2025-01-31,\r\n` + // 7: zero amount
      `${a.creditCode},${a.name},FP-0007,10.00,2025-03-01,2025-02-01,\r\n` + // 8: due before invoice
      `${a.creditCode},${a.name},FP-0008,10.00,2025-03-01,2025-04-01,2025-07-01\r\n` + // 9: paid in the future
      `${a.creditCode},${a.name},"FP-0009,10.00,2025-03-01\r\n` + // 10-: an unterminated quote swallows the rest
      '';
    const id = await upload('TRADE_EXPERIENCES', csv, member, 97);
    const outcome = await processor.process(id);
    expect(outcome).toMatchObject({ accepted: 2, unchanged: 0 });
    const job = await imports.findById(ds.manager, id);
    expect(job).toMatchObject({ status: 'COMPLETED', totalRows: 9, acceptedRows: 2, rejectedRows: 7 });
    const rejections = await imports.rejections(ds.manager, id, 100, 0);
    expect(rejections.map((r) => [r.line, r.field])).toEqual([
      [2, 'amount'],
      [5, 'debtor_name'],
      [6, 'debtor_credit_code'],
      [7, 'amount'],
      [8, 'due_date'],
      [9, 'paid_date'],
      [10, null],
    ]);
    expect(rejections.find((r) => r.line === 5)?.reason).toContain('温州鸿盛鞋业有限公司');
    expect(rejections.find((r) => r.line === 10)?.reason).toMatch(/malformed line: a quoted field is never closed/);
    const rows: { invoice_no: string; amount: string; status: string; paid_date: string | null }[] = await ds.query(
      `SELECT invoice_no, amount::text, status, to_char(paid_date, 'YYYY-MM-DD') AS paid_date FROM trade_experiences WHERE import_id = $1 ORDER BY invoice_no`,
      [id],
    );
    expect(rows).toEqual([
      { invoice_no: 'FP-0002', amount: '98000.00', status: 'PENDING', paid_date: '2025-02-11' },
      { invoice_no: 'FP-0003', amount: '5600.50', status: 'PENDING', paid_date: null },
    ]);
    // the chunks are gone, the audit log holds the merge
    expect(await imports.readChunk(ds.manager, id, 0)).toBeNull();
    const audit: { n: string }[] = await ds.query(`SELECT count(*) AS n FROM audit_log WHERE action = 'import.merged' AND content LIKE $1`, [`%${id}%`]);
    expect(Number(audit[0].n)).toBe(1);
  });

  it('reads the same file without a BOM, and a second import of it changes nothing', async () => {
    const [a] = buyers;
    const csv = `invoice_no,amount,debtor_credit_code,invoice_date,due_date,paid_date\n` + `FP-N-1,300.00,${a.creditCode},2025-01-01,2025-01-31,2025-01-30\n` + `FP-N-2,400.00,${a.creditCode},2025-01-02,2025-02-01,\n`;
    const first = await processor.process(await upload('TRADE_EXPERIENCES', csv, member));
    expect(first).toMatchObject({ accepted: 2, unchanged: 0, rejectedRows: 0 });
    const again = await processor.process(await upload('TRADE_EXPERIENCES', csv, member));
    expect(again).toMatchObject({ accepted: 0, unchanged: 2, rejectedRows: 0 });
    // a later payment is a new version of the same record
    const paid = csv.replace('FP-N-2,400.00,' + a.creditCode + ',2025-01-02,2025-02-01,', `FP-N-2,400.00,${a.creditCode},2025-01-02,2025-02-01,2025-02-03`);
    const third = await processor.process(await upload('TRADE_EXPERIENCES', paid, member));
    expect(third).toMatchObject({ accepted: 1, unchanged: 1 });
    const versions: { version: number; is_current: boolean; paid: string | null }[] = await ds.query(
      `SELECT version, is_current, to_char(paid_date, 'YYYY-MM-DD') AS paid FROM trade_experiences WHERE invoice_no = 'FP-N-2' AND subject_id = $1 ORDER BY version`,
      [a.id],
    );
    expect(versions).toEqual([
      { version: 1, is_current: false, paid: null },
      { version: 2, is_current: true, paid: '2025-02-03' },
    ]);
  });

  it('rejects a repeated invoice within one file, naming the first line', async () => {
    const [, b] = buyers;
    const csv = `debtor_credit_code,invoice_no,amount,invoice_date,due_date\n${b.creditCode},FP-R-1,10.00,2025-01-01,2025-01-31\n${b.creditCode},FP-R-1,11.00,2025-01-01,2025-01-31\n`;
    const id = await upload('TRADE_EXPERIENCES', csv, member);
    expect(await processor.process(id)).toMatchObject({ accepted: 1, rejectedRows: 1 });
    expect(await imports.rejections(ds.manager, id, 10, 0)).toEqual([{ line: 3, field: 'invoice_no', reason: 'repeats the record of line 2 in this file' }]);
  });

  it('fails an import whose header lacks a column, for good', async () => {
    const id = await upload('TRADE_EXPERIENCES', 'debtor_credit_code,invoice_no,amount\nX,1,2\n', member);
    expect(await processor.process(id)).toBeNull();
    expect(await imports.findById(ds.manager, id)).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/lacks the column\(s\) invoice_date, due_date/) });
    // a repeated job finds nothing to do
    expect(await processor.process(id)).toBeNull();
  });

  it("a coordinator's import names the creditor and files verified records; negative ones get one notice per subject", async () => {
    const [a, b] = buyers;
    const csv =
      `creditor_credit_code,debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n` +
      `${supplier.creditCode},${a.creditCode},FP-C-1,1000.00,2025-01-01,2025-01-31,2025-03-15\n` + // 43 days late: negative
      `${supplier.creditCode},${a.creditCode},FP-C-2,1000.00,2025-01-01,2025-01-31,\n` + // unpaid, long overdue at filing: negative
      `${supplier.creditCode},${b.creditCode},FP-C-3,1000.00,2025-01-01,2025-01-31,2025-02-02\n` +
      `,${b.creditCode},FP-C-4,1000.00,2025-01-01,2025-01-31,2025-02-02\n`; // no creditor
    const id = await upload('TRADE_EXPERIENCES', csv, coordinator);
    expect(await processor.process(id)).toMatchObject({ accepted: 3, rejectedRows: 1, negativeNotices: 1 });
    expect((await imports.rejections(ds.manager, id, 10, 0))[0]).toMatchObject({ line: 5, field: 'creditor_credit_code' });
    const rows: { invoice_no: string; status: string; negative: boolean; counts_from: Date; expires_on: string | null; reporter_role: string }[] = await ds.query(
      `SELECT invoice_no, status, negative, counts_from, to_char(expires_on, 'YYYY-MM-DD') AS expires_on, reporter_role FROM trade_experiences WHERE import_id = $1 ORDER BY invoice_no`,
      [id],
    );
    expect(rows.map((r) => [r.invoice_no, r.status, r.negative, r.expires_on, r.reporter_role])).toEqual([
      ['FP-C-1', 'VERIFIED', true, '2030-03-15', 'COORDINATOR'],
      ['FP-C-2', 'VERIFIED', true, null, 'COORDINATOR'],
      ['FP-C-3', 'VERIFIED', false, null, 'COORDINATOR'],
    ]);
    // the notice period (7 days) ends 2025-06-22 08:00; it counts from the next day
    expect(rows[0].counts_from.toISOString()).toBe('2025-06-23T00:00:00.000Z');
    const notices: { company_id: string; record_count: number }[] = await ds.query(`SELECT company_id, record_count FROM notices WHERE import_id = $1`, [id]);
    expect(notices).toEqual([{ company_id: a.id, record_count: 2 }]);
  });

  it("matches the supplier's import against the buyer's own payable: equal invoices verify each other, others are flagged", async () => {
    const [, , c] = buyers;
    // the buyer filed two payables itself
    await filePayable(c, 'FP-M-1', '500.00');
    await filePayable(c, 'FP-M-2', '700.00');
    const csv = `debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n${c.creditCode},FP-M-1,500.00,2025-01-01,2025-01-31,2025-01-30\n${c.creditCode},FP-M-2,701.00,2025-01-01,2025-01-31,2025-01-30\n`;
    const id = await upload('TRADE_EXPERIENCES', csv, member);
    expect(await processor.process(id)).toMatchObject({ accepted: 2, matched: 1, mismatched: 1 });
    const statuses: { invoice_no: string; side: string; status: string }[] = await ds.query(
      `SELECT invoice_no, side, status FROM trade_experiences WHERE subject_id = $1 AND is_current ORDER BY invoice_no, side`,
      [c.id],
    );
    expect(statuses).toEqual([
      { invoice_no: 'FP-M-1', side: 'BUYER', status: 'VERIFIED' },
      { invoice_no: 'FP-M-1', side: 'SUPPLIER', status: 'VERIFIED' },
      { invoice_no: 'FP-M-2', side: 'BUYER', status: 'PENDING' },
      { invoice_no: 'FP-M-2', side: 'SUPPLIER', status: 'PENDING' },
    ]);
    const flagged: { kind: string; company_id: string | null }[] = await ds.query(`SELECT kind, company_id FROM notices WHERE import_id = $1`, [id]);
    expect(flagged).toEqual([{ kind: 'TRADE_MISMATCH', company_id: null }]);
  });

  it('imports payment records (a member for itself) and public records (the coordinator) with Chinese text intact', async () => {
    const [a] = buyers;
    const payments =
      'payment_kind,reference,payee,amount,due_date,paid_date\n' +
      'TAX,2025-03 增值税,国家税务总局温州市鹿城区税务局,12345.67,2025-04-15,2025-04-14\n' +
      'SOCIAL_INSURANCE,2025-03 社保,温州市社会保险事业管理中心,8000.00,2025-04-15,2025-05-30\n' +
      'WATER,2025-03 水费,温州市自来水有限公司,120.00,2025-04-15,\n';
    const p = await upload('PAYMENT_RECORDS', payments, member);
    expect(await processor.process(p)).toMatchObject({ accepted: 2, rejectedRows: 1 });
    expect((await imports.rejections(ds.manager, p, 10, 0))[0]).toMatchObject({ line: 4, field: 'payment_kind' });
    const publics =
      BOM +
      'subject_credit_code,subject_name,public_kind,case_no,authority,event_date,ended_on,amount\n' +
      `${a.creditCode},${a.name},JUDGMENT,(2023)浙0302民初1234号,温州市鹿城区人民法院,2023-05-10,2023-08-01,56000.00\n`;
    const q = await upload('PUBLIC_RECORDS', publics, coordinator);
    expect(await processor.process(q)).toMatchObject({ accepted: 1 });
    const stored: { case_no: string; authority: string; status: string; expires_on: string }[] = await ds.query(
      `SELECT case_no, authority, status, to_char(expires_on, 'YYYY-MM-DD') AS expires_on FROM public_records WHERE import_id = $1`,
      [q],
    );
    expect(stored).toEqual([{ case_no: '(2023)浙0302民初1234号', authority: '温州市鹿城区人民法院', status: 'VERIFIED', expires_on: '2028-08-01' }]);
  });

  it('reports progress while it reads, and is idempotent when its job is delivered twice', async () => {
    const [a] = buyers;
    const lines = Array.from({ length: 3000 }, (_, i) => `${a.creditCode},FP-P-${i},${100 + i}.00,2025-01-01,2025-01-31,2025-01-31`);
    const id = await upload('TRADE_EXPERIENCES', `debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n${lines.join('\n')}\n`, member, 16 * 1024);
    const seen: number[] = [];
    const original = imports.reportProgress.bind(imports);
    imports.reportProgress = async (db, importId, bytes, rows, rejected) => {
      seen.push(rows);
      return original(db, importId, bytes, rows, rejected);
    };
    try {
      expect(await processor.process(id)).toMatchObject({ accepted: 3000 });
    } finally {
      imports.reportProgress = original;
    }
    expect(seen.length).toBeGreaterThan(3);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(await processor.process(id)).toBeNull();
  });

  it("compares a coordinator's verified import with a payable already verified: a difference is flagged as when filed through the API", async () => {
    const buyer = await f.company(consortium.id);
    for (const [invoiceNo, amount] of [
      ['FP-V-1', '500.00'],
      ['FP-V-2', '500.00'],
    ]) {
      const recordId = await filePayable(buyer, invoiceNo, amount);
      const payable = await records.findCurrent(ds.manager, recordId, 'TRADE_EXPERIENCE');
      await records.setStatus(ds.manager, payable!, 'VERIFIED', { action: 'VERIFY', actorId: coordinator.id, at: clock.now() });
    }
    const csv =
      `creditor_credit_code,debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n` +
      `${supplier.creditCode},${buyer.creditCode},FP-V-1,700.00,2025-01-01,2025-01-31,2025-01-30\n` +
      `${supplier.creditCode},${buyer.creditCode},FP-V-2,500.00,2025-01-01,2025-01-31,2025-01-30\n`;
    const id = await upload('TRADE_EXPERIENCES', csv, coordinator);
    expect(await processor.process(id)).toMatchObject({ accepted: 2, matched: 1, mismatched: 1 });
    const matches: { invoice_no: string; outcome: string; differences: string[] }[] = await ds.query(
      `SELECT s.invoice_no, m.outcome, m.differences FROM trade_matches m JOIN trade_experiences s ON s.record_id = m.supplier_record_id AND s.version = m.supplier_version
       WHERE s.import_id = $1 ORDER BY s.invoice_no`,
      [id],
    );
    expect(matches).toEqual([
      { invoice_no: 'FP-V-1', outcome: 'MISMATCHED', differences: ['amount'] },
      { invoice_no: 'FP-V-2', outcome: 'MATCHED', differences: [] },
    ]);
    const flagged: { kind: string; record_count: number }[] = await ds.query(`SELECT kind, record_count FROM notices WHERE import_id = $1`, [id]);
    expect(flagged).toEqual([{ kind: 'TRADE_MISMATCH', record_count: 1 }]);
  });

  it('rejects a line with a NUL character, naming its column without repeating the text, and files the other lines', async () => {
    const buyer = await f.company(consortium.id);
    const csv =
      'debtor_credit_code,debtor_name,invoice_no,amount,invoice_date,due_date,paid_date\n' +
      `${buyer.creditCode},${buyer.name},FP-Z-1,100.00,2025-01-01,2025-01-31,2025-01-30\n` +
      `${buyer.creditCode},bad\u0000name,FP-Z-2,100.00,2025-01-01,2025-01-31,2025-01-30\n` + // would be echoed by the name check
      `${buyer.creditCode},${buyer.name},FP-Z-3\u0000,100.00,2025-01-01,2025-01-31,2025-01-30\n`; // valid but for the NUL
    const id = await upload('TRADE_EXPERIENCES', csv, member);
    expect(await processor.process(id)).toMatchObject({ accepted: 1, rejectedRows: 2 });
    expect(await imports.findById(ds.manager, id)).toMatchObject({ status: 'COMPLETED', totalRows: 3, acceptedRows: 1, rejectedRows: 2 });
    expect(await imports.rejections(ds.manager, id, 10, 0)).toEqual([
      { line: 3, field: 'debtor_name', reason: 'debtor_name contains a NUL character (\\0), which PostgreSQL text cannot hold; remove it' },
      { line: 4, field: 'invoice_no', reason: 'invoice_no contains a NUL character (\\0), which PostgreSQL text cannot hold; remove it' },
    ]);
    const filed: { invoice_no: string }[] = await ds.query('SELECT invoice_no FROM trade_experiences WHERE import_id = $1', [id]);
    expect(filed).toEqual([{ invoice_no: 'FP-Z-1' }]);
  });

  it.each([
    ['one by one', RECORD_LOCKS_MAX],
    ["the ledger's lock, as an import changing many records takes it", 0],
  ])('takes the lock the API takes (%s): a dispute committing while an import merges gets the line rejected, not a new version over it', async (_, locksMax) => {
    imports.recordLocksMax = locksMax;
    const buyer = await f.company(consortium.id);
    const disputes = new DisputeRepository();
    const file = (amount: string): string => `debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n${buyer.creditCode},FP-D-1,${amount},2025-01-01,2025-01-31,2025-01-30\n`;
    expect(await processor.process(await upload('TRADE_EXPERIENCES', file('100.00'), member))).toMatchObject({ accepted: 1 });
    const recordId = await records.recordIdFor(ds.manager, 'TRADE_EXPERIENCE', { side: 'SUPPLIER', counterparty_id: supplier.id, subject_id: buyer.id, invoice_no: 'FP-D-1' });

    // the subject's dispute as RecordsService files it (the record locked, v1 DISPUTED), not yet committed
    const subject = ds.createQueryRunner();
    await subject.connect();
    let blocked: boolean;
    let merged: Awaited<ReturnType<ImportProcessor['process']>>;
    try {
      await subject.startTransaction();
      await records.lock(subject.manager, recordId);
      const v1 = await records.findCurrent(subject.manager, recordId, 'TRADE_EXPERIENCE');
      const dispute = await disputes.open(subject.manager, {
        kind: 'TRADE_EXPERIENCE',
        recordId,
        version: v1!.version,
        consortiumId: consortium.id,
        subjectId: buyer.id,
        reason: 'the amount is wrong',
        openedBy: member.id,
        openedAt: clock.now(),
        deadlineAt: new Date(clock.now().getTime() + 20 * 86_400_000),
      });
      await records.setStatus(subject.manager, v1!, 'DISPUTED', { action: 'DISPUTE', actorId: member.id, at: clock.now(), disputeId: dispute.id });
      const pid: { pid: number }[] = await subject.query('SELECT pg_backend_pid() AS pid');

      // the supplier's corrected line meanwhile: its merge must wait for the dispute, then see it
      const merging = processor.process(await upload('TRADE_EXPERIENCES', file('120.00'), member));
      blocked = await blockedBy(pid[0].pid);
      await subject.commitTransaction();
      merged = await merging;
    } finally {
      imports.recordLocksMax = RECORD_LOCKS_MAX;
      if (subject.isTransactionActive) await subject.rollbackTransaction();
      await subject.release();
    }
    expect(blocked).toBe(true);
    expect(merged).toMatchObject({ accepted: 0, rejectedRows: 1 });
    expect(await imports.rejections(ds.manager, merged!.importId, 10, 0)).toEqual([
      { line: 2, field: 'invoice_no', reason: 'the record is disputed: it takes no new version until the coordinator settles the dispute' },
    ]);
    const versions: { version: number; status: string; is_current: boolean; amount: string }[] = await ds.query(
      'SELECT version, status, is_current, amount::text FROM trade_experiences WHERE record_id = $1 ORDER BY version',
      [recordId],
    );
    expect(versions).toEqual([{ version: 1, status: 'DISPUTED', is_current: true, amount: '100.00' }]);
  });
});
