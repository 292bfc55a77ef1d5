/**
 * Every GraphQL operation the console sends, by the contract's names
 * (shared/api/contract.graphql). Each panel sends its own, so an operation that a server
 * does not have yet fails alone, in words ("not available on this server yet").
 */

const RATING = `score grade pd verifiedRecords modelVersion computedAt
  reasons { code description descriptionZh }
  factors { name score weight }
  backed { grade pd notchesUplift }`;

const RECORD = `__typename id status createdAt subject { id name creditCode }
  ... on TradeExperience { creditor { id name } invoiceNo amount invoiceDate dueDate paidDate daysBeyondTerms }
  ... on FinancialStatement { fiscalYear revenue netIncome totalAssets totalLiabilities equity }`;

export const ME = `query Me { me { id email role
  company { id name creditCode consortium { id name region industry } }
  consortium { id name region industry }
  bank { id name } } }`;

export const COMPANY_RATING = `query CompanyRating($id: ID!) { company(id: $id) { id name creditCode consortium { id name } rating { ${RATING} } } }`;

export const CONSORTIUM_MEMBERS = `query ConsortiumMembers($id: ID!) { consortium(id: $id) { id members { id name creditCode } } }`;

export const CONSORTIUM_MEMBERS_RATED = `query ConsortiumMembersRated($id: ID!) { consortium(id: $id) { id name region industry
  members { id name creditCode rating { grade score pd computedAt } } } }`;

export const CONSORTIUM_STANDING = `query ConsortiumStanding($id: ID!) { consortium(id: $id) { id standing {
  grade weightedPd expectedLoss concentrationHhi guaranteeCoverage computedAt
  gradeDistribution { grade count }
  systemicRisk { company { id name creditCode } debtRank } } } }`;

export const RECORDS = `query Records($companyId: ID!, $status: VerificationStatus) { records(companyId: $companyId, status: $status) { ${RECORD} } }`;

export const CONFIRM_RECORD = `mutation ConfirmRecord($id: ID!) { confirmRecord(id: $id) { id status } }`;
export const DISPUTE_RECORD = `mutation DisputeRecord($id: ID!, $reason: String!) { disputeRecord(id: $id, reason: $reason) { id status } }`;
export const VERIFY_RECORD = `mutation VerifyRecord($id: ID!) { verifyRecord(id: $id) { id status } }`;
export const RESOLVE_DISPUTE = `mutation ResolveDispute($id: ID!, $resolution: DisputeResolution!, $note: String!) {
  resolveDispute(id: $id, resolution: $resolution, note: $note) { id status } }`;

export const REPORT_TRADE_EXPERIENCE = `mutation ReportTradeExperience($input: TradeExperienceInput!) {
  reportTradeExperience(input: $input) { id status invoiceNo subject { name } } }`;
export const SUBMIT_FINANCIAL_STATEMENT = `mutation SubmitFinancialStatement($input: FinancialStatementInput!) {
  submitFinancialStatement(input: $input) { id status fiscalYear } }`;

export const CONSENTS = `query Consents($companyId: ID!) { consents(companyId: $companyId) { id bank { id name } scope grantedAt expiresAt revokedAt active } }`;
export const GRANT_CONSENT = `mutation GrantConsent($input: GrantConsentInput!) { grantConsent(input: $input) { id bank { name } scope active } }`;
export const REVOKE_CONSENT = `mutation RevokeConsent($id: ID!) { revokeConsent(id: $id) { id active revokedAt } }`;
export const INQUIRIES = `query Inquiries($companyId: ID!) { inquiries(companyId: $companyId) { id bank { id name } purpose at } }`;

export const PARTNER_CHECK = `query PartnerCheck($creditCode: String!) { partnerCheck(creditCode: $creditCode) {
  creditCode companyName grade paymentIndex verifiedTradeLines asOf } }`;
export const PARTNER_CHECKS = `query PartnerChecks($companyId: ID!) { partnerChecks(companyId: $companyId) { id checker at } }`;

export const BANK_RATING = `query BankRating($creditCode: String!, $purpose: InquiryPurpose!) { bankRating(creditCode: $creditCode, purpose: $purpose) {
  creditCode companyName consortiumName consortiumGrade rating { ${RATING} } } }`;

export const CREATE_CONSORTIUM = `mutation CreateConsortium($input: CreateConsortiumInput!) { createConsortium(input: $input) { id name region industry } }`;
export const CREATE_BANK = `mutation CreateBank($input: CreateBankInput!) { createBank(input: $input) { id name } }`;
export const REGISTER_COMPANY = `mutation RegisterCompany($input: RegisterCompanyInput!) { registerCompany(input: $input) { id name creditCode } }`;
export const CREATE_USER = `mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { id email role } }`;

// ---- shapes of the answers, as far as the console reads them

export interface Rating {
  readonly score: number;
  readonly grade: string;
  readonly pd: number;
  readonly verifiedRecords: number;
  readonly modelVersion: string;
  readonly computedAt: string;
  readonly reasons: readonly { readonly code: string; readonly description: string; readonly descriptionZh?: string | null }[];
  readonly factors: readonly { readonly name: string; readonly score: number; readonly weight: number }[];
  readonly backed: { readonly grade: string; readonly pd: number; readonly notchesUplift: number } | null;
}

export interface CompanyRef {
  readonly id: string;
  readonly name: string;
  readonly creditCode: string;
}

export interface ConsortiumRef {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly industry: string;
}

export interface Me {
  readonly id: string;
  readonly email: string;
  readonly role: 'ADMIN' | 'COORDINATOR' | 'MEMBER' | 'BANK';
  readonly company: (CompanyRef & { readonly consortium: ConsortiumRef }) | null;
  readonly consortium: ConsortiumRef | null;
  readonly bank: { readonly id: string; readonly name: string } | null;
}

export interface CreditRecord {
  readonly __typename: string;
  readonly id: string;
  readonly status: string;
  readonly createdAt: string;
  readonly subject: CompanyRef;
  readonly creditor?: { readonly id: string; readonly name: string };
  readonly invoiceNo?: string;
  readonly amount?: string;
  readonly invoiceDate?: string;
  readonly dueDate?: string;
  readonly paidDate?: string | null;
  readonly daysBeyondTerms?: number | null;
  readonly fiscalYear?: number;
  readonly revenue?: string;
  readonly netIncome?: string;
  readonly totalAssets?: string;
  readonly totalLiabilities?: string;
  readonly equity?: string;
}
