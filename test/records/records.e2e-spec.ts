import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Company } from '@app/domain';
import { type GraphQLClient, onlyError } from '@app/testing';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type SignedIn, type World } from '../support/world';
import {
  CONFIRM,
  DISPUTE,
  evidence,
  FILE_GUARANTEE,
  FILE_LOAN,
  FILE_PAYMENT,
  FILE_PUBLIC,
  FILE_SOFT_SIGNAL,
  FILE_TAX_GRADE,
  loanInput,
  RECORD,
  RECORDS,
  type RecordShape,
  REPORT_PAYABLE,
  REPORT_TRADE,
  reportTrade,
  RESOLVE,
  statementInput,
  SUBMIT_STATEMENT,
  tradeInput,
  unique,
  VERIFY,
} from './records-support';

const code = (r: { errors?: readonly { extensions?: { code?: string } }[] }): string | undefined => r.errors?.[0]?.extensions?.code;

describe('verified credit records over GraphQL', () => {
  let api: RunningApi;
  let world: World;
  let third: SignedIn;
  let companyC: Company;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    companyC = await world.factories.company(world.home.consortium.id);
    third = await world.signIn(await world.factories.user('MEMBER', { companyId: companyC.id }));
  });
  afterAll(async () => api.close());

  async function data<T>(client: GraphQLClient, query: string, variables: Record<string, unknown>): Promise<T> {
    return client.ok<T>(query, variables);
  }
  const one = async (client: GraphQLClient, query: string, variables: Record<string, unknown>): Promise<RecordShape> =>
    Object.values(await data<Record<string, RecordShape>>(client, query, variables))[0];

  describe('trade experiences', () => {
    it('only a MEMBER reports, as the creditor; the debtor confirms; the creditor may not; a second confirmation is CONFLICT', async () => {
      const { home } = world;
      for (const caller of [home.coordinator, world.admin, world.banker]) {
        expect(code(await caller.client.request(REPORT_TRADE, { input: tradeInput(home.companyB.creditCode) }))).toBe('FORBIDDEN');
      }
      const record = await reportTrade(home.memberA.client, home.companyB.creditCode);
      expect(record).toMatchObject({ kind: 'TRADE_EXPERIENCE', status: 'PENDING', version: 1, source: 'MEMBER', subject: { id: home.companyB.id }, side: 'SUPPLIER' });
      expect(record.creditor).toEqual({ id: home.companyA.id });
      expect(record.daysBeyondTerms).toBe(6);
      expect(code(await home.memberA.client.request(CONFIRM, { id: record.id }))).toBe('FORBIDDEN');
      expect(code(await third.client.request(CONFIRM, { id: record.id }))).toBe('FORBIDDEN');
      expect(code(await world.other.memberA.client.request(CONFIRM, { id: record.id }))).toBe('FORBIDDEN');
      expect(await one(home.memberB.client, CONFIRM, { id: record.id })).toMatchObject({ id: record.id, status: 'VERIFIED' });
      expect(code(await home.memberB.client.request(CONFIRM, { id: record.id }))).toBe('CONFLICT');
      expect(code(await home.coordinator.client.request(VERIFY, { id: record.id }))).toBe('CONFLICT');
    });

    it('the subject disputes, only its coordinator resolves; a rejected record takes no further move', async () => {
      const { home } = world;
      const record = await reportTrade(home.memberA.client, home.companyB.creditCode);
      expect(code(await home.memberA.client.request(DISPUTE, { id: record.id, reason: '我方并非债务人' }))).toBe('FORBIDDEN');
      const disputed = await one(home.memberB.client, DISPUTE, { id: record.id, reason: '发票金额有误，实际为 98,000 元' });
      expect(disputed).toMatchObject({ status: 'DISPUTED', dispute: { reason: '发票金额有误，实际为 98,000 元' } });
      expect(code(await home.memberB.client.request(DISPUTE, { id: record.id, reason: 'again' }))).toBe('CONFLICT');
      expect(code(await home.coordinator.client.request(VERIFY, { id: record.id }))).toBe('CONFLICT');
      const resolve = { id: record.id, resolution: 'RECORD_REJECTED', note: '经核实供应商填报有误' };
      for (const caller of [home.memberA, home.memberB, world.other.coordinator, world.admin, world.banker]) {
        expect(code(await caller.client.request(RESOLVE, resolve))).toBe('FORBIDDEN');
      }
      // a settlement needs the coordinator's reasons: without them it is refused and settles nothing
      expect(onlyError(await home.coordinator.client.request(RESOLVE, { ...resolve, note: '  ' })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
      expect(await one(home.memberB.client, RECORD, { id: record.id })).toMatchObject({ status: 'DISPUTED' });
      expect(await one(home.coordinator.client, RESOLVE, resolve)).toMatchObject({ status: 'REJECTED' });
      expect(code(await home.memberB.client.request(DISPUTE, { id: record.id, reason: 'x' }))).toBe('CONFLICT');
      expect(code(await home.coordinator.client.request(RESOLVE, resolve))).toBe('CONFLICT');

      // the filer hears of the dispute, with the subject's reasons, and of its settlement, once each
      type Listed = { notices: { kind: string; recordId: string | null; message: string }[] };
      const NOTICES = `query($c: ID) { notices(companyId: $c, limit: 200) { kind recordId message } }`;
      const aboutRecord = (listed: Listed) => listed.notices.filter((n) => n.recordId === record.id);
      const filer = aboutRecord(await data<Listed>(home.memberA.client, NOTICES, { c: home.companyA.id }));
      expect(filer.map((n) => n.kind).sort()).toEqual(['FILING_DISPUTED', 'FILING_DISPUTE_RESOLVED']);
      expect(filer.find((n) => n.kind === 'FILING_DISPUTED')?.message).toContain('发票金额有误，实际为 98,000 元');
      expect(filer.find((n) => n.kind === 'FILING_DISPUTE_RESOLVED')?.message).toMatch(/rejected.*经核实供应商填报有误/);
      // the subject gets its own answer, not the filer's notices; the coordinator reads the filer's
      expect(aboutRecord(await data<Listed>(home.memberB.client, NOTICES, { c: home.companyB.id })).map((n) => n.kind)).toEqual(['DISPUTE_RESOLVED']);
      expect(aboutRecord(await data<Listed>(home.coordinator.client, NOTICES, { c: home.companyA.id })).map((n) => n.kind).sort()).toEqual(['FILING_DISPUTED', 'FILING_DISPUTE_RESOLVED']);
      expect(code(await third.client.request(NOTICES, { c: home.companyA.id }))).toBe('FORBIDDEN');
    });

    it("the buyer's own payable and the supplier's receivable match and verify each other; a difference flags both", async () => {
      const { home } = world;
      const input = tradeInput(home.companyB.creditCode);
      const receivable = await reportTrade(home.memberA.client, home.companyB.creditCode, input);
      const { debtorCreditCode: _d, ...rest } = input;
      const payable = await one(home.memberB.client, REPORT_PAYABLE, { input: { ...rest, creditorCreditCode: home.companyA.creditCode } });
      expect(payable).toMatchObject({ side: 'BUYER', status: 'VERIFIED', matchStatus: 'MATCHED', subject: { id: home.companyB.id }, creditor: { id: home.companyA.id } });
      const again = await data<{ record: RecordShape }>(home.memberA.client, RECORD, { id: receivable.id });
      expect(again.record.status).toBe('VERIFIED');

      const other = tradeInput(home.companyB.creditCode);
      await reportTrade(home.memberA.client, home.companyB.creditCode, other);
      const { debtorCreditCode: _e, ...different }: Record<string, unknown> = { ...other, amount: '1.00' };
      const flagged = await one(home.memberB.client, REPORT_PAYABLE, { input: { ...different, creditorCreditCode: home.companyA.creditCode } });
      expect(flagged).toMatchObject({ status: 'PENDING', matchStatus: 'MISMATCHED' });
      const notices = await data<{ notices: { kind: string; message: string }[] }>(home.coordinator.client, `query($c: ID) { notices(consortiumId: $c) { kind message } }`, {
        c: home.consortium.id,
      });
      expect(notices.notices.some((n) => n.kind === 'TRADE_MISMATCH' && n.message.includes(other.invoiceNo as string))).toBe(true);
    });

    it('identical resubmission is the same record; other content is its next version, the old one kept readable', async () => {
      const { home } = world;
      const input = tradeInput(home.companyB.creditCode, { paidDate: null });
      const first = await reportTrade(home.memberA.client, home.companyB.creditCode, input);
      const same = await reportTrade(home.memberA.client, home.companyB.creditCode, input);
      expect(same).toMatchObject({ id: first.id, version: 1 });
      const paid = await reportTrade(home.memberA.client, home.companyB.creditCode, { ...input, paidDate: '2025-02-20' });
      expect(paid).toMatchObject({ id: first.id, version: 2, status: 'PENDING', paidDate: '2025-02-20' });
      const seen = await data<{ record: { versions: { version: number; current: boolean; paidDate: string | null }[] } }>(home.memberB.client, RECORD, { id: first.id });
      expect(seen.record.versions).toEqual([
        { version: 1, status: 'PENDING', current: false, amount: '125000.50', paidDate: null },
        { version: 2, status: 'PENDING', current: true, amount: '125000.50', paidDate: '2025-02-20' },
      ]);
      const rows: { n: string }[] = await api.dataSource.query('SELECT count(*) AS n FROM trade_experiences WHERE record_id = $1', [first.id]);
      expect(Number(rows[0].n)).toBe(2);
    });

    it('an idempotency key replays the first answer; with other input it is CONFLICT; keys belong to their caller', async () => {
      const { home } = world;
      const key = `key-${unique()}`;
      const input = tradeInput(home.companyB.creditCode);
      const first = await data<{ reportTradeExperience: RecordShape }>(home.memberA.client, REPORT_TRADE, { input, key });
      const replay = await data<{ reportTradeExperience: RecordShape }>(home.memberA.client, REPORT_TRADE, { input, key });
      expect(replay.reportTradeExperience).toEqual(first.reportTradeExperience);
      // the same filing spelled otherwise is the same request: it replays, it is not CONFLICT
      for (const spelling of [{ amount: '125000.5' }, { currency: null }, { currency: 'cny' }, { debtorCreditCode: ` ${input.debtorCreditCode} ` }]) {
        const again = await data<{ reportTradeExperience: RecordShape }>(home.memberA.client, REPORT_TRADE, { input: { ...input, ...spelling }, key });
        expect(again.reportTradeExperience).toEqual(first.reportTradeExperience);
      }
      const writes = `SELECT (SELECT count(*) FROM trade_experiences WHERE invoice_no = $1) AS versions, (SELECT max(seq) FROM audit_log) AS audited, (SELECT coalesce(max(id), 0) FROM outbox) AS outbox`;
      const before = (await api.dataSource.query(writes, [input.invoiceNo]))[0];
      const other = onlyError(await home.memberA.client.request(REPORT_TRADE, { input: { ...input, amount: '1.00' }, key }));
      expect(other.extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
      // the refused call wrote nothing: no new version (its other amount would be one), no audit entry, no outbox row
      expect((await api.dataSource.query(writes, [input.invoiceNo]))[0]).toEqual(before);
      expect(before.versions).toBe('1');
      // another caller's key of the same name is its own
      const theirs = await data<{ reportTradeExperience: RecordShape }>(third.client, REPORT_TRADE, { input: tradeInput(home.companyB.creditCode), key });
      expect(theirs.reportTradeExperience.id).not.toBe(first.reportTradeExperience.id);
      // ten at once with one key: one record
      const burstKey = `burst-${unique()}`;
      const burstInput = tradeInput(home.companyB.creditCode);
      const answers = await Promise.all(Array.from({ length: 10 }, () => home.memberA.client.request<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, { input: burstInput, key: burstKey })));
      expect(new Set(answers.map((a) => JSON.stringify(a.data?.reportTradeExperience))).size).toBe(1);
      const rows: { n: string }[] = await api.dataSource.query(`SELECT count(*) AS n FROM trade_experiences WHERE invoice_no = $1`, [burstInput.invoiceNo]);
      expect(Number(rows[0].n)).toBe(1);
    });

    it('every bad input of the issue is BAD_USER_INPUT naming the field, and writes nothing', async () => {
      const { home } = world;
      const marker = `BAD-${unique()}`;
      const cases: [Record<string, unknown>, string][] = [
        [{ debtorCreditCode: world.other.companyA.creditCode }, 'input.debtorCreditCode'],
        [{ debtorCreditCode: home.companyA.creditCode }, 'input.debtorCreditCode'],
        [{ debtorCreditCode: '91330300MA2AYBGX0A' }, 'input.debtorCreditCode'],
        [{ amount: '0' }, 'input.amount'],
        [{ amount: '-100.00' }, 'input.amount'],
        [{ amount: 100 }, 'input.amount'],
        [{ dueDate: '2025-01-09' }, 'input.dueDate'],
        [{ paidDate: '2999-01-01' }, 'input.paidDate'],
        [{ invoiceDate: '2025-02-30' }, 'input.invoiceDate'],
        [{ currency: 'XYZ' }, 'input.currency'],
        [{ evidence: { sha256: 'not-a-hash', name: 'x.pdf' } }, 'input.evidence.sha256'],
      ];
      for (const [change, field] of cases) {
        const error = onlyError(await home.memberA.client.request(REPORT_TRADE, { input: { ...tradeInput(home.companyB.creditCode), invoiceNo: marker, ...change } }));
        expect({ change, code: error.extensions?.code, field: error.extensions?.field }).toEqual({ change, code: 'BAD_USER_INPUT', field });
      }
      const statementCases: [Record<string, unknown>, string][] = [
        [{ fiscalYear: new Date().getUTCFullYear() + 1 }, 'input.fiscalYear'],
        [{ totalAssets: '0.00' }, 'input.totalAssets'],
        [{ currency: 'EUR' }, 'input.currency'],
      ];
      for (const [change, field] of statementCases) {
        const error = onlyError(await home.memberA.client.request(SUBMIT_STATEMENT, { input: statementInput({ fiscalYear: 1999, ...change }) }));
        expect({ change, code: error.extensions?.code, field: error.extensions?.field }).toEqual({ change, code: 'BAD_USER_INPUT', field });
      }
      const written: { n: string }[] = await api.dataSource.query(
        `SELECT (SELECT count(*) FROM trade_experiences WHERE invoice_no = $1) + (SELECT count(*) FROM financial_statements WHERE subject_id = $2 AND fiscal_year IN (1999, $3)) AS n`,
        [marker, home.companyA.id, new Date().getUTCFullYear() + 1],
      );
      expect(Number(written[0].n)).toBe(0);
    });
  });

  describe('the other kinds, each by exactly its filer and verifier', () => {
    it('financial statement: the company files (an auditor\'s report verifies it), its coordinator verifies otherwise', async () => {
      const { home } = world;
      for (const caller of [home.coordinator, world.admin, world.banker]) expect(code(await caller.client.request(SUBMIT_STATEMENT, { input: statementInput() }))).toBe('FORBIDDEN');
      const filed = await one(home.memberA.client, SUBMIT_STATEMENT, { input: statementInput({ fiscalYear: 2023, cash: '250000.00' }) });
      expect(filed).toMatchObject({ kind: 'FINANCIAL_STATEMENT', status: 'PENDING', fiscalYear: 2023, cash: '250000.00', inventory: null, audited: false });
      expect(code(await home.memberA.client.request(CONFIRM, { id: filed.id }))).toBe('FORBIDDEN');
      expect(code(await world.other.coordinator.client.request(VERIFY, { id: filed.id }))).toBe('FORBIDDEN');
      expect(await one(home.coordinator.client, VERIFY, { id: filed.id })).toMatchObject({ status: 'VERIFIED' });
      const audited = await one(home.memberA.client, SUBMIT_STATEMENT, { input: statementInput({ fiscalYear: 2022, auditReport: evidence('2022年度审计报告.pdf') }) });
      expect(audited).toMatchObject({ status: 'VERIFIED', audited: true });
    });

    it('payment record and tax credit grade: the company (pending) or its coordinator from an official export (verified)', async () => {
      const { home } = world;
      const payment = { paymentKind: 'TAX', reference: `2025-03 增值税 ${unique()}`, amount: '12345.67', dueDate: '2025-04-15', paidDate: '2025-04-14' };
      const own = await one(home.memberA.client, FILE_PAYMENT, { input: payment });
      expect(own).toMatchObject({ kind: 'PAYMENT_RECORD', status: 'PENDING', source: 'MEMBER', subject: { id: home.companyA.id }, daysBeyondTerms: -1 });
      expect(await one(home.coordinator.client, VERIFY, { id: own.id })).toMatchObject({ status: 'VERIFIED' });
      const official = await one(home.coordinator.client, FILE_PAYMENT, { input: { ...payment, subjectCreditCode: home.companyB.creditCode } });
      expect(official).toMatchObject({ status: 'VERIFIED', source: 'COORDINATOR', subject: { id: home.companyB.id } });
      expect(code(await home.memberA.client.request(FILE_PAYMENT, { input: { ...payment, subjectCreditCode: home.companyB.creditCode } }))).toBe('FORBIDDEN');
      expect(code(await world.other.coordinator.client.request(FILE_PAYMENT, { input: { ...payment, subjectCreditCode: home.companyB.creditCode } }))).toBe('FORBIDDEN');
      expect(code(await world.banker.client.request(FILE_PAYMENT, { input: payment }))).toBe('FORBIDDEN');
      const grade = await one(home.coordinator.client, FILE_TAX_GRADE, { input: { subjectCreditCode: home.companyB.creditCode, taxYear: 2024, grade: 'A', publishedOn: '2025-04-20' } });
      expect(grade).toMatchObject({ kind: 'TAX_CREDIT_GRADE', status: 'VERIFIED', grade: 'A' });
      expect(onlyError(await home.memberA.client.request(FILE_TAX_GRADE, { input: { taxYear: 2024, grade: 'A', publishedOn: '2024-12-01' } })).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.publishedOn',
      });
    });

    it('loan record: only a bank files it, verified on filing; the borrower may dispute it and the coordinator settles', async () => {
      const { home } = world;
      const loan = loanInput(home.companyA.creditCode, {
        repayments: [
          { dueDate: '2024-07-15', amount: '125000.00', paidDate: '2024-07-15' },
          { dueDate: '2025-01-15', amount: '125000.00', paidDate: '2025-01-20' },
        ],
      });
      for (const caller of [home.memberA, home.coordinator, world.admin]) expect(code(await caller.client.request(FILE_LOAN, { input: loan }))).toBe('FORBIDDEN');
      const filed = await one(world.banker.client, FILE_LOAN, { input: loan });
      expect(filed).toMatchObject({ kind: 'LOAN_RECORD', status: 'VERIFIED', source: 'BANK', lender: { id: world.bank.id }, subject: { id: home.companyA.id } });
      expect(code(await home.memberA.client.request(CONFIRM, { id: filed.id }))).toBe('CONFLICT');
      expect(await one(home.memberA.client, DISPUTE, { id: filed.id, reason: '第二期已按时还款' })).toMatchObject({ status: 'DISPUTED' });
      expect(await one(home.coordinator.client, RESOLVE, { id: filed.id, resolution: 'RECORD_CONFIRMED', note: '银行流水显示延迟5天' })).toMatchObject({ status: 'VERIFIED' });
      expect(onlyError(await world.banker.client.request(FILE_LOAN, { input: { ...loan, borrowerCreditCode: '91330300MA2AYBGX0A' } })).extensions?.field).toBe('input.borrowerCreditCode');
    });

    it('public record: filed by the subject\'s coordinator, verified, negative (a notice first); disputed and settled', async () => {
      const { home } = world;
      const input = { subjectCreditCode: home.companyB.creditCode, publicKind: 'JUDGMENT', caseNo: `(2024)浙0302民初${unique()}号`, authority: '温州市鹿城区人民法院', eventDate: '2024-09-01' };
      for (const caller of [home.memberA, world.other.coordinator, world.admin, world.banker]) expect(code(await caller.client.request(FILE_PUBLIC, { input }))).toBe('FORBIDDEN');
      const filed = await one(home.coordinator.client, FILE_PUBLIC, { input });
      expect(filed).toMatchObject({ kind: 'PUBLIC_RECORD', status: 'VERIFIED', negative: true, source: 'COORDINATOR', caseNo: input.caseNo });
      const notices = await data<{ notices: { kind: string; recordId: string }[] }>(home.memberB.client, `query($c: ID) { notices(companyId: $c) { kind recordId } }`, { c: home.companyB.id });
      expect(notices.notices).toContainEqual({ kind: 'NEGATIVE_INFORMATION', recordId: filed.id });
      expect(await one(home.memberB.client, DISPUTE, { id: filed.id, reason: '判决已履行完毕' })).toMatchObject({ status: 'DISPUTED' });
      expect(await one(home.coordinator.client, RESOLVE, { id: filed.id, resolution: 'RECORD_CONFIRMED', note: '判决书与执行记录一致' })).toMatchObject({ status: 'VERIFIED' });
      // the written answer to the one who disputed, with the decision and its reasons
      const answered = await data<{ notices: { kind: string; recordId: string; message: string }[] }>(home.memberB.client, `query($c: ID) { notices(companyId: $c) { kind recordId message } }`, {
        c: home.companyB.id,
      });
      const answer = answered.notices.filter((n) => n.kind === 'DISPUTE_RESOLVED' && n.recordId === filed.id);
      expect(answer).toHaveLength(1);
      expect(answer[0].message).toMatch(/found correct.*判决书与执行记录一致/);
    });

    it('guarantee: the guarantor files, the borrower confirms; the guarantor may not confirm its own filing', async () => {
      const { home } = world;
      const input = { borrowerCreditCode: home.companyB.creditCode, contractNo: `BZ-${unique()}`, amount: '2000000.00', startDate: '2024-03-01', endDate: '2027-02-28' };
      for (const caller of [home.coordinator, world.admin, world.banker]) expect(code(await caller.client.request(FILE_GUARANTEE, { input }))).toBe('FORBIDDEN');
      const filed = await one(home.memberA.client, FILE_GUARANTEE, { input });
      expect(filed).toMatchObject({ kind: 'GUARANTEE', status: 'PENDING', subject: { id: home.companyB.id }, guarantor: { id: home.companyA.id } });
      expect(code(await home.memberA.client.request(CONFIRM, { id: filed.id }))).toBe('FORBIDDEN');
      expect(await one(home.memberB.client, CONFIRM, { id: filed.id })).toMatchObject({ status: 'VERIFIED' });
      expect(onlyError(await home.memberA.client.request(FILE_GUARANTEE, { input: { ...input, borrowerCreditCode: world.other.companyA.creditCode } })).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.borrowerCreditCode',
      });
    });

    it("soft signal: the company files with evidence, the coordinator verifies; the owner's band only with the owner's consent", async () => {
      const { home } = world;
      const input = { signalKind: 'CERTIFICATION', reference: `ISO 9001:2015 ${unique()}`, recordedOn: '2025-01-10', evidence: evidence('ISO9001证书.pdf') };
      for (const caller of [home.coordinator, world.admin, world.banker]) expect(code(await caller.client.request(FILE_SOFT_SIGNAL, { input }))).toBe('FORBIDDEN');
      const filed = await one(home.memberA.client, FILE_SOFT_SIGNAL, { input });
      expect(filed).toMatchObject({ kind: 'SOFT_SIGNAL', status: 'PENDING', value: 1, ownerConsentOnFile: false });
      expect(code(await home.memberA.client.request(CONFIRM, { id: filed.id }))).toBe('FORBIDDEN');
      expect(await one(home.coordinator.client, VERIFY, { id: filed.id })).toMatchObject({ status: 'VERIFIED' });
      const band = { signalKind: 'OWNER_CREDIT_BAND', reference: `法定代表人个人信用 ${unique()}`, value: 2, recordedOn: '2025-01-10', evidence: evidence('个人信用报告摘要.pdf') };
      expect(onlyError(await home.memberA.client.request(FILE_SOFT_SIGNAL, { input: band })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.ownerConsent' });
      const withConsent = await one(home.memberA.client, FILE_SOFT_SIGNAL, {
        input: { ...band, ownerConsent: { ownerName: '王建国', document: evidence('个人信息使用授权书.pdf'), signedOn: '2025-01-05' } },
      });
      expect(withConsent).toMatchObject({ ownerConsentOnFile: true });
      const consents: { owner_name: string }[] = await api.dataSource.query('SELECT owner_name FROM owner_consents WHERE company_id = $1', [home.companyA.id]);
      expect(consents).toEqual([{ owner_name: '王建国' }]);
    });

    it("the owner's band: a consent the owner withdrew is not revived by filing the band again with the same signed document", async () => {
      const { home } = world;
      const signed = evidence('个人信息使用授权书.pdf');
      const band = { signalKind: 'OWNER_CREDIT_BAND', reference: `法定代表人个人信用 ${unique()}`, value: 2, recordedOn: '2025-01-10', evidence: evidence('个人信用报告摘要.pdf') };
      const consent = { ownerName: '赵丽华', document: signed, signedOn: '2025-01-05' };
      const filed = await one(home.memberB.client, FILE_SOFT_SIGNAL, { input: { ...band, ownerConsent: consent } });
      const REVOKE = 'mutation($id: ID!) { revokeOwnerConsent(id: $id) { id ... on SoftSignal { ownerConsentRevokedAt } } }';
      await data(home.memberB.client, REVOKE, { id: filed.id });
      const consents = (): Promise<{ revoked: boolean }[]> =>
        api.dataSource.query('SELECT revoked_at IS NOT NULL AS revoked FROM owner_consents WHERE company_id = $1 AND document_sha256 = $2', [
          home.companyB.id,
          Buffer.from(signed.sha256, 'hex'),
        ]);
      expect(await consents()).toEqual([{ revoked: true }]);

      // the same filing again, a new band value, the same document under another spelling of the name: all refused
      for (const input of [
        { ...band, ownerConsent: consent },
        { ...band, value: 1, ownerConsent: consent },
        { ...band, value: 1, ownerConsent: { ...consent, ownerName: '赵 丽华' } },
      ]) {
        expect(onlyError(await home.memberB.client.request(FILE_SOFT_SIGNAL, { input })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.ownerConsent.document' });
      }
      expect(await consents()).toEqual([{ revoked: true }]);
      const versions: { n: number }[] = await api.dataSource.query('SELECT count(*)::int AS n FROM soft_signals WHERE record_id = $1', [filed.id]);
      expect(versions).toEqual([{ n: 1 }]);

      // a new consent, signed anew, files the band again
      const again = await one(home.memberB.client, FILE_SOFT_SIGNAL, { input: { ...band, value: 1, ownerConsent: { ...consent, document: evidence('个人信息使用授权书(2025-03).pdf'), signedOn: '2025-03-01' } } });
      expect(again).toMatchObject({ id: filed.id, version: 2, ownerConsentOnFile: true });
    });

    it("the owner's band: withdrawing a consent withdraws it on every band filed with the same signed document, whatever the name was given as", async () => {
      const { home } = world;
      const signed = evidence('个人信息使用授权书(两份).pdf');
      const band = (reference: string) => ({ signalKind: 'OWNER_CREDIT_BAND', reference, value: 2, recordedOn: '2025-01-10', evidence: evidence('个人信用报告摘要.pdf') });
      const first = await one(home.memberA.client, FILE_SOFT_SIGNAL, { input: { ...band(`R1 ${unique()}`), ownerConsent: { ownerName: '王建国', document: signed, signedOn: '2025-01-05' } } });
      const second = await one(home.memberA.client, FILE_SOFT_SIGNAL, { input: { ...band(`R2 ${unique()}`), ownerConsent: { ownerName: 'Wang Jianguo', document: signed, signedOn: '2025-01-05' } } });
      const REVOKE = 'mutation($id: ID!) { revokeOwnerConsent(id: $id) { id ... on SoftSignal { ownerConsentRevokedAt } } }';
      await data(home.memberA.client, REVOKE, { id: first.id });
      const SIGNAL = 'query($id: ID!) { record(id: $id) { id ... on SoftSignal { ownerConsentRevokedAt } } }';
      const other = await data<{ record: { ownerConsentRevokedAt: string | null } }>(home.memberA.client, SIGNAL, { id: second.id });
      expect(other.record.ownerConsentRevokedAt).not.toBeNull();
      const left: { n: number }[] = await api.dataSource.query('SELECT count(*)::int AS n FROM owner_consents WHERE document_sha256 = $1 AND revoked_at IS NULL', [
        Buffer.from(signed.sha256, 'hex'),
      ]);
      expect(left).toEqual([{ n: 0 }]);
    });
  });

  describe('who sees what', () => {
    it("the subject sees the creditor of a trade experience; other members see nothing of either company's records", async () => {
      const { home } = world;
      const record = await reportTrade(home.memberA.client, home.companyB.creditCode);
      const asSubject = await data<{ records: RecordShape[] }>(home.memberB.client, RECORDS, { companyId: home.companyB.id });
      expect(asSubject.records.find((r) => r.id === record.id)).toMatchObject({ creditor: { id: home.companyA.id } });
      const asFiler = await data<{ records: RecordShape[] }>(home.memberA.client, RECORDS, { companyId: home.companyA.id, kind: 'TRADE_EXPERIENCE' });
      expect(asFiler.records.map((r) => r.id)).toContain(record.id);
      for (const companyId of [home.companyA.id, home.companyB.id]) expect(code(await third.client.request(RECORDS, { companyId }))).toBe('FORBIDDEN');
      expect(code(await third.client.request(RECORD, { id: record.id }))).toBe('FORBIDDEN');
      expect(code(await world.banker.client.request(RECORDS, { companyId: home.companyB.id }))).toBe('FORBIDDEN');
      expect(code(await world.other.coordinator.client.request(RECORDS, { companyId: home.companyB.id }))).toBe('FORBIDDEN');
      const coordinator = await data<{ records: RecordShape[] }>(home.coordinator.client, RECORDS, { companyId: home.companyB.id, status: 'PENDING' });
      expect(coordinator.records.every((r) => r.status === 'PENDING')).toBe(true);
      expect(code(await home.memberB.client.request(RECORDS, { companyId: home.companyB.id, includeExpired: true }))).toBe('FORBIDDEN');
    });

    it('an unknown id is NOT_FOUND, a malformed one BAD_USER_INPUT', async () => {
      expect(code(await world.home.memberB.client.request(CONFIRM, { id: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
      expect(onlyError(await world.home.memberB.client.request(CONFIRM, { id: 'nope' })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    });

    it('every status change leaves an outbox row to recompute the ratings it moves, in its transaction', async () => {
      const companyD = await world.factories.company(world.home.consortium.id);
      const memberD = await world.signIn(await world.factories.user('MEMBER', { companyId: companyD.id }));
      const companyE = await world.factories.company(world.home.consortium.id);
      const memberE = await world.signIn(await world.factories.user('MEMBER', { companyId: companyE.id }));
      const outbox = async (reason: string): Promise<string[]> => {
        const rows: { company: string }[] = await api.dataSource.query(
          `SELECT payload->>'companyId' AS company FROM outbox WHERE job_name = 'recompute-company.v1' AND payload->>'reason' = $1 AND payload->>'companyId' IN ($2, $3)`,
          [reason, companyE.id, companyD.id],
        );
        return rows.map((r) => r.company).sort();
      };
      const record = await reportTrade(memberE.client, companyD.creditCode);
      expect(await outbox('record.filed')).toEqual([companyE.id, companyD.id].sort());
      await one(memberD.client, CONFIRM, { id: record.id });
      expect(await outbox('record.confirmed')).toEqual([companyE.id, companyD.id].sort());
      // a refused move writes none
      expect(code(await memberD.client.request(CONFIRM, { id: record.id }))).toBe('CONFLICT');
      expect(await outbox('record.confirmed')).toHaveLength(2);
    });
  });
});
