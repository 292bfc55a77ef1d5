import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import type { ConsentScope as ConsentScopeValue, CreditReport, InquiryPurpose as InquiryPurposeValue } from '@app/domain';
import { CalendarDateScalar, DecimalScalar } from '@api/common/scalars';
import { ConsentScope, InquiryPurpose } from '@api/consents/models/bank-access.enums';
import { toCreditRatingModel } from '@api/ratings/credit-rating.mapper';
import { CreditRatingModel } from '@api/ratings/models/credit-rating.model';

// Every type of the report is flat: names and figures, never a Company, so that nothing in
// a bank's view leads to another company's data.

@ObjectType('ReportIdentification')
export class ReportIdentificationModel {
  @Field() creditCode: string;
  @Field() name: string;
  @Field() consortiumName: string;
  @Field() region: string;
  @Field() industry: string;
  @Field(() => CalendarDateScalar, { description: 'the day it joined the alliance' }) memberSince: string;
}

@ObjectType('ReportRatingPoint')
export class ReportRatingPointModel {
  @Field() computedAt: Date;
  @Field(() => Int) score: number;
  @Field() grade: string;
  @Field(() => Float) pd: number;
  @Field(() => String, { nullable: true }) backedGrade: string | null;
  @Field(() => [String]) reasonCodes: string[];
}

@ObjectType('ReportStanding', { description: "The consortium's standing, as a lender reads it (the members behind it are not shown)" })
export class ReportStandingModel {
  @Field() grade: string;
  @Field(() => Float) weightedPd: number;
  @Field(() => Float, { description: 'guarantee fund / stressed expected loss' }) guaranteeCoverage: number;
  @Field(() => Int) members: number;
  @Field() computedAt: Date;
}

@ObjectType('PaymentGroup')
export class PaymentGroupModel {
  @Field({ description: 'YYYY-MM (by due month) or an amount bucket' }) label: string;
  @Field(() => Int) experiences: number;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => Float, { description: 'amount-weighted days beyond terms' }) daysBeyondTerms: number;
  @Field(() => Float, { description: 'share of the amount more than 30 days late, 0..1' }) severelyLateShare: number;
}

@ObjectType('ReportPaymentBehaviour')
export class ReportPaymentBehaviourModel {
  @Field(() => Int, { nullable: true, description: '0..100 on the PAYDEX key; null with fewer than 3 experiences' }) paymentIndex: number | null;
  @Field(() => Int) experiences: number;
  @Field(() => DecimalScalar) totalAmount: string;
  @Field(() => [PaymentGroupModel], { description: 'the last 24 months by due month, newest first' }) byMonth: PaymentGroupModel[];
  @Field(() => [PaymentGroupModel], { description: 'by invoice amount' }) byAmount: PaymentGroupModel[];
  @Field(() => Int, { description: 'experiences under dispute: shown, counted nowhere' }) disputed: number;
}

@ObjectType('ReportRatio')
export class ReportRatioModel {
  @Field() name: string;
  @Field(() => Float, { nullable: true }) value: number | null;
}

@ObjectType('ReportFinancialYear')
export class ReportFinancialYearModel {
  @Field(() => Int) fiscalYear: number;
  @Field() audited: boolean;
  @Field({ description: 'under dispute: shown, counted nowhere' }) disputed: boolean;
  @Field(() => DecimalScalar) revenue: string;
  @Field(() => DecimalScalar) netIncome: string;
  @Field(() => DecimalScalar) ebit: string;
  @Field(() => DecimalScalar) totalAssets: string;
  @Field(() => DecimalScalar) currentAssets: string;
  @Field(() => DecimalScalar) totalLiabilities: string;
  @Field(() => DecimalScalar) currentLiabilities: string;
  @Field(() => DecimalScalar) retainedEarnings: string;
  @Field(() => DecimalScalar) equity: string;
  @Field(() => [ReportRatioModel]) ratios: ReportRatioModel[];
}

@ObjectType('ReportObligationKind')
export class ReportObligationKindModel {
  @Field({ description: 'TAX, SOCIAL_INSURANCE, UTILITY or RENT' }) kind: string;
  @Field(() => Int) payments: number;
  @Field(() => Int) onTime: number;
  @Field(() => Int) late: number;
  @Field(() => Int) unpaid: number;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => Int) disputed: number;
}

@ObjectType('ReportTaxCreditGrade')
export class ReportTaxCreditGradeModel {
  @Field() grade: string;
  @Field(() => Int) taxYear: number;
  @Field() disputed: boolean;
}

@ObjectType('ReportObligations')
export class ReportObligationsModel {
  @Field(() => [ReportObligationKindModel]) byKind: ReportObligationKindModel[];
  @Field(() => ReportTaxCreditGradeModel, { nullable: true }) taxCreditGrade: ReportTaxCreditGradeModel | null;
}

@ObjectType('ReportLoan')
export class ReportLoanModel {
  @Field() lender: string;
  @Field(() => DecimalScalar) principal: string;
  @Field(() => DecimalScalar) outstanding: string;
  @Field(() => CalendarDateScalar) startDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) maturityDate: string | null;
  @Field(() => Int) daysPastDue: number;
  @Field(() => CalendarDateScalar, { nullable: true }) defaultedOn: string | null;
  @Field(() => CalendarDateScalar, { nullable: true }) curedOn: string | null;
  @Field() disputed: boolean;
}

