import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { GraphQLClient } from '@app/testing';
import { type MovableClock, movableClock, type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';
import {
  CONFIRM,
  DISPUTE,
  evidence,
  EXPLAIN,
  FILE_GUARANTEE,
  FILE_LOAN,
  FILE_PAYMENT,
  FILE_PUBLIC,
  FILE_SOFT_SIGNAL,
  FILE_TAX_GRADE,
  type RecordShape,
  RESOLVE,
  reportTrade,
  SUBMIT_STATEMENT,
  statementInput,
  unique,
  VERIFY,
} from '../records/records-support';
import { fixtures, grant, inquiryCount } from './bank-support';

const REPORT = `query($c: String!) {
  creditReport(creditCode: $c, purpose: LOAN_APPLICATION) {
    inquiryId identification { name }
    paymentBehaviour { paymentIndex experiences totalAmount disputed byMonth { label experiences amount daysBeyondTerms severelyLateShare } byAmount { label experiences amount } }
    financialYears { fiscalYear disputed revenue equity ratios { name value } }
    obligations { byKind { kind payments onTime late unpaid amount disputed } taxCreditGrade { grade taxYear disputed } }
    loans { lender principal outstanding daysPastDue disputed }
    publicRecords { kind caseNo disputed }
    guaranteesGiven { counterparty amount disputed } guaranteesReceived { counterparty amount disputed }
    softInformation { kind reference disputed }
    openDisputes { recordKind deadline }
    companyStatements { recordKind about statement madeAt }
  }
}`;

const NAME = '温州市瓯海区鼎盛鞋业股份有限公司';

async function one(client: GraphQLClient, query: string, variables: Record<string, unknown>): Promise<RecordShape> {
  const data = await client.ok<Record<string, RecordShape>>(query, variables);
  return Object.values(data)[0];
}

describe('the credit report made of credit records', () => {
  let api: RunningApi;
  let world: World;
  let apiClock: MovableClock;
  let subject: SignedIn;
  let supplier: SignedIn;
  let coordinator: SignedIn;
  let creditCode: string;
  const cases: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    apiClock = movableClock(api);
    apiClock.at = new Date('2026-01-10T08:00:00Z');

    const consortium = await world.factories.consortium();
    const company = await world.factories.company(consortium.id, { name: NAME });
    const partner = await world.factories.company(consortium.id, { name: '温州市鹿城区恒达鞋材有限公司' });
    creditCode = company.creditCode;
    subject = await world.signIn(await world.factories.user('MEMBER', { companyId: company.id }));
    supplier = await world.signIn(await world.factories.user('MEMBER', { companyId: partner.id }));
    coordinator = await world.signIn(await world.factories.user('COORDINATOR', { consortiumId: consortium.id }));
    await fixtures(api).rating(company);
    await grant(subject, world.bank.id, 'REPORT');

    // trade: the supplier files, the subject confirms (VERIFIED)
    const confirmed = async (overrides: Record<string, unknown>) => {
      const r = await reportTrade(supplier.client, creditCode, overrides);
      return one(subject.client, CONFIRM, { id: r.id });
    };
    await confirmed({ amount: '8000.00', invoiceDate: '2025-09-01', dueDate: '2025-10-01', paidDate: '2025-10-01' });
    await confirmed({ amount: '120000.00', invoiceDate: '2025-09-15', dueDate: '2025-10-15', paidDate: '2025-10-25' });
    const late = await confirmed({ amount: '60000.00', invoiceDate: '2025-10-01', dueDate: '2025-11-01', paidDate: '2025-12-16' }); // 45 days late: negative
    await one(subject.client, EXPLAIN, { id: late.id, statement: '客户退货纠纷，已结清' });
    // open, not yet due: on time so far, and counted by the payment index as by the report
    await confirmed({ amount: '20000.00', invoiceDate: '2026-01-05', dueDate: '2026-02-04', paidDate: null });
    // disputed (open), rejected after a dispute, and pending: the first marked, the others absent
    const disputed = await reportTrade(supplier.client, creditCode, { amount: '77777.00', invoiceDate: '2025-11-01', dueDate: '2025-12-01', paidDate: '2025-12-20' });
    await one(subject.client, DISPUTE, { id: disputed.id, reason: '金额有误' });
    const rejected = await reportTrade(supplier.client, creditCode, { amount: '99999.00', invoiceDate: '2025-11-05', dueDate: '2025-12-05', paidDate: null });
    await one(subject.client, DISPUTE, { id: rejected.id, reason: '从未发生此交易' });
    await one(coordinator.client, RESOLVE, { id: rejected.id, resolution: 'RECORD_REJECTED', note: '供应商无法提供送货单' });
    await reportTrade(supplier.client, creditCode, { amount: '55555.00', invoiceDate: '2025-11-10', dueDate: '2025-12-10', paidDate: '2025-12-10' });

    // the statement, verified by the coordinator
    const statement = await one(subject.client, SUBMIT_STATEMENT, { input: statementInput({ fiscalYear: 2024 }) });
    await one(coordinator.client, VERIFY, { id: statement.id });
    // official payment exports, a tax credit grade
    const pay = (reference: string, dueDate: string, paidDate: string | null) =>
      one(coordinator.client, FILE_PAYMENT, { input: { subjectCreditCode: creditCode, paymentKind: 'TAX', reference, amount: '30000.00', dueDate, paidDate } });
    await pay('2025-09 增值税', '2025-10-15', '2025-10-10');
    await pay('2025-10 增值税', '2025-11-15', '2025-11-20');
    await one(coordinator.client, FILE_TAX_GRADE, { input: { subjectCreditCode: creditCode, taxYear: 2024, grade: 'B', publishedOn: '2025-04-20' } });
    // a loan from the bank, a public record ended long ago (expired) and a recent one
    await one(world.banker.client, FILE_LOAN, {
      input: { borrowerCreditCode: creditCode, contractNo: `JK-${unique()}`, principal: '500000.00', outstanding: '350000.00', startDate: '2025-01-01', maturityDate: '2027-01-01' },
    });
    cases.expired = `(2015)浙0302执${unique()}号`;
    cases.recent = `(2025)浙0304执${unique()}号`;
    // filed while it lasted, then corrected with the day it ended: expired since 2024-06-30 (a new
    // record of it would be refused)
    const enforcement = { subjectCreditCode: creditCode, publicKind: 'ENFORCEMENT', caseNo: cases.expired, authority: '温州市鹿城区人民法院', eventDate: '2015-03-01' };
    await one(coordinator.client, FILE_PUBLIC, { input: enforcement });
    await one(coordinator.client, FILE_PUBLIC, { input: { ...enforcement, endedOn: '2019-06-30' } });
    const judgment = await one(coordinator.client, FILE_PUBLIC, {
      input: { subjectCreditCode: creditCode, publicKind: 'JUDGMENT', caseNo: cases.recent, authority: '温州市瓯海区人民法院', eventDate: '2025-06-01', amount: '18000.00' },
    });
    apiClock.at = new Date('2026-01-11T08:00:00Z');
    await one(subject.client, EXPLAIN, { id: judgment.id, statement: '判决款项已全额履行' });
    // guarantees: the subject guarantees the partner's debt, and the partner the subject's
    const given = await one(subject.client, FILE_GUARANTEE, { input: { borrowerCreditCode: partner.creditCode, contractNo: `DB-${unique()}`, amount: '200000.00', startDate: '2025-03-01' } });
    await one(supplier.client, CONFIRM, { id: given.id });
    const received = await one(supplier.client, FILE_GUARANTEE, { input: { borrowerCreditCode: creditCode, contractNo: `DB-${unique()}`, amount: '150000.00', startDate: '2025-04-01' } });
    await one(subject.client, CONFIRM, { id: received.id });
    const certificate = await one(subject.client, FILE_SOFT_SIGNAL, { input: { signalKind: 'CERTIFICATION', reference: 'ISO 9001:2015', recordedOn: '2025-05-01', value: 1, evidence: evidence('证书.pdf') } });
    await one(coordinator.client, VERIFY, { id: certificate.id });

    // negative information still in its notice period on the report's day, disputed at once:
    // neither the record nor its dispute shows to the bank
    apiClock.at = new Date('2026-01-24T08:00:00Z');
    cases.noticed = `(2026)浙0302执${unique()}号`;
    const noticed = await one(coordinator.client, FILE_PUBLIC, {
      input: { subjectCreditCode: creditCode, publicKind: 'ENFORCEMENT', caseNo: cases.noticed, authority: '温州市鹿城区人民法院', eventDate: '2026-01-20' },
    });
    await one(subject.client, DISPUTE, { id: noticed.id, reason: '执行案件已撤销' });

    // past every other notice period
    apiClock.at = new Date('2026-01-25T08:00:00Z');
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await api.close();
  });

  it('shows every section from the records that count, disputed ones marked, rejected, pending and expired ones never', async () => {
    const { creditReport: r } = await world.banker.client.ok<{ creditReport: Record<string, never> }>(REPORT, { c: creditCode });
    const report = r as unknown as {
      paymentBehaviour: { paymentIndex: number | null; experiences: number; totalAmount: string; disputed: number; byMonth: { label: string; daysBeyondTerms: number; severelyLateShare: number }[]; byAmount: { label: string; experiences: number }[] };
      financialYears: { fiscalYear: number; disputed: boolean; ratios: { name: string; value: number | null }[] }[];
      obligations: { byKind: { kind: string; payments: number; onTime: number; late: number }[]; taxCreditGrade: { grade: string } | null };
      loans: { lender: string; outstanding: string }[];
      publicRecords: { kind: string; caseNo: string }[];
      guaranteesGiven: { counterparty: string; amount: string }[];
      guaranteesReceived: { counterparty: string; amount: string }[];
      softInformation: { reference: string }[];
      openDisputes: { recordKind: string; deadline: string }[];
      companyStatements: { recordKind: string; about: string; statement: string; madeAt: string }[];
    };
    // four verified invoices count, the one not yet due included, as the payment index counts
    // them; the disputed one is only counted as disputed
    expect(report.paymentBehaviour).toMatchObject({ experiences: 4, totalAmount: '208000.00', disputed: 1 });
    expect(report.paymentBehaviour.paymentIndex).not.toBeNull();
    expect(report.paymentBehaviour.byMonth.map((m) => m.label)).toEqual(['2026-02', '2025-11', '2025-10']);
    expect(report.paymentBehaviour.byMonth[0]).toMatchObject({ label: '2026-02', daysBeyondTerms: 0, severelyLateShare: 0 });
    // October: 8,000 on time and 120,000 ten days late: (120000 x 10) / 128000 = 9.4 days
    expect(report.paymentBehaviour.byMonth[2]).toMatchObject({ label: '2025-10', daysBeyondTerms: 9.4, severelyLateShare: 0 });
    expect(report.paymentBehaviour.byMonth[1]).toMatchObject({ label: '2025-11', daysBeyondTerms: 45, severelyLateShare: 1 });
    expect(report.paymentBehaviour.byAmount.map((b) => [b.label, b.experiences])).toEqual([
      ['< ¥10,000', 1],
      ['¥10,000 - 50,000', 1],
      ['¥50,000 - 200,000', 2],
    ]);
    expect(report.financialYears).toHaveLength(1);
    expect(report.financialYears[0]).toMatchObject({ fiscalYear: 2024, disputed: false });
    expect(report.financialYears[0].ratios).toEqual(expect.arrayContaining([{ name: 'Net margin', value: 0.05 }, { name: 'Debt ratio', value: 0.5625 }]));
    expect(report.obligations.byKind).toEqual([expect.objectContaining({ kind: 'TAX', payments: 2, onTime: 1, late: 1 })]);
    expect(report.obligations.taxCreditGrade).toMatchObject({ grade: 'B' });
    expect(report.loans).toEqual([expect.objectContaining({ lender: world.bank.name, outstanding: '350000.00' })]);
    expect(report.publicRecords.map((p) => p.caseNo)).toEqual([cases.recent]);
    expect(report.guaranteesGiven).toEqual([expect.objectContaining({ counterparty: '温州市鹿城区恒达鞋材有限公司', amount: '200000.00' })]);
    expect(report.guaranteesReceived).toEqual([expect.objectContaining({ counterparty: '温州市鹿城区恒达鞋材有限公司', amount: '150000.00' })]);
    expect(report.softInformation.map((s) => s.reference)).toEqual(['ISO 9001:2015']);
    expect(report.openDisputes).toEqual([{ recordKind: 'TRADE_EXPERIENCE', deadline: expect.stringMatching(/^2026-01-\d\d$/) }]);
    // the company's statements on the negative information shown, newest first; no supplier named
    expect(report.companyStatements).toEqual([
      { recordKind: 'PUBLIC_RECORD', about: `JUDGMENT ${cases.recent}`, statement: '判决款项已全额履行', madeAt: '2026-01-11T08:00:00.000Z' },
      { recordKind: 'TRADE_EXPERIENCE', about: '¥60000.00, due 2025-11-01', statement: '客户退货纠纷，已结清', madeAt: '2026-01-10T08:00:00.000Z' },
    ]);
    // nothing of the rejected, pending or expired records anywhere in the answer
    const text = JSON.stringify(r);
    for (const absent of ['99999', '55555', cases.expired, cases.noticed]) expect(text).not.toContain(absent);
  });

  it('renders the PDF with every section and the disputed mark', async () => {
    const response = await fetch(`${api.url}/v1/reports/${creditCode}/pdf?purpose=LOAN_APPLICATION`, { headers: { authorization: `Bearer ${world.banker.token}` } });
    expect(response.status).toBe(200);
    const dir = join(tmpdir(), `credit-report-records-${creditCode}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'report.pdf'), Buffer.from(await response.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' });
    for (const expected of [NAME, '付款表现', '财务信息', '履约信息', '公共记录', '担保信息', '软信息', '异议', '企业声明', '判决款项已全额履行', '查询记录', '判决 Judgment', '温州市瓯海区人民法院', '温州市鹿城区恒达鞋材有限公司', 'ISO 9001:2015']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain(cases.expired);
    execFileSync('pdftoppm', ['-png', '-r', '70', join(dir, 'report.pdf'), join(dir, 'page')]);
    expect(await inquiryCount(api, (await api.dataSource.query('SELECT id FROM companies WHERE credit_code = $1', [creditCode]))[0].id)).toBe(2);
  });
});
