import { randomBytes } from 'node:crypto';
import { ImportRepository, NoticeRepository } from '@app/persistence';
import type { RunningApi } from '../../support/api';
import type { SignedIn, World } from '../../support/world';
import { COMPANY_TARGETS, companyOf, CONSORTIUM_TARGETS, consortiumOf, type MatrixCase, type TargetKind } from '../matrix.types';

const unique = (): string => randomBytes(4).toString('hex');

/** Objects made once by the setups, by purpose and target. */
const made = new Map<string, string>();
const key = (purpose: string, target: TargetKind): string => `${purpose}:${target}`;
const id = (purpose: string, target: TargetKind): string => {
  const found = made.get(key(purpose, target));
  if (!found) throw new Error(`the matrix setup made no ${purpose} for ${target}`);
  return found;
};

const REPORT = 'mutation($i: TradeExperienceInput!) { reportTradeExperience(input: $i) { id } }';
const STATEMENT = 'mutation($i: FinancialStatementInput!) { submitFinancialStatement(input: $i) { id } }';

/** a trade experience paid on its due date or, `late`, 80 days beyond it (negative information) */
const trade = (debtorCreditCode: string, late = false) => ({
  debtorCreditCode,
  invoiceNo: `MX-${unique()}`,
  amount: '100.00',
  invoiceDate: '2025-01-10',
  dueDate: '2025-02-09',
  paidDate: late ? '2025-04-30' : '2025-02-09',
});

const statement = (fiscalYear: number) => ({
  fiscalYear,
  revenue: '1000.00',
  netIncome: '10.00',
  ebit: '20.00',
  totalAssets: '800.00',
  currentAssets: '300.00',
  totalLiabilities: '500.00',
  currentLiabilities: '200.00',
  retainedEarnings: '100.00',
  equity: '300.00',
});

/** Each target company's own member, and a fellow member of its consortium to file about it. */
function membersOf(world: World, target: TargetKind): { subject: SignedIn; filer: SignedIn } {
  if (target === 'homeCompanyA') return { subject: world.home.memberA, filer: world.home.memberB };
  if (target === 'homeCompanyB') return { subject: world.home.memberB, filer: world.home.memberA };
  return { subject: world.other.memberA, filer: world.other.memberB };
}

/** A pending trade experience about each target company, filed by a fellow member, for each purpose. */
async function tradesAbout(world: World, purpose: string, late = false): Promise<void> {
  for (const target of COMPANY_TARGETS) {
    const { filer } = membersOf(world, target);
    const data = await filer.client.ok<{ reportTradeExperience: { id: string } }>(REPORT, { i: trade(companyOf(world, target).creditCode, late) });
    made.set(key(purpose, target), data.reportTradeExperience.id);
  }
}

const companyArg = (world: World, target: TargetKind) => ({ c: companyOf(world, target).id });
const ownerArgs = (world: World, target: TargetKind) =>
  target === 'homeConsortium' || target === 'otherConsortium' ? { n: consortiumOf(world, target).id } : { c: companyOf(world, target).id };

