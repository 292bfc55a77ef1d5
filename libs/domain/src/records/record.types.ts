/**
 * The records of PRODUCT.md ("Records the platform takes"), as the ledger keeps them.
 * Records are append-only: each filing is a version of a record, the record's id is stable
 * across versions, and the latest non-rejected version is the one that counts.
 * Money is a decimal string with two decimals ("1250.50"), exactly as stored in
 * `numeric(18,2)`; dates are calendar dates `YYYY-MM-DD`.
 */

export const RecordKind = {
  TRADE_EXPERIENCE: 'TRADE_EXPERIENCE',
  FINANCIAL_STATEMENT: 'FINANCIAL_STATEMENT',
  PAYMENT_RECORD: 'PAYMENT_RECORD',
  TAX_CREDIT_GRADE: 'TAX_CREDIT_GRADE',
  LOAN_RECORD: 'LOAN_RECORD',
  PUBLIC_RECORD: 'PUBLIC_RECORD',
  GUARANTEE: 'GUARANTEE',
  SOFT_SIGNAL: 'SOFT_SIGNAL',
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];
export const RECORD_KINDS: readonly RecordKind[] = Object.values(RecordKind);

export const VerificationStatus = {
  PENDING: 'PENDING',
  VERIFIED: 'VERIFIED',
  DISPUTED: 'DISPUTED',
  REJECTED: 'REJECTED',
} as const;
export type VerificationStatus = (typeof VerificationStatus)[keyof typeof VerificationStatus];
export const VERIFICATION_STATUSES: readonly VerificationStatus[] = Object.values(VerificationStatus);

export const DisputeResolution = {
  RECORD_CONFIRMED: 'RECORD_CONFIRMED',
  RECORD_REJECTED: 'RECORD_REJECTED',
} as const;
export type DisputeResolution = (typeof DisputeResolution)[keyof typeof DisputeResolution];

/** Who filed a version: a member company, the consortium's coordinator, or a bank. */
export type ReporterRole = 'MEMBER' | 'COORDINATOR' | 'BANK';

/** Which side of an invoice filed a trade experience: the supplier (its receivable) or the buyer (its payable). */
export type TradeSide = 'SUPPLIER' | 'BUYER';

export const PaymentKind = { TAX: 'TAX', SOCIAL_INSURANCE: 'SOCIAL_INSURANCE', UTILITY: 'UTILITY', RENT: 'RENT' } as const;
export type PaymentKind = (typeof PaymentKind)[keyof typeof PaymentKind];
export const PAYMENT_KINDS: readonly PaymentKind[] = Object.values(PaymentKind);

export const TAX_CREDIT_GRADES = ['A', 'B', 'M', 'C', 'D'] as const;
export type TaxCreditGrade = (typeof TAX_CREDIT_GRADES)[number];

export const PublicRecordKind = {
  JUDGMENT: 'JUDGMENT',
  ENFORCEMENT: 'ENFORCEMENT',
  DISHONEST_DEBTOR: 'DISHONEST_DEBTOR',
  ADMINISTRATIVE_PENALTY: 'ADMINISTRATIVE_PENALTY',
} as const;
export type PublicRecordKind = (typeof PublicRecordKind)[keyof typeof PublicRecordKind];
export const PUBLIC_RECORD_KINDS: readonly PublicRecordKind[] = Object.values(PublicRecordKind);

export const SoftSignalKind = {
  CERTIFICATION: 'CERTIFICATION',
  REPUTATION: 'REPUTATION',
  COMMUNITY_WORK: 'COMMUNITY_WORK',
  OWNER_CREDIT_BAND: 'OWNER_CREDIT_BAND',
} as const;
export type SoftSignalKind = (typeof SoftSignalKind)[keyof typeof SoftSignalKind];
export const SOFT_SIGNAL_KINDS: readonly SoftSignalKind[] = Object.values(SoftSignalKind);

/** A document that backs a record: its SHA-256 (hex) and its name; the document itself stays with its owner. */
export interface Evidence {
  readonly sha256: string;
  readonly name: string;
}

export interface TradeExperiencePayload {
  readonly side: TradeSide;
  /** the supplier; the subject is the buyer */
  readonly creditorId: string;
  readonly invoiceNo: string;
  readonly amount: string;
  readonly invoiceDate: string;
  readonly dueDate: string;
  readonly paidDate: string | null;
}

