import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Clock } from '@app/domain';
import { AuditLogRepository, CompanyRepository, CreditRecordRepository, ImportRepository, MaintenanceRepository, NoticeRepository, OutboxRepository } from '@app/persistence';
import { onlyError } from '@app/testing';
import { ImportProcessor } from '@worker/imports/import-processor.service';
import { OverdueNotices } from '@worker/records/overdue-notices.service';
import { type MovableClock, movableClock, type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';
import { CONFIRM, FILE_PUBLIC, RECORD, REPORT_TRADE, type RecordShape, unique } from './records-support';

const IMPORT_JOB = `query($id: ID!) { importJob(id: $id) { status acceptedRows unchangedRows rejectedRows rejections { line field reason } } }`;
const LEDGER = `{ verifyRecordLedger { ok auditChain { ok } problems { recordId problem } } }`;

interface Job {
  readonly status: string;
  readonly acceptedRows: number;
  readonly unchangedRows: number;
  readonly rejectedRows: number;
  readonly rejections: readonly { line: number; field: string | null; reason: string }[];
}

/**
 * What a filing is the same as, and what is not filed at all, through the API and a CSV
 * import alike (docs/records.md, "Versions" and "Five years"): the same input after the
 * record was confirmed and flagged overdue is the same record; negative information already
 * past its 5 years is refused. And lists refuse a negative offset.
 */
describe('filing equality after the overdue flag, expired negative information, list offsets', () => {
  let api: RunningApi;
  let world: World;
  let processor: ImportProcessor;
  let overdue: OverdueNotices;
  let apiClock: MovableClock;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    const clock = api.app.get(Clock);
    apiClock = movableClock(api);
    processor = new ImportProcessor(api.dataSource, new ImportRepository(), new CompanyRepository(), new AuditLogRepository(), new OutboxRepository(), clock, api.config);
    overdue = new OverdueNotices(
      api.config,
      api.dataSource,
      new CreditRecordRepository(),
      new MaintenanceRepository(),
      new NoticeRepository(),
      new AuditLogRepository(),
      new OutboxRepository(),
      clock,
    );
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await api.close();
  });

  async function importCsv(csv: string, as: SignedIn): Promise<Job> {
    const response = await fetch(`${api.url}/imports/trade-experiences`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${as.token}` },
      body: csv,
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await processor.process(id);
    return (await as.client.ok<{ importJob: Job }>(IMPORT_JOB, { id })).importJob;
  }

  const negativeNotices = async (recordId: string): Promise<number> =>
    ((await api.dataSource.query(`SELECT count(*)::int AS n FROM notices WHERE record_id = $1 AND kind = 'NEGATIVE_INFORMATION'`, [recordId])) as { n: number }[])[0].n;

  it('the same invoice again after it was confirmed and flagged overdue is the same record, through the API and an import', async () => {
    const { home } = world;
    apiClock.at = new Date('2025-06-15T08:00:00Z');
    const input = { debtorCreditCode: home.companyB.creditCode, invoiceNo: `OD-${unique()}`, amount: '1000.00', invoiceDate: '2025-06-01', dueDate: '2025-06-30', paidDate: null };
    // filed unpaid within terms, then confirmed by the buyer
    const v1 = (await home.memberA.client.ok<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, { input })).reportTradeExperience;
    expect(v1).toMatchObject({ version: 1, status: 'PENDING', negative: false });
    await home.memberB.client.ok(CONFIRM, { id: v1.id });
    // 31 days past due: the daily run adds the negative version, with the status it found
    apiClock.at = new Date('2025-07-31T08:00:00Z');
    await overdue.run('2025-07-31');
    const flagged = (await home.memberA.client.ok<{ record: RecordShape }>(RECORD, { id: v1.id })).record;
    expect(flagged).toMatchObject({ version: 2, status: 'VERIFIED', negative: true });
    expect(await negativeNotices(v1.id)).toBe(1);

    // the supplier sends the same input again: the record as it is, nothing written
    apiClock.at = new Date('2025-08-01T08:00:00Z');
    const again = (await home.memberA.client.ok<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, { input })).reportTradeExperience;
    expect(again).toMatchObject({ id: v1.id, version: 2, status: 'VERIFIED', negative: true, countsFrom: flagged.countsFrom });
    // and the same line in an import changes nothing either
    const csv = `debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n${input.debtorCreditCode},${input.invoiceNo},1000.00,2025-06-01,2025-06-30,\n`;
    expect(await importCsv(csv, home.memberA)).toMatchObject({ status: 'COMPLETED', acceptedRows: 0, unchangedRows: 1, rejectedRows: 0 });

    const versions: { n: number }[] = await api.dataSource.query('SELECT count(*)::int AS n FROM trade_experiences WHERE record_id = $1', [v1.id]);
    expect(versions[0].n).toBe(2);
    expect(await negativeNotices(v1.id)).toBe(1);
    expect((await home.memberA.client.ok<{ record: RecordShape }>(RECORD, { id: v1.id })).record).toMatchObject({ version: 2, status: 'VERIFIED' });
    // other content is still the next version
    const paid = (await home.memberA.client.ok<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, { input: { ...input, paidDate: '2025-07-31' } })).reportTradeExperience;
    expect(paid).toMatchObject({ id: v1.id, version: 3, status: 'PENDING' });

    // the ledger replays this record: every version's hash and status as logged (the database
    // is the whole run's, so other specs' rows written straight in SQL are left to them)
    const ledger = (await world.admin.client.ok<{ verifyRecordLedger: { auditChain: { ok: boolean }; problems: { recordId: string }[] } }>(LEDGER)).verifyRecordLedger;
    expect(ledger.auditChain.ok).toBe(true);
    expect(ledger.problems.filter((p) => p.recordId === v1.id)).toEqual([]);
  });

  it('a coordinator verifies a pending invoice by importing the same line (a verified source says more)', async () => {
    const { home } = world;
    apiClock.at = new Date('2025-08-01T08:00:00Z');
    const input = { debtorCreditCode: home.companyB.creditCode, invoiceNo: `CO-${unique()}`, amount: '500.00', invoiceDate: '2025-07-01', dueDate: '2025-07-31', paidDate: '2025-07-30' };
    const v1 = (await home.memberA.client.ok<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, { input })).reportTradeExperience;
    const csv = `creditor_credit_code,debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n${home.companyA.creditCode},${input.debtorCreditCode},${input.invoiceNo},500.00,2025-07-01,2025-07-31,2025-07-30\n`;
    expect(await importCsv(csv, home.coordinator)).toMatchObject({ acceptedRows: 1, unchangedRows: 0 });
    expect((await home.memberA.client.ok<{ record: RecordShape }>(RECORD, { id: v1.id })).record).toMatchObject({ version: 2, status: 'VERIFIED' });
    // and the member's same filing again leaves the verified version as it is
    const again = (await home.memberA.client.ok<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, { input })).reportTradeExperience;
    expect(again).toMatchObject({ id: v1.id, version: 2, status: 'VERIFIED' });
  });

  it('negative information past its 5 years at filing is refused through the API: no record, no notice', async () => {
    const { home } = world;
    apiClock.at = new Date('2025-08-01T08:00:00Z');
    const noticesBefore: { n: number }[] = await api.dataSource.query('SELECT count(*)::int AS n FROM notices WHERE company_id = $1', [home.companyB.id]);
    // paid 43 days beyond terms on 2019-03-15: expired 2024-03-15
    const invoiceNo = `OLD-${unique()}`;
    const trade = { debtorCreditCode: home.companyB.creditCode, invoiceNo, amount: '1000.00', invoiceDate: '2019-01-01', dueDate: '2019-01-31', paidDate: '2019-03-15' };
    const refused = onlyError(await home.memberA.client.request(REPORT_TRADE, { input: trade }));
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.paidDate' });
    expect(refused.message).toContain('2024-03-15');
    // a judgment that ended 2019-03-01 (expired 2024-03-01)
    const caseNo = `(2018)浙0302民初${unique()}号`;
    const judgment = { subjectCreditCode: home.companyB.creditCode, publicKind: 'JUDGMENT', caseNo, authority: '温州市鹿城区人民法院', eventDate: '2018-11-01', endedOn: '2019-03-01', amount: '80000.00' };
    expect(onlyError(await home.coordinator.client.request(FILE_PUBLIC, { input: judgment })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.endedOn' });

    const rows: { n: number }[] = await api.dataSource.query(
      `SELECT (SELECT count(*) FROM trade_experiences WHERE invoice_no = $1) + (SELECT count(*) FROM public_records WHERE case_no = $2) AS n`,
      [invoiceNo, caseNo],
    );
    expect(Number(rows[0].n)).toBe(0);
    const noticesAfter: { n: number }[] = await api.dataSource.query('SELECT count(*)::int AS n FROM notices WHERE company_id = $1', [home.companyB.id]);
    expect(noticesAfter[0].n).toBe(noticesBefore[0].n);

    // still within its 5 years the same bill is filed, and noticed
    const recent = (await home.memberA.client.ok<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, {
      input: { ...trade, invoiceNo: `OLD-${unique()}`, invoiceDate: '2020-06-01', dueDate: '2020-07-01', paidDate: '2020-08-15' },
    })).reportTradeExperience;
    expect(recent).toMatchObject({ negative: true, expiresOn: '2025-08-15' });
    expect(await negativeNotices(recent.id)).toBe(1);
  });

  it('negative information past its 5 years is refused in an import, naming the line; the import notices only what counts', async () => {
    const { home } = world;
    apiClock.at = new Date('2025-08-01T08:00:00Z');
    const marker = unique();
    const csv =
      'debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n' +
      `${home.companyB.creditCode},EXP-${marker}-1,1000.00,2019-01-01,2019-01-31,2019-03-15\n` +
      `${home.companyB.creditCode},EXP-${marker}-2,1000.00,2025-05-01,2025-05-31,2025-07-15\n` +
      `${home.companyB.creditCode},EXP-${marker}-3,1000.00,2025-07-01,2025-07-31,2025-07-31\n`;
    const job = await importCsv(csv, home.memberA);
    expect(job).toMatchObject({ status: 'COMPLETED', acceptedRows: 2, rejectedRows: 1 });
    expect(job.rejections).toEqual([{ line: 2, field: 'paid_date', reason: expect.stringContaining('expired on 2024-03-15') }]);
    const stored: { invoice_no: string }[] = await api.dataSource.query(`SELECT invoice_no FROM trade_experiences WHERE invoice_no LIKE $1 ORDER BY invoice_no`, [`EXP-${marker}-%`]);
    expect(stored.map((r) => r.invoice_no)).toEqual([`EXP-${marker}-2`, `EXP-${marker}-3`]);
    // one notice, for the one negative line that counts
    const notices: { record_count: number; message: string }[] = await api.dataSource.query(
      `SELECT n.record_count, n.message FROM notices n JOIN trade_experiences t ON t.notice_id = n.id WHERE t.invoice_no = $1`,
      [`EXP-${marker}-2`],
    );
    expect(notices).toEqual([{ record_count: 1, message: expect.stringMatching(/^1 trade experience/) }]);
  });

  it('a correction that ended a record\'s negative information more than 5 years ago is filed, without a notice, through the API and an import', async () => {
    const { home } = world;
    // two bills filed unpaid and 33 days past due in 2019: negative while they last
    apiClock.at = new Date('2019-03-05T08:00:00Z');
    const bill = (invoiceNo: string) => ({ debtorCreditCode: home.companyB.creditCode, invoiceNo, amount: '1000.00', invoiceDate: '2019-01-01', dueDate: '2019-01-31', paidDate: null });
    const [viaApi, viaImport] = [bill(`COR-${unique()}`), bill(`COR-${unique()}`)];
    const filed = [];
    for (const input of [viaApi, viaImport]) filed.push((await home.memberA.client.ok<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, { input })).reportTradeExperience);
    for (const v of filed) {
      expect(v).toMatchObject({ version: 1, negative: true, expiresOn: null });
      expect(await negativeNotices(v.id)).toBe(1);
    }
    // years later each is reported paid on 2019-03-15: expired on 2024-03-15
    apiClock.at = new Date('2025-08-01T08:00:00Z');
    const corrected = (await home.memberA.client.ok<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, { input: { ...viaApi, paidDate: '2019-03-15' } })).reportTradeExperience;
    expect(corrected).toMatchObject({ id: filed[0].id, version: 2, negative: true, expiresOn: '2024-03-15' });
    const csv = `debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n${viaImport.debtorCreditCode},${viaImport.invoiceNo},1000.00,2019-01-01,2019-01-31,2019-03-15\n`;
    expect(await importCsv(csv, home.memberA)).toMatchObject({ status: 'COMPLETED', acceptedRows: 1, rejectedRows: 0 });
    for (const v of filed) {
      // no second notice, and the record now shows to no member: the unpaid version no longer counts
      expect(await negativeNotices(v.id)).toBe(1);
      expect((await home.memberB.client.ok<{ record: RecordShape | null }>(RECORD, { id: v.id })).record).toBeNull();
      const current: { version: number; expires_on: string }[] = await api.dataSource.query(
        `SELECT version, to_char(expires_on, 'YYYY-MM-DD') AS expires_on FROM trade_experiences WHERE record_id = $1 AND is_current`,
        [v.id],
      );
      expect(current).toEqual([{ version: 2, expires_on: '2024-03-15' }]);
    }
  });

  it('a negative offset is BAD_USER_INPUT on offset for disputes, notices, imports and an import’s rejections', async () => {
    const { home } = world;
    apiClock.at = new Date();
    const marker = unique();
    const csv = `debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n${home.companyB.creditCode},OFF-${marker},0.00,2025-01-01,2025-01-31,\n`;
    const response = await fetch(`${api.url}/imports/trade-experiences`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${home.memberA.token}` },
      body: csv,
    });
    const { id } = (await response.json()) as { id: string };
    await processor.process(id);

    const cases: [SignedIn, string, Record<string, unknown>][] = [
      [home.coordinator, 'query($c: ID!, $o: Int) { disputes(consortiumId: $c, offset: $o) { id } }', { c: home.consortium.id }],
      [home.memberB, 'query($c: ID, $o: Int) { notices(companyId: $c, offset: $o) { id } }', { c: home.companyB.id }],
      [home.coordinator, 'query($c: ID, $o: Int) { notices(consortiumId: $c, offset: $o) { id } }', { c: home.consortium.id }],
      [home.memberA, 'query($c: ID, $o: Int) { imports(companyId: $c, offset: $o) { id } }', { c: home.companyA.id }],
      [home.coordinator, 'query($c: ID, $o: Int) { imports(consortiumId: $c, offset: $o) { id } }', { c: home.consortium.id }],
      [home.memberA, 'query($id: ID!, $o: Int!) { importJob(id: $id) { rejections(offset: $o) { line } } }', { id }],
    ];
    for (const [as, document, variables] of cases) {
      expect(onlyError(await as.client.request(document, { ...variables, o: -1 })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'offset' });
      // offset 0 still answers
      expect((await as.client.request(document, { ...variables, o: 0 })).errors).toBeUndefined();
    }
  });
});