@ObjectType('ReportPublicRecord')
export class ReportPublicRecordModel {
  @Field({ description: 'JUDGMENT, ENFORCEMENT, DISHONEST_DEBTOR or ADMINISTRATIVE_PENALTY' }) kind: string;
  @Field() caseNo: string;
  @Field() authority: string;
  @Field(() => CalendarDateScalar) eventDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) endedOn: string | null;
  @Field(() => DecimalScalar, { nullable: true }) amount: string | null;
  @Field() disputed: boolean;
}

@ObjectType('ReportGuarantee')
export class ReportGuaranteeModel {
  @Field({ description: "the other party's name: the borrower of a guarantee given, the guarantor of one received" }) counterparty: string;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => CalendarDateScalar) startDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) endDate: string | null;
  @Field() disputed: boolean;
}

@ObjectType('ReportSoftSignal')
export class ReportSoftSignalModel {
  @Field({ description: 'CERTIFICATION, REPUTATION, COMMUNITY_WORK or OWNER_CREDIT_BAND' }) kind: string;
  @Field() reference: string;
  @Field(() => Int) value: number;
  @Field(() => CalendarDateScalar) recordedOn: string;
  @Field(() => CalendarDateScalar, { nullable: true }) validUntil: string | null;
  @Field() disputed: boolean;
}

@ObjectType('ReportDispute')
export class ReportDisputeModel {
  @Field() recordKind: string;
  @Field() openedAt: Date;
  @Field(() => CalendarDateScalar, { description: "the coordinator's legal deadline (20 days)" }) deadline: string;
}

@ObjectType('ReportCompanyStatement', { description: "the company's statement on negative information the report shows (征信业管理条例 Art. 16)" })
export class ReportCompanyStatementModel {
  @Field({ description: 'TRADE_EXPERIENCE, PAYMENT_RECORD, LOAN_RECORD or PUBLIC_RECORD' }) recordKind: string;
  @Field({ description: 'which record, as the other sections show it (no supplier is named)' }) about: string;
  @Field() statement: string;
  @Field() madeAt: Date;
}

@ObjectType('ReportInquiry')
export class ReportInquiryModel {
  @Field() bankName: string;
  @Field(() => InquiryPurpose) purpose: InquiryPurposeValue;
  @Field(() => ConsentScope) scope: ConsentScopeValue;
  @Field() at: Date;
}

@ObjectType('CreditReport', { description: 'Everything a lender reads before a loan; its reading is an Inquiry the company sees' })
export class CreditReportModel {
  @Field(() => ID) inquiryId: string;
  @Field() generatedAt: Date;
  @Field(() => InquiryPurpose) purpose: InquiryPurposeValue;
  @Field({ description: 'the bank it was made for' }) bankName: string;
  @Field(() => ReportIdentificationModel) identification: ReportIdentificationModel;
  @Field(() => CreditRatingModel, { nullable: true, description: 'the stand-alone rating with reasons and factors, and the backed rating' })
  rating: CreditRatingModel | null;
  @Field(() => [ReportRatingPointModel], { description: 'the last 24 months, newest first' }) ratingHistory: ReportRatingPointModel[];
  @Field(() => ReportStandingModel, { nullable: true }) standing: ReportStandingModel | null;
  @Field(() => ReportPaymentBehaviourModel) paymentBehaviour: ReportPaymentBehaviourModel;
  @Field(() => [ReportFinancialYearModel], { description: 'financial statements and ratios by year, newest first' }) financialYears: ReportFinancialYearModel[];
  @Field(() => ReportObligationsModel) obligations: ReportObligationsModel;
  @Field(() => [ReportLoanModel]) loans: ReportLoanModel[];
  @Field(() => [ReportPublicRecordModel]) publicRecords: ReportPublicRecordModel[];
  @Field(() => [ReportGuaranteeModel]) guaranteesGiven: ReportGuaranteeModel[];
  @Field(() => [ReportGuaranteeModel]) guaranteesReceived: ReportGuaranteeModel[];
  @Field(() => [ReportSoftSignalModel]) softInformation: ReportSoftSignalModel[];
  @Field(() => [ReportDisputeModel], { description: 'disputes not yet settled; the records they contest are marked disputed' }) openDisputes: ReportDisputeModel[];
  @Field(() => [ReportCompanyStatementModel], { description: "the company's statements on the negative information shown, newest first" })
  companyStatements: ReportCompanyStatementModel[];
  @Field(() => [ReportInquiryModel], { description: 'bank reads of the last 12 months, newest first' }) inquiries: ReportInquiryModel[];
}

/** The domain report as GraphQL objects: plain data, so one deep copy with the rating mapped. */
export function toCreditReportModel(r: CreditReport): CreditReportModel {
  return Object.assign(new CreditReportModel(), {
    ...r,
    rating: r.rating ? toCreditRatingModel(r.rating) : null,
  }) as CreditReportModel;
}