/** The optional items of a small firm's statement (so the ratios of shared/data/bankruptcy can be computed). */
export const STATEMENT_OPTIONAL_ITEMS = [
  'cash',
  'receivables',
  'inventory',
  'fixedAssets',
  'shortTermLiabilities',
  'longTermLiabilities',
  'shareCapital',
  'grossProfit',
  'operatingProfit',
  'depreciation',
  'interestExpense',
  'costOfSales',
  'operatingExpenses',
  'priorYearRevenue',
] as const;
export type StatementOptionalItem = (typeof STATEMENT_OPTIONAL_ITEMS)[number];

export const STATEMENT_REQUIRED_ITEMS = [
  'revenue',
  'netIncome',
  'ebit',
  'totalAssets',
  'currentAssets',
  'totalLiabilities',
  'currentLiabilities',
  'retainedEarnings',
  'equity',
] as const;
export type StatementRequiredItem = (typeof STATEMENT_REQUIRED_ITEMS)[number];

export type FinancialStatementPayload = {
  readonly fiscalYear: number;
  /** an auditor's report backs it (its hash is the evidence): verified on filing */
  readonly audited: boolean;
} & { readonly [K in StatementRequiredItem]: string } & { readonly [K in StatementOptionalItem]: string | null };

export interface PaymentRecordPayload {
  readonly paymentKind: PaymentKind;
  /** the filer's reference, e.g. the tax period "2024-03 增值税" */
  readonly reference: string;
  readonly payee: string | null;
  readonly amount: string;
  readonly dueDate: string;
  readonly paidDate: string | null;
}

export interface TaxCreditGradePayload {
  readonly taxYear: number;
  readonly grade: TaxCreditGrade;
  readonly publishedOn: string;
}

export interface LoanRepaymentPayload {
  readonly dueDate: string;
  readonly amount: string;
  readonly paidDate: string | null;
}

export interface LoanRecordPayload {
  readonly contractNo: string;
  readonly principal: string;
  readonly outstanding: string;
  readonly startDate: string;
  readonly maturityDate: string | null;
  readonly repayments: readonly LoanRepaymentPayload[];
  /** as the bank reports it at filing */
  readonly daysPastDue: number;
  readonly defaultedOn: string | null;
  readonly curedOn: string | null;
}

export interface PublicRecordPayload {
  readonly publicKind: PublicRecordKind;
  /** the court's or registry's case number, e.g. "(2023)浙0302执1234号" */
  readonly caseNo: string;
  readonly authority: string;
  readonly eventDate: string;
  /** when it ended (judgment satisfied, removed from the list, penalty paid); null while it lasts */
  readonly endedOn: string | null;
  readonly amount: string | null;
}

/** The guarantor files (the reporter); the borrower, whose debt is guaranteed, is the subject and confirms. */
export interface GuaranteePayload {
  readonly contractNo: string;
  readonly amount: string;
  readonly startDate: string;
  readonly endDate: string | null;
}

export interface SoftSignalPayload {
  readonly signalKind: SoftSignalKind;
  /** what it is: the certificate, the award, the reputation source */
  readonly reference: string;
  /** REPUTATION 1..5 stars, OWNER_CREDIT_BAND 1 (best)..5, otherwise 1 */
  readonly value: number;
  readonly recordedOn: string;
  readonly validUntil: string | null;
  /** OWNER_CREDIT_BAND only: the owner's written consent, kept apart in owner_consents */
  readonly ownerConsentId: string | null;
}

export interface RecordPayloads {
  TRADE_EXPERIENCE: TradeExperiencePayload;
  FINANCIAL_STATEMENT: FinancialStatementPayload;
  PAYMENT_RECORD: PaymentRecordPayload;
  TAX_CREDIT_GRADE: TaxCreditGradePayload;
  LOAN_RECORD: LoanRecordPayload;
  PUBLIC_RECORD: PublicRecordPayload;
  GUARANTEE: GuaranteePayload;
  SOFT_SIGNAL: SoftSignalPayload;
}

