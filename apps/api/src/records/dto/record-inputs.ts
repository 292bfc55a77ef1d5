import { Field, InputType, Int } from '@nestjs/graphql';
import { CalendarDateScalar, DecimalScalar } from '@api/common/scalars';
import { PaymentKind, PublicRecordKind, SoftSignalKind, TaxGrade } from '../models/record-enums';

@InputType('EvidenceInput', { description: "a document's SHA-256 (hex) and name; the document itself is not uploaded" })
export class EvidenceInput {
  @Field() sha256: string;
  @Field() name: string;
}

@InputType('TradeExperienceInput')
export class TradeExperienceInput {
  @Field({ description: 'a fellow member of the caller\'s consortium' }) debtorCreditCode: string;
  @Field() invoiceNo: string;
  @Field(() => DecimalScalar, { description: '> 0' }) amount: string;
  @Field(() => CalendarDateScalar) invoiceDate: string;
  @Field(() => CalendarDateScalar, { description: '>= invoiceDate' }) dueDate: string;
  @Field(() => CalendarDateScalar, { nullable: true, description: '>= invoiceDate, not in the future' }) paidDate?: string | null;
  @Field(() => String, { nullable: true, description: 'CNY (the default); amounts are filed in yuan' }) currency?: string | null;
  @Field(() => EvidenceInput, { nullable: true }) evidence?: EvidenceInput | null;
}

@InputType('TradePayableInput', { description: "the buyer's own filing of an invoice it owes: it matches the supplier's" })
export class TradePayableInput {
  @Field({ description: 'the supplier, a fellow member' }) creditorCreditCode: string;
  @Field() invoiceNo: string;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => CalendarDateScalar) invoiceDate: string;
  @Field(() => CalendarDateScalar) dueDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) paidDate?: string | null;
  @Field(() => String, { nullable: true }) currency?: string | null;
  @Field(() => EvidenceInput, { nullable: true }) evidence?: EvidenceInput | null;
}

@InputType('FinancialStatementInput')
export class FinancialStatementInput {
  @Field(() => Int) fiscalYear: number;
  @Field(() => DecimalScalar) revenue: string;
  @Field(() => DecimalScalar) netIncome: string;
  @Field(() => DecimalScalar) ebit: string;
  @Field(() => DecimalScalar, { description: '> 0' }) totalAssets: string;
  @Field(() => DecimalScalar) currentAssets: string;
  @Field(() => DecimalScalar) totalLiabilities: string;
  @Field(() => DecimalScalar) currentLiabilities: string;
  @Field(() => DecimalScalar) retainedEarnings: string;
  @Field(() => DecimalScalar) equity: string;
  @Field(() => DecimalScalar, { nullable: true }) cash?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) receivables?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) inventory?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) fixedAssets?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) shortTermLiabilities?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) longTermLiabilities?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) shareCapital?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) grossProfit?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) operatingProfit?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) depreciation?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) interestExpense?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) costOfSales?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) operatingExpenses?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) priorYearRevenue?: string | null;
  @Field(() => String, { nullable: true }) currency?: string | null;
  @Field(() => EvidenceInput, { nullable: true, description: "an auditor's report: the statement is verified on filing" }) auditReport?: EvidenceInput | null;
  @Field(() => EvidenceInput, { nullable: true }) evidence?: EvidenceInput | null;
}

@InputType('PaymentRecordInput')
export class PaymentRecordInput {
  @Field(() => String, { nullable: true, description: "the subject; a MEMBER files for its own company and may leave it out; a COORDINATOR names it" })
  subjectCreditCode?: string | null;
  @Field(() => PaymentKind) paymentKind: string;
  @Field({ description: 'the reference of the bill, e.g. the tax period "2024-03 增值税"' }) reference: string;
  @Field(() => String, { nullable: true }) payee?: string | null;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => String, { nullable: true }) currency?: string | null;
  @Field(() => CalendarDateScalar) dueDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) paidDate?: string | null;
  @Field(() => EvidenceInput, { nullable: true }) evidence?: EvidenceInput | null;
}

@InputType('TaxCreditGradeInput')
export class TaxCreditGradeInput {
  @Field(() => String, { nullable: true }) subjectCreditCode?: string | null;
  @Field(() => Int) taxYear: number;
  @Field(() => TaxGrade) grade: string;
  @Field(() => CalendarDateScalar) publishedOn: string;
  @Field(() => EvidenceInput, { nullable: true }) evidence?: EvidenceInput | null;
}

@InputType('LoanRepaymentInput')
export class LoanRepaymentInput {
  @Field(() => CalendarDateScalar) dueDate: string;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => CalendarDateScalar, { nullable: true }) paidDate?: string | null;
}

@InputType('LoanRecordInput')
export class LoanRecordInput {
  @Field() borrowerCreditCode: string;
  @Field() contractNo: string;
  @Field(() => DecimalScalar) principal: string;
  @Field(() => DecimalScalar) outstanding: string;
  @Field(() => String, { nullable: true }) currency?: string | null;
  @Field(() => CalendarDateScalar) startDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) maturityDate?: string | null;
  @Field(() => [LoanRepaymentInput], { nullable: true, description: 'the schedule and what was paid' }) repayments?: LoanRepaymentInput[] | null;
  @Field(() => Int, { nullable: true }) daysPastDue?: number | null;
  @Field(() => CalendarDateScalar, { nullable: true }) defaultedOn?: string | null;
  @Field(() => CalendarDateScalar, { nullable: true }) curedOn?: string | null;
  @Field(() => EvidenceInput, { nullable: true }) evidence?: EvidenceInput | null;
}

@InputType('PublicRecordInput')
export class PublicRecordInput {
  @Field() subjectCreditCode: string;
  @Field(() => PublicRecordKind) publicKind: string;
  @Field({ description: 'e.g. "(2023)浙0302执1234号"' }) caseNo: string;
  @Field({ description: 'the court or agency' }) authority: string;
  @Field(() => CalendarDateScalar) eventDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) endedOn?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) amount?: string | null;
  @Field(() => String, { nullable: true }) currency?: string | null;
  @Field(() => EvidenceInput, { nullable: true }) evidence?: EvidenceInput | null;
}

@InputType('GuaranteeInput')
export class GuaranteeInput {
  @Field({ description: 'the borrower whose debt the caller guarantees, a fellow member' }) borrowerCreditCode: string;
  @Field() contractNo: string;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => String, { nullable: true }) currency?: string | null;
  @Field(() => CalendarDateScalar) startDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) endDate?: string | null;
  @Field(() => EvidenceInput, { nullable: true }) evidence?: EvidenceInput | null;
}

@InputType('OwnerConsentInput', { description: "the owner's written consent to use the owner's personal credit band (Art. 13-14)" })
export class OwnerConsentInput {
  @Field() ownerName: string;
  @Field(() => EvidenceInput, { description: 'the signed consent' }) document: EvidenceInput;
  @Field(() => CalendarDateScalar) signedOn: string;
}

@InputType('SoftSignalInput')
export class SoftSignalInput {
  @Field(() => SoftSignalKind) signalKind: string;
  @Field({ description: 'the certificate, award or source' }) reference: string;
  @Field(() => Int, { nullable: true }) value?: number | null;
  @Field(() => CalendarDateScalar) recordedOn: string;
  @Field(() => CalendarDateScalar, { nullable: true }) validUntil?: string | null;
  @Field(() => EvidenceInput, { nullable: true, description: 'required: a soft signal counts only with its document' }) evidence?: EvidenceInput | null;
  @Field(() => OwnerConsentInput, { nullable: true }) ownerConsent?: OwnerConsentInput | null;
}
