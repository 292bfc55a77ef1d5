import type { ConsentScope, InquiryPurpose, RatingView } from './bank-access';

/**
 * A business credit report (credit-anchors §1.6): everything a lender reads before a loan.
 * Amounts are Decimal strings (exact); dates `YYYY-MM-DD`. Records appear only while they
 * count: VERIFIED ones, and DISPUTED ones marked as such; never PENDING (not yet verified),
 * REJECTED, superseded versions, or negative information past its 5-year expiry.
 */
export interface CreditReport {
  readonly inquiryId: string;
  readonly generatedAt: Date;
  readonly purpose: InquiryPurpose;
  /** the bank the report was made for */
  readonly bankName: string;
  readonly identification: ReportIdentification;
  /** the stand-alone rating with its reasons and factors, and the backed rating */
  readonly rating: RatingView | null;
  /** the ratings of the last 24 months, newest first */
  readonly ratingHistory: readonly ReportRatingPoint[];
  readonly standing: ReportStanding | null;
  readonly paymentBehaviour: ReportPaymentBehaviour;
  readonly financialYears: readonly ReportFinancialYear[];
  readonly obligations: ReportObligations;
  readonly loans: readonly ReportLoan[];
  readonly publicRecords: readonly ReportPublicRecord[];
  readonly guaranteesGiven: readonly ReportGuarantee[];
  readonly guaranteesReceived: readonly ReportGuarantee[];
  readonly softInformation: readonly ReportSoftSignal[];
  /** disputes not yet settled, with their legal deadline */
  readonly openDisputes: readonly ReportDispute[];
  /** the company's statements on negative information shown in the report (Art. 16), newest first */
  readonly companyStatements: readonly ReportCompanyStatement[];
  /** every bank read of the company in the last 12 months, newest first (Art. 22 查询记录) */
  readonly inquiries: readonly ReportInquiry[];
}

export interface ReportIdentification {
  readonly creditCode: string;
  readonly name: string;
  readonly consortiumName: string;
  readonly region: string;
  readonly industry: string;
  /** the day it joined the alliance */
  readonly memberSince: string;
}

export interface ReportRatingPoint {
  readonly computedAt: Date;
  readonly score: number;
  readonly grade: string;
  readonly pd: number;
  readonly backedGrade: string | null;
  readonly reasonCodes: readonly string[];
}

export interface ReportStanding {
  readonly grade: string;
  readonly weightedPd: number;
  readonly guaranteeCoverage: number;
  readonly members: number;
  readonly computedAt: Date;
}

/** Amount-weighted days beyond terms of a group of trade experiences. */
export interface PaymentGroup {
  /** `YYYY-MM` (by due month) or an amount bucket's label */
  readonly label: string;
  readonly experiences: number;
  readonly amount: string;
  /** amount-weighted mean days paid after the due date (0 when on time or early) */
  readonly daysBeyondTerms: number;
  /** share of the amount paid (or still open) more than 30 days late, 0..1 */
  readonly severelyLateShare: number;
}

export interface ReportPaymentBehaviour {
  /** 0..100 on the PAYDEX key; null with fewer than 3 experiences */
  readonly paymentIndex: number | null;
  readonly experiences: number;
  readonly totalAmount: string;
  /** the last 24 months, by due month, newest first */
  readonly byMonth: readonly PaymentGroup[];
  /** by invoice amount, smallest bucket first */
  readonly byAmount: readonly PaymentGroup[];
  /** experiences shown but under dispute (they count nowhere until settled) */
  readonly disputed: number;
}

export interface ReportFinancialYear {
  readonly fiscalYear: number;
  readonly audited: boolean;
  readonly disputed: boolean;
  readonly revenue: string;
  readonly netIncome: string;
  readonly ebit: string;
  readonly totalAssets: string;
  readonly currentAssets: string;
  readonly totalLiabilities: string;
  readonly currentLiabilities: string;
  readonly retainedEarnings: string;
  readonly equity: string;
  readonly ratios: readonly { readonly name: string; readonly value: number | null }[];
}

export interface ReportObligationKind {
  readonly kind: 'TAX' | 'SOCIAL_INSURANCE' | 'UTILITY' | 'RENT';
  readonly payments: number;
  readonly onTime: number;
  readonly late: number;
  readonly unpaid: number;
  readonly amount: string;
  readonly disputed: number;
}

export interface ReportObligations {
  readonly byKind: readonly ReportObligationKind[];
  /** the latest published tax credit grade (A/B/M/C/D) */
  readonly taxCreditGrade: { readonly grade: string; readonly taxYear: number; readonly disputed: boolean } | null;
}

export interface ReportLoan {
  readonly lender: string;
  readonly principal: string;
  readonly outstanding: string;
  readonly startDate: string;
  readonly maturityDate: string | null;
  readonly daysPastDue: number;
  readonly defaultedOn: string | null;
  readonly curedOn: string | null;
  readonly disputed: boolean;
}

export interface ReportPublicRecord {
  readonly kind: 'JUDGMENT' | 'ENFORCEMENT' | 'DISHONEST_DEBTOR' | 'ADMINISTRATIVE_PENALTY';
  readonly caseNo: string;
  readonly authority: string;
  readonly eventDate: string;
  readonly endedOn: string | null;
  readonly amount: string | null;
  readonly disputed: boolean;
}

export interface ReportGuarantee {
  /** the other party: the borrower of a guarantee given, the guarantor of one received */
  readonly counterparty: string;
  readonly amount: string;
  readonly startDate: string;
  readonly endDate: string | null;
  readonly disputed: boolean;
}

export interface ReportSoftSignal {
  readonly kind: 'CERTIFICATION' | 'REPUTATION' | 'COMMUNITY_WORK' | 'OWNER_CREDIT_BAND';
  readonly reference: string;
  readonly value: number;
  readonly recordedOn: string;
  readonly validUntil: string | null;
  readonly disputed: boolean;
}

export interface ReportDispute {
  readonly recordKind: string;
  readonly openedAt: Date;
  /** the legal deadline for the coordinator's decision (20 days, Art. 25) */
  readonly deadline: string;
}

export interface ReportCompanyStatement {
  readonly recordKind: 'TRADE_EXPERIENCE' | 'PAYMENT_RECORD' | 'LOAN_RECORD' | 'PUBLIC_RECORD';
  /** which record, as the report's other sections show it (no supplier is named) */
  readonly about: string;
  readonly statement: string;
  readonly madeAt: Date;
}

export interface ReportInquiry {
  readonly bankName: string;
  readonly purpose: InquiryPurpose;
  readonly scope: ConsentScope;
  readonly at: Date;
}
