import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Clock } from '@app/domain';
import { AuditLogRepository, CompanyRepository, ImportRepository, OutboxRepository } from '@app/persistence';
import { onlyError } from '@app/testing';
import { ImportProcessor } from '@worker/imports/import-processor.service';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';
import { RECORDS, type RecordShape, unique } from './records-support';

const BOM = '\uFEFF';
const IMPORT_JOB = `query($id: ID!) { importJob(id: $id) { id kind status progress fileBytes fileSha256 totalRows acceptedRows unchangedRows rejectedRows error
  rejections { line field reason } } }`;

interface Job {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly progress: number;
  readonly totalRows: number;
  readonly acceptedRows: number;
  readonly unchangedRows: number;
  readonly rejectedRows: number;
  readonly error: string | null;
  readonly rejections: readonly { line: number; field: string | null; reason: string }[];
}

/** CSV imports end to end: the REST upload to the API, the worker's processing, the job polled in GraphQL. */
describe('CSV imports (REST upload, worker processing, GraphQL progress)', () => {
  let api: RunningApi;
  let world: World;
  let processor: ImportProcessor;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    processor = new ImportProcessor(api.dataSource, new ImportRepository(), new CompanyRepository(), new AuditLogRepository(), new OutboxRepository(), api.app.get(Clock), api.config);
  });
  afterAll(async () => api.close());

  async function upload(path: string, body: string | Buffer, as: SignedIn | null, contentType = 'text/csv; charset=utf-8'): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${api.url}/imports/${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(as ? { authorization: `Bearer ${as.token}` } : {}) },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('imports trade experiences with Chinese names and a BOM exactly, listing each rejected line with its reason', async () => {
    const { home } = world;
    const b = home.companyB;
    const outsider = world.other.companyA;
    const marker = unique();
    const csv =
      BOM +
      'debtor_credit_code,debtor_name,invoice_no,amount,invoice_date,due_date,paid_date\r\n' +
      `${b.creditCode},${b.name},IMP-${marker}-1,98000.00,2025-01-12,2025-02-11,2025-02-11\r\n` +
      `${b.creditCode},"${b.name}",IMP-${marker}-2,5600.50,2025-02-01,2025-03-03,2025-03-05\r\n` +
      `${b.creditCode},温州市错误名称有限公司,IMP-${marker}-3,100.00,2025-01-01,2025-01-31,\r\n` +
      `${outsider.creditCode},${outsider.name},IMP-${marker}-4,100.00,2025-01-01,2025-01-31,\r\n` +
      `${b.creditCode},${b.name},IMP-${marker}-5,100.00,2025-01-01\r\n` +
      `${b.creditCode},${b.name},IMP-${marker}-6,0.00,2025-01-01,2025-01-31,\r\n` +
      `${b.creditCode},${b.name},IMP-${marker}-7,1.00,2025-01-01,2024-12-31,\r\n`;
    const accepted = await upload('trade-experiences', Buffer.from(csv, 'utf8'), home.memberA);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ kind: 'TRADE_EXPERIENCES', status: 'QUEUED', fileBytes: Buffer.byteLength(csv) });
    const id = accepted.body.id as string;

    const queued = await home.memberA.client.ok<{ importJob: Job }>(IMPORT_JOB, { id });
    expect(queued.importJob).toMatchObject({ status: 'QUEUED', progress: 0 });
    // the API left the job to the worker, through the outbox
    const outbox: { n: string }[] = await api.dataSource.query(`SELECT count(*) AS n FROM outbox WHERE job_name = 'import-records.v1' AND payload->>'importId' = $1`, [id]);
    expect(Number(outbox[0].n)).toBe(1);

    await processor.process(id);
    const done = (await home.memberA.client.ok<{ importJob: Job }>(IMPORT_JOB, { id })).importJob;
    expect(done).toMatchObject({ status: 'COMPLETED', progress: 1, totalRows: 7, acceptedRows: 2, rejectedRows: 5 });
    expect(done.rejections.map((r) => [r.line, r.field])).toEqual([
      [4, 'debtor_name'],
      [5, 'debtor_credit_code'],
      [6, null],
      [7, 'amount'],
      [8, 'due_date'],
    ]);
    expect(done.rejections[0].reason).toContain('温州市错误名称有限公司');
    expect(done.rejections[2].reason).toMatch(/malformed line: 5 fields where the header has 7/);

    // the records, as their subject sees them
    const { records } = await home.memberB.client.ok<{ records: (RecordShape & { invoiceNo: string; amount: string })[] }>(RECORDS, {
      companyId: b.id,
      kind: 'TRADE_EXPERIENCE',
    });
    const mine = records.filter((r) => r.invoiceNo.startsWith(`IMP-${marker}`)).map((r) => [r.invoiceNo, r.amount, r.status]).sort();
    expect(mine).toEqual([
      [`IMP-${marker}-1`, '98000.00', 'PENDING'],
      [`IMP-${marker}-2`, '5600.50', 'PENDING'],
    ]);
    // another member may not watch this import; its coordinator may
    expect(onlyError(await home.memberB.client.request(IMPORT_JOB, { id })).extensions?.code).toBe('FORBIDDEN');
    expect((await home.coordinator.client.ok<{ importJob: Job }>(IMPORT_JOB, { id })).importJob.status).toBe('COMPLETED');
    const listed = await home.coordinator.client.ok<{ imports: { id: string }[] }>(`query($c: ID) { imports(consortiumId: $c) { id } }`, { c: home.consortium.id });
    expect(listed.imports.map((i) => i.id)).toContain(id);
  });

  it('lets the coordinator import public records (verified, negative: one notice per company) and a member its payments', async () => {
    const { home } = world;
    const marker = unique();
    const publics =
      'subject_credit_code,subject_name,public_kind,case_no,authority,event_date,ended_on,amount\n' +
      `${home.companyA.creditCode},${home.companyA.name},ENFORCEMENT,(2024)浙0302执${marker}号,温州市鹿城区人民法院,2024-11-05,,32000.00\n`;
    const sent = await upload('public-records', publics, home.coordinator);
    expect(sent.status).toBe(202);
    await processor.process(sent.body.id as string);
    const { records } = await home.memberA.client.ok<{ records: (RecordShape & { caseNo?: string })[] }>(
      `query($c: ID!) { records(companyId: $c, kind: PUBLIC_RECORD) { id status negative source ... on PublicRecord { caseNo authority } } }`,
      { c: home.companyA.id },
    );
    expect(records.find((r) => r.caseNo === `(2024)浙0302执${marker}号`)).toMatchObject({ status: 'VERIFIED', negative: true, source: 'COORDINATOR', authority: '温州市鹿城区人民法院' });

    const payments = `payment_kind,reference,payee,amount,due_date,paid_date\nUTILITY,2025-03 电费 ${marker},国网温州供电公司,3120.40,2025-04-10,2025-04-09\n`;
    const paid = await upload('payment-records', payments, home.memberA);
    expect(paid.status).toBe(202);
    expect(await processor.process(paid.body.id as string)).toMatchObject({ accepted: 1 });
  });

  it('refuses what it should, before storing anything', async () => {
    const { home } = world;
    const good = 'debtor_credit_code,invoice_no,amount,invoice_date,due_date\n';
    expect((await upload('trade-experiences', good, null)).status).toBe(401);
    expect(await upload('public-records', 'subject_credit_code,public_kind,case_no,authority,event_date\n', home.memberA)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await upload('trade-experiences', good, world.banker)).status).toBe(403);
    expect((await upload('trade-experiences', good, world.admin)).status).toBe(403);
    expect(await upload('trade-experiences', 'invoice_no,amount\n1,2\n', home.memberA)).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT', field: 'header' } });
    expect(await upload('trade-experiences', '', home.memberA)).toMatchObject({ status: 400, body: { field: 'body' } });
    expect(await upload('trade-experiences', good, home.memberA, 'text/plain')).toMatchObject({ status: 400, body: { field: 'content-type' } });
    expect((await upload('invoices', good, home.memberA)).status).toBe(404);
    const stored: { n: string }[] = await api.dataSource.query(`SELECT count(*) AS n FROM imports WHERE created_by = $1 AND status IN ('RECEIVING', 'FAILED')`, [
      home.memberA.user.id,
    ]);
    expect(Number(stored[0].n)).toBe(0);
  });

  it('re-importing the same file files nothing twice', async () => {
    const { home } = world;
    const marker = unique();
    const csv = `debtor_credit_code,invoice_no,amount,invoice_date,due_date,paid_date\n${home.companyB.creditCode},RE-${marker},700.00,2025-01-01,2025-01-31,2025-01-31\n`;
    const first = await upload('trade-experiences', csv, home.memberA);
    await processor.process(first.body.id as string);
    const second = await upload('trade-experiences', csv, home.memberA);
    await processor.process(second.body.id as string);
    const job = (await home.memberA.client.ok<{ importJob: Job }>(IMPORT_JOB, { id: second.body.id })).importJob;
    expect(job).toMatchObject({ acceptedRows: 0, unchangedRows: 1, rejectedRows: 0 });
  });
});
