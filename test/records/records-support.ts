import { randomBytes } from 'node:crypto';
import type { GraphQLClient } from '@app/testing';

/** GraphQL documents and inputs shared by the records tests. */
export const RECORD_FIELDS = `id kind status version current source negative countsFrom expiresOn createdAt subject { id name }`;

export const REPORT_TRADE = `mutation($input: TradeExperienceInput!, $key: String) {
  reportTradeExperience(input: $input, idempotencyKey: $key) { ${RECORD_FIELDS} invoiceNo amount invoiceDate dueDate paidDate daysBeyondTerms side matchStatus creditor { id } }
}`;
export const REPORT_PAYABLE = `mutation($input: TradePayableInput!, $key: String) {
  reportTradePayable(input: $input, idempotencyKey: $key) { ${RECORD_FIELDS} invoiceNo amount side matchStatus creditor { id } }
}`;
export const SUBMIT_STATEMENT = `mutation($input: FinancialStatementInput!, $key: String) {
  submitFinancialStatement(input: $input, idempotencyKey: $key) { ${RECORD_FIELDS} fiscalYear revenue totalAssets cash inventory audited }
}`;
export const FILE_PAYMENT = `mutation($input: PaymentRecordInput!) { filePaymentRecord(input: $input) { ${RECORD_FIELDS} paymentKind reference amount daysBeyondTerms } }`;
export const FILE_TAX_GRADE = `mutation($input: TaxCreditGradeInput!) { fileTaxCreditGrade(input: $input) { ${RECORD_FIELDS} taxYear grade publishedOn } }`;
export const FILE_LOAN = `mutation($input: LoanRecordInput!) { fileLoanRecord(input: $input) { ${RECORD_FIELDS} contractNo principal repayments { dueDate amount paidDate } defaultedOn lender { id } } }`;
export const FILE_PUBLIC = `mutation($input: PublicRecordInput!) { filePublicRecord(input: $input) { ${RECORD_FIELDS} publicKind caseNo authority eventDate endedOn } }`;
export const FILE_GUARANTEE = `mutation($input: GuaranteeInput!) { fileGuarantee(input: $input) { ${RECORD_FIELDS} contractNo amount guarantor { id } } }`;
export const FILE_SOFT_SIGNAL = `mutation($input: SoftSignalInput!) { fileSoftSignal(input: $input) { ${RECORD_FIELDS} signalKind reference value ownerConsentOnFile } }`;
export const CONFIRM = `mutation($id: ID!, $key: String) { confirmRecord(id: $id, idempotencyKey: $key) { ${RECORD_FIELDS} } }`;
export const DISPUTE = `mutation($id: ID!, $reason: String!) { disputeRecord(id: $id, reason: $reason) { ${RECORD_FIELDS} dispute { id deadline reason } } }`;
export const EXPLAIN = `mutation($id: ID!, $statement: String!, $key: String) {
  explainRecord(id: $id, statement: $statement, idempotencyKey: $key) { ${RECORD_FIELDS} subjectStatement { statement madeAt } }
}`;
export const VERIFY = `mutation($id: ID!) { verifyRecord(id: $id) { ${RECORD_FIELDS} } }`;
export const RESOLVE = `mutation($id: ID!, $resolution: DisputeResolution!, $note: String!) { resolveDispute(id: $id, resolution: $resolution, note: $note) { ${RECORD_FIELDS} } }`;
export const RECORDS = `query($companyId: ID!, $status: VerificationStatus, $kind: RecordKind, $includeExpired: Boolean) {
  records(companyId: $companyId, status: $status, kind: $kind, includeExpired: $includeExpired) { ${RECORD_FIELDS} ... on TradeExperience { invoiceNo amount creditor { id } } }
}`;
export const RECORD = `query($id: ID!) { record(id: $id) { ${RECORD_FIELDS} versions { version status current ... on TradeExperience { amount paidDate } } } }`;

export interface RecordShape {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly version: number;
  readonly current: boolean;
  readonly negative: boolean;
  readonly countsFrom: string;
  readonly expiresOn: string | null;
  readonly subject: { readonly id: string; readonly name: string };
  readonly [field: string]: unknown;
}

export const unique = (): string => randomBytes(4).toString('hex');

export const evidence = (name = '合同.pdf') => ({ sha256: randomBytes(32).toString('hex'), name });

export function tradeInput(debtorCreditCode: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    debtorCreditCode,
    invoiceNo: `FP-${unique()}`,
    amount: '125000.50',
    invoiceDate: '2025-01-10',
    dueDate: '2025-02-09',
    paidDate: '2025-02-15',
    ...overrides,
  };
}

export function statementInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    fiscalYear: 2024,
    revenue: '12000000.00',
    netIncome: '600000.00',
    ebit: '900000.00',
    totalAssets: '8000000.00',
    currentAssets: '3500000.00',
    totalLiabilities: '4500000.00',
    currentLiabilities: '2500000.00',
    retainedEarnings: '1500000.00',
    equity: '3500000.00',
    ...overrides,
  };
}

/** A bank's loan of 500,000 yuan, half repaid on time, 250,000 outstanding. */
export function loanInput(borrowerCreditCode: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    borrowerCreditCode,
    contractNo: `OJ-${unique()}`,
    principal: '500000.00',
    outstanding: '250000.00',
    startDate: '2024-01-15',
    repayments: [{ dueDate: '2024-07-15', amount: '250000.00', paidDate: '2024-07-15' }],
    ...overrides,
  };
}

export async function reportTrade(client: GraphQLClient, debtorCreditCode: string, overrides: Record<string, unknown> = {}): Promise<RecordShape> {
  const data = await client.ok<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, { input: tradeInput(debtorCreditCode, overrides) });
  return data.reportTradeExperience;
}