export const RECORDS_CASES: Readonly<Record<string, MatrixCase>> = {
  'Query.records': {
    operation: 'record.read',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({ query: 'query($c: ID!) { records(companyId: $c) { id } }', variables: companyArg(w, t) }),
  },
  'Query.record': {
    operation: 'record.read',
    targets: COMPANY_TARGETS,
    // a statement, which its company alone filed and alone may read among members
    setup: async (world) => {
      for (const target of COMPANY_TARGETS) {
        const data = await membersOf(world, target).subject.client.ok<{ submitFinancialStatement: { id: string } }>(STATEMENT, { i: statement(2020) });
        made.set(key('statement', target), data.submitFinancialStatement.id);
      }
    },
    request: (_w, t) => ({ query: 'query($id: ID!) { record(id: $id) { id } }', variables: { id: id('statement', t) } }),
  },
  'Query.disputes': {
    operation: 'dispute.list',
    targets: CONSORTIUM_TARGETS,
    request: (w, t) => ({ query: 'query($c: ID!) { disputes(consortiumId: $c) { id deadline } }', variables: { c: consortiumOf(w, t).id } }),
  },
  'Query.notices': {
    operation: 'notice.read',
    targets: [...COMPANY_TARGETS, ...CONSORTIUM_TARGETS],
    request: (w, t) => ({ query: 'query($c: ID, $n: ID) { notices(companyId: $c, consortiumId: $n) { id } }', variables: ownerArgs(w, t) }),
  },
  'Query.importJob': {
    operation: 'import.read',
    targets: [...COMPANY_TARGETS, ...CONSORTIUM_TARGETS],
    // one import by each company's member, one by each consortium's coordinator
    setup: async (world, api: RunningApi) => {
      const imports = new ImportRepository();
      const create = async (target: TargetKind, consortiumId: string, companyId: string | null, createdBy: string) => {
        const job = await imports.create(api.dataSource.manager, {
          kind: 'TRADE_EXPERIENCES',
          consortiumId,
          companyId,
          actorRole: companyId ? 'MEMBER' : 'COORDINATOR',
          createdBy,
          createdAt: new Date(),
        });
        made.set(key('import', target), job.id);
      };
      for (const target of COMPANY_TARGETS) {
        const consortiumId = target === 'otherCompany' ? world.other.consortium.id : world.home.consortium.id;
        await create(target, consortiumId, companyOf(world, target).id, membersOf(world, target).subject.user.id);
      }
      await create('homeConsortium', world.home.consortium.id, null, world.home.coordinator.user.id);
      await create('otherConsortium', world.other.consortium.id, null, world.other.coordinator.user.id);
    },
    request: (_w, t) => ({ query: 'query($id: ID!) { importJob(id: $id) { id status } }', variables: { id: id('import', t) } }),
  },
  'Query.imports': {
    operation: 'import.read',
    targets: [...COMPANY_TARGETS, ...CONSORTIUM_TARGETS],
    request: (w, t) => ({ query: 'query($c: ID, $n: ID) { imports(companyId: $c, consortiumId: $n) { id } }', variables: ownerArgs(w, t) }),
  },
  'Query.verifyRecordLedger': { operation: 'record.ledger.verify', targets: ['none'], request: () => ({ query: '{ verifyRecordLedger { ok } }' }) },

  // filing as one's own company: the target is the caller's (memberA's) company
  'Mutation.reportTradeExperience': {
    operation: 'record.trade.report',
    targets: ['homeCompanyA'],
    request: (w) => ({ query: REPORT, variables: { i: trade(w.home.companyB.creditCode) } }),
  },
  'Mutation.reportTradePayable': {
    operation: 'record.trade.reportPayable',
    targets: ['homeCompanyA'],
    request: (w) => {
      const { debtorCreditCode: _d, ...rest } = trade(w.home.companyB.creditCode);
      return { query: 'mutation($i: TradePayableInput!) { reportTradePayable(input: $i) { id } }', variables: { i: { ...rest, creditorCreditCode: w.home.companyB.creditCode } } };
    },
  },
  'Mutation.submitFinancialStatement': {
    operation: 'record.statement.submit',
    targets: ['homeCompanyA'],
    request: () => ({ query: STATEMENT, variables: { i: statement(2019) } }),
  },
  'Mutation.fileGuarantee': {
    operation: 'record.guarantee.file',
    targets: ['homeCompanyA'],
    request: (w) => ({
      query: 'mutation($i: GuaranteeInput!) { fileGuarantee(input: $i) { id } }',
      variables: { i: { borrowerCreditCode: w.home.companyB.creditCode, contractNo: `G-${unique()}`, amount: '100.00', startDate: '2025-01-01' } },
    }),
  },
  'Mutation.fileSoftSignal': {
    operation: 'record.softSignal.file',
    targets: ['homeCompanyA'],
    request: () => ({
      query: 'mutation($i: SoftSignalInput!) { fileSoftSignal(input: $i) { id } }',
      variables: { i: { signalKind: 'CERTIFICATION', reference: `ISO ${unique()}`, recordedOn: '2025-01-01', evidence: { sha256: 'a'.repeat(64), name: '证书.pdf' } } },
    }),
  },

  // filing about a named company: the target is the subject
  'Mutation.filePaymentRecord': {
    operation: 'record.payment.file',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({
      query: 'mutation($i: PaymentRecordInput!) { filePaymentRecord(input: $i) { id } }',
      variables: { i: { subjectCreditCode: companyOf(w, t).creditCode, paymentKind: 'TAX', reference: `R-${unique()}`, amount: '10.00', dueDate: '2025-04-15' } },
    }),
  },
  'Mutation.fileTaxCreditGrade': {
    operation: 'record.taxGrade.file',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({
      query: 'mutation($i: TaxCreditGradeInput!) { fileTaxCreditGrade(input: $i) { id } }',
      variables: { i: { subjectCreditCode: companyOf(w, t).creditCode, taxYear: 2023, grade: 'B', publishedOn: '2024-04-20' } },
    }),
  },
  'Mutation.fileLoanRecord': {
    operation: 'record.loan.file',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({
      query: 'mutation($i: LoanRecordInput!) { fileLoanRecord(input: $i) { id } }',
      variables: { i: { borrowerCreditCode: companyOf(w, t).creditCode, contractNo: `L-${unique()}`, principal: '1000.00', outstanding: '500.00', startDate: '2024-01-01' } },
    }),
  },
  'Mutation.filePublicRecord': {
    operation: 'record.public.file',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({
      query: 'mutation($i: PublicRecordInput!) { filePublicRecord(input: $i) { id } }',
      variables: { i: { subjectCreditCode: companyOf(w, t).creditCode, publicKind: 'JUDGMENT', caseNo: `(2024)浙0302民初${unique()}号`, authority: '鹿城区人民法院', eventDate: '2024-05-01' } },
    }),
  },

  // status moves: the target is the record's subject
  'Mutation.confirmRecord': {
    operation: 'record.confirm',
    targets: COMPANY_TARGETS,
    setup: (world) => tradesAbout(world, 'confirm'),
    request: (_w, t) => ({ query: 'mutation($id: ID!) { confirmRecord(id: $id) { id status } }', variables: { id: id('confirm', t) } }),
  },
  'Mutation.disputeRecord': {
    operation: 'record.dispute',
    targets: COMPANY_TARGETS,
    setup: (world) => tradesAbout(world, 'dispute'),
    request: (_w, t) => ({ query: 'mutation($id: ID!) { disputeRecord(id: $id, reason: "矩阵测试") { id status } }', variables: { id: id('dispute', t) } }),
  },
  'Mutation.explainRecord': {
    operation: 'record.explain',
    targets: COMPANY_TARGETS,
    setup: (world) => tradesAbout(world, 'explain', true),
    request: (_w, t) => ({ query: 'mutation($id: ID!) { explainRecord(id: $id, statement: "矩阵测试声明") { id subjectStatement { statement } } }', variables: { id: id('explain', t) } }),
  },
  'Mutation.verifyRecord': {
    operation: 'record.verify',
    targets: COMPANY_TARGETS,
    setup: (world) => tradesAbout(world, 'verify'),
    request: (_w, t) => ({ query: 'mutation($id: ID!) { verifyRecord(id: $id) { id status } }', variables: { id: id('verify', t) } }),
  },
  'Mutation.resolveDispute': {
    operation: 'record.resolveDispute',
    targets: COMPANY_TARGETS,
    setup: async (world) => {
      await tradesAbout(world, 'resolve');
      for (const target of COMPANY_TARGETS) {
        await membersOf(world, target).subject.client.ok('mutation($id: ID!) { disputeRecord(id: $id, reason: "待裁决") { id } }', { id: id('resolve', target) });
      }
    },
    request: (_w, t) => ({
      query: 'mutation($id: ID!) { resolveDispute(id: $id, resolution: RECORD_CONFIRMED, note: "核实无误") { id status } }',
      variables: { id: id('resolve', t) },
    }),
  },
  'Mutation.revokeOwnerConsent': {
    operation: 'record.ownerConsent.revoke',
    targets: COMPANY_TARGETS,
    // an owner's-band signal of each target company, filed by the company itself with its owner's consent
    setup: async (world) => {
      for (const target of COMPANY_TARGETS) {
        const sha = (name: string) => ({ name, sha256: randomBytes(32).toString('hex') });
        const data = await membersOf(world, target).subject.client.ok<{ fileSoftSignal: { id: string } }>(
          'mutation($i: SoftSignalInput!) { fileSoftSignal(input: $i) { id } }',
          {
            i: {
              signalKind: 'OWNER_CREDIT_BAND',
              reference: `法定代表人个人信用 ${unique()}`,
              value: 2,
              recordedOn: '2025-01-10',
              evidence: sha('个人信用报告摘要.pdf'),
              ownerConsent: { ownerName: '矩阵', document: sha('个人信息使用授权书.pdf'), signedOn: '2025-01-05' },
            },
          },
        );
        made.set(key('ownerBand', target), data.fileSoftSignal.id);
      }
    },
    // revoking twice changes nothing, so every allowed caller succeeds on the same signal
    request: (_w, t) => ({ query: 'mutation($id: ID!) { revokeOwnerConsent(id: $id) { id } }', variables: { id: id('ownerBand', t) } }),
  },
  'Mutation.acknowledgeNotice': {
    operation: 'notice.acknowledge',
    // a coordinator's notice of each consortium (a company's notice is its members' alone)
    targets: CONSORTIUM_TARGETS,
    setup: async (world, api) => {
      for (const target of CONSORTIUM_TARGETS) {
        const notice = await new NoticeRepository().insert(api.dataSource.manager, {
          kind: 'TRADE_MISMATCH',
          consortiumId: consortiumOf(world, target).id,
          companyId: null,
          message: 'matrix',
          createdAt: new Date(),
        });
        made.set(key('notice', target), notice.id);
      }
    },
    request: (_w, t) => ({ query: 'mutation($id: ID!) { acknowledgeNotice(id: $id) { id } }', variables: { id: id('notice', t) } }),
  },
};