/** What every version of every kind carries. */
export interface RecordVersionHeader {
  readonly recordId: string;
  readonly version: number;
  readonly consortiumId: string;
  /** whom the record is about */
  readonly subjectId: string;
  /** the member company that filed it; null for coordinator and bank filings */
  readonly reporterCompanyId: string | null;
  readonly reporterBankId: string | null;
  readonly reporterRole: ReporterRole;
  readonly status: VerificationStatus;
  /** the status it was filed with (PENDING, or VERIFIED for regulated sources) */
  readonly filedStatus: VerificationStatus;
  /** the latest non-rejected version of its record (or the latest, when all are rejected) */
  readonly isCurrent: boolean;
  readonly negative: boolean;
  readonly noticeId: string | null;
  /** it counts in ratings from this instant (after the notice period for negative information) */
  readonly countsFrom: Date;
  /** when the negative event ended; it stops counting and showing 5 years later */
  readonly endedOn: string | null;
  readonly expiresOn: string | null;
  readonly evidence: Evidence | null;
  /** SHA-256 (hex) of everything immutable in the version, as the ledger computed it at filing */
  readonly rowHash: string;
  /** bumped on every change of the record: what a rating was computed from */
  readonly changeSeq: string;
  readonly importId: string | null;
  readonly filedBy: string | null;
  readonly createdAt: Date;
}

export type CreditRecordVersion<K extends RecordKind = RecordKind> = {
  [P in K]: RecordVersionHeader & { readonly kind: P; readonly payload: RecordPayloads[P] };
}[K];

export interface Dispute {
  readonly id: string;
  readonly recordId: string;
  readonly version: number;
  readonly kind: RecordKind;
  readonly consortiumId: string;
  readonly subjectId: string;
  readonly reason: string;
  readonly openedBy: string;
  readonly openedAt: Date;
  readonly deadlineAt: Date;
  readonly alertedAt: Date | null;
  readonly escalatedAt: Date | null;
  readonly resolvedAt: Date | null;
  readonly resolvedBy: string | null;
  readonly resolution: DisputeResolution | null;
  readonly note: string | null;
}

/**
 * The subject's statement on negative information about it (征信业管理条例 Art. 16): shown
 * with the record and in bank reports while the record shows. The latest one is shown;
 * earlier ones are kept for audit.
 */
export interface RecordStatement {
  readonly id: string;
  readonly kind: RecordKind;
  readonly recordId: string;
  readonly subjectId: string;
  readonly statement: string;
  readonly madeBy: string;
  readonly madeAt: Date;
}

/** The longest statement a subject may add to a record, in characters. */
export const MAX_RECORD_STATEMENT = 1000;

export const NoticeKind = {
  /** to a company: negative information about it was filed; it counts after the waiting period */
  NEGATIVE_INFORMATION: 'NEGATIVE_INFORMATION',
  /** to the coordinator: a record was disputed and must be settled within 20 days */
  DISPUTE_OPENED: 'DISPUTE_OPENED',
  /** to the coordinator: a dispute is 15 days old */
  DISPUTE_ALERT: 'DISPUTE_ALERT',
  /** to the coordinator: a dispute passed its 20-day deadline */
  DISPUTE_ESCALATED: 'DISPUTE_ESCALATED',
  /** to the coordinator: the two sides of an invoice disagree */
  TRADE_MISMATCH: 'TRADE_MISMATCH',
  /** to the subject: the written answer to its dispute, with the coordinator's decision and reasons */
  DISPUTE_RESOLVED: 'DISPUTE_RESOLVED',
  /** to the member company that filed a record: its subject disputed it, with the subject's reasons */
  FILING_DISPUTED: 'FILING_DISPUTED',
  /** to the member company that filed a record: the dispute of it was settled, with the decision and reasons */
  FILING_DISPUTE_RESOLVED: 'FILING_DISPUTE_RESOLVED',
} as const;
export type NoticeKind = (typeof NoticeKind)[keyof typeof NoticeKind];

export interface Notice {
  readonly id: string;
  readonly kind: NoticeKind;
  readonly consortiumId: string;
  /** the company it is addressed to; null when it is addressed to the coordinator */
  readonly companyId: string | null;
  readonly recordId: string | null;
  readonly disputeId: string | null;
  readonly importId: string | null;
  readonly recordCount: number;
  readonly message: string;
  readonly createdAt: Date;
  /** negative information counts only after this instant */
  readonly waitingUntil: Date | null;
  readonly acknowledgedAt: Date | null;
}

export type TradeMatchOutcome = 'MATCHED' | 'MISMATCHED';
