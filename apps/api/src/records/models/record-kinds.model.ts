import { Field, Int, ObjectType } from '@nestjs/graphql';
import {
  type CreditRecordVersion,
  daysBeyondTerms,
  PaymentKind,
  PublicRecordKind,
  type RecordKind,
  SoftSignalKind,
} from '@app/domain';
import { BankModel } from '@api/banks/models/bank.model';
import { CompanyModel } from '@api/companies/models/company.model';
import { CalendarDateScalar, DecimalScalar } from '@api/common/scalars';
import { baseFields, CreditRecordModel } from './credit-record.model';
import { TaxGrade, TradeMatchStatus, TradeSide } from './record-enums';

@ObjectType('TradeExperience', { implements: () => [CreditRecordModel] })
export class TradeExperienceModel extends CreditRecordModel {
  @Field(() => CompanyModel, { description: 'the supplier: visible to the debtor, never to other members' }) creditor?: CompanyModel;
  @Field() invoiceNo: string;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => CalendarDateScalar) invoiceDate: string;
  @Field(() => CalendarDateScalar) dueDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) paidDate: string | null;
  @Field(() => Int, { nullable: true, description: 'paidDate - dueDate (or today - dueDate while unpaid and overdue); null while unpaid and not due' })
  daysBeyondTerms: number | null;
  @Field(() => TradeSide, { description: "SUPPLIER: the creditor's receivable; BUYER: the debtor's own payable" }) side: string;
  @Field(() => TradeMatchStatus, { nullable: true, description: "the comparison with the other side's filing of the same invoice, if there is one" })
  matchStatus?: string | null;
  creditorId: string;
}

@ObjectType('FinancialStatement', { implements: () => [CreditRecordModel] })
export class FinancialStatementModel extends CreditRecordModel {
  @Field(() => Int) fiscalYear: number;
  @Field(() => DecimalScalar) revenue: string;
  @Field(() => DecimalScalar) netIncome: string;
  @Field(() => DecimalScalar) ebit: string;
  @Field(() => DecimalScalar) totalAssets: string;
  @Field(() => DecimalScalar) currentAssets: string;
  @Field(() => DecimalScalar) totalLiabilities: string;
  @Field(() => DecimalScalar) currentLiabilities: string;
  @Field(() => DecimalScalar) retainedEarnings: string;
  @Field(() => DecimalScalar) equity: string;
  @Field(() => DecimalScalar, { nullable: true }) cash: string | null;
  @Field(() => DecimalScalar, { nullable: true }) receivables: string | null;
  @Field(() => DecimalScalar, { nullable: true }) inventory: string | null;
  @Field(() => DecimalScalar, { nullable: true }) fixedAssets: string | null;
  @Field(() => DecimalScalar, { nullable: true }) shortTermLiabilities: string | null;
  @Field(() => DecimalScalar, { nullable: true }) longTermLiabilities: string | null;
  @Field(() => DecimalScalar, { nullable: true }) shareCapital: string | null;
  @Field(() => DecimalScalar, { nullable: true }) grossProfit: string | null;
  @Field(() => DecimalScalar, { nullable: true }) operatingProfit: string | null;
  @Field(() => DecimalScalar, { nullable: true }) depreciation: string | null;
  @Field(() => DecimalScalar, { nullable: true }) interestExpense: string | null;
  @Field(() => DecimalScalar, { nullable: true }) costOfSales: string | null;
  @Field(() => DecimalScalar, { nullable: true }) operatingExpenses: string | null;
  @Field(() => DecimalScalar, { nullable: true }) priorYearRevenue: string | null;
  @Field({ description: "backed by an auditor's report (its hash is the evidence): verified on filing" }) audited: boolean;
}

@ObjectType('PaymentRecord', { implements: () => [CreditRecordModel], description: 'a tax, social insurance, utility or rent payment' })
export class PaymentRecordModel extends CreditRecordModel {
  @Field(() => PaymentKind) paymentKind: string;
  @Field() reference: string;
  @Field(() => String, { nullable: true }) payee: string | null;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => CalendarDateScalar) dueDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) paidDate: string | null;
  @Field(() => Int, { nullable: true }) daysBeyondTerms: number | null;
}

@ObjectType('TaxCreditGradeRecord', { implements: () => [CreditRecordModel], description: '纳税信用等级 of one tax year' })
export class TaxCreditGradeRecordModel extends CreditRecordModel {
  @Field(() => Int) taxYear: number;
  @Field(() => TaxGrade) grade: string;
  @Field(() => CalendarDateScalar) publishedOn: string;
}

@ObjectType('LoanRepayment')
export class LoanRepaymentModel {
  @Field(() => CalendarDateScalar) dueDate: string;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => CalendarDateScalar, { nullable: true }) paidDate: string | null;
}

@ObjectType('LoanRecord', { implements: () => [CreditRecordModel], description: 'a bank loan, filed by the bank: verified on filing' })
export class LoanRecordModel extends CreditRecordModel {
  @Field(() => BankModel) lender?: BankModel;
  @Field() contractNo: string;
  @Field(() => DecimalScalar) principal: string;
  @Field(() => DecimalScalar) outstanding: string;
  @Field(() => CalendarDateScalar) startDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) maturityDate: string | null;
  @Field(() => [LoanRepaymentModel]) repayments: LoanRepaymentModel[];
  @Field(() => Int) daysPastDue: number;
  @Field(() => CalendarDateScalar, { nullable: true }) defaultedOn: string | null;
  @Field(() => CalendarDateScalar, { nullable: true }) curedOn: string | null;
}

@ObjectType('PublicRecord', { implements: () => [CreditRecordModel], description: "a court's or registry's record, filed by the coordinator: verified on filing" })
export class PublicRecordModel extends CreditRecordModel {
  @Field(() => PublicRecordKind) publicKind: string;
  @Field() caseNo: string;
  @Field() authority: string;
  @Field(() => CalendarDateScalar) eventDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) endedOn: string | null;
  @Field(() => DecimalScalar, { nullable: true }) amount: string | null;
}

@ObjectType('Guarantee', { implements: () => [CreditRecordModel], description: "a guarantee of the subject's (the borrower's) debt, filed by the guarantor" })
export class GuaranteeModel extends CreditRecordModel {
  @Field(() => CompanyModel) guarantor?: CompanyModel;
  @Field() contractNo: string;
  @Field(() => DecimalScalar) amount: string;
  @Field(() => CalendarDateScalar) startDate: string;
  @Field(() => CalendarDateScalar, { nullable: true }) endDate: string | null;
}

@ObjectType('SoftSignal', { implements: () => [CreditRecordModel], description: 'a certification, customer reputation, community work, or the owner\'s credit band' })
export class SoftSignalModel extends CreditRecordModel {
  @Field(() => SoftSignalKind) signalKind: string;
  @Field() reference: string;
  @Field(() => Int, { description: 'REPUTATION 1..5 stars; OWNER_CREDIT_BAND 1 (best)..5; otherwise 1' }) value: number;
  @Field(() => CalendarDateScalar) recordedOn: string;
  @Field(() => CalendarDateScalar, { nullable: true }) validUntil: string | null;
  @Field({ description: "the owner's written consent is on file (it is kept apart, and not shown here)" }) ownerConsentOnFile: boolean;
  /** the consent's id, for the ownerConsentRevokedAt field; not in the schema (consents are kept apart) */
  ownerConsentId: string | null;
}

type Payload<K extends RecordKind> = Extract<CreditRecordVersion, { kind: K }>['payload'];

/** Maps a ledger version to its GraphQL type; `today` dates days beyond terms of unpaid bills. */
export function toRecordModel(v: CreditRecordVersion, today: string): CreditRecordModel {
  const base = baseFields(v);
  switch (v.kind) {
    case 'TRADE_EXPERIENCE': {
      const p: Payload<'TRADE_EXPERIENCE'> = v.payload;
      return Object.assign(new TradeExperienceModel(), base, {
        invoiceNo: p.invoiceNo,
        amount: p.amount,
        invoiceDate: p.invoiceDate,
        dueDate: p.dueDate,
        paidDate: p.paidDate,
        daysBeyondTerms: daysBeyondTerms(p.dueDate, p.paidDate, today),
        side: p.side,
        creditorId: p.creditorId,
      });
    }
    case 'FINANCIAL_STATEMENT':
      return Object.assign(new FinancialStatementModel(), base, v.payload);
    case 'PAYMENT_RECORD': {
      const p: Payload<'PAYMENT_RECORD'> = v.payload;
      return Object.assign(new PaymentRecordModel(), base, p, { daysBeyondTerms: daysBeyondTerms(p.dueDate, p.paidDate, today) });
    }
    case 'TAX_CREDIT_GRADE':
      return Object.assign(new TaxCreditGradeRecordModel(), base, v.payload);
    case 'LOAN_RECORD':
      return Object.assign(new LoanRecordModel(), base, v.payload, {
        repayments: v.payload.repayments.map((r) => Object.assign(new LoanRepaymentModel(), r)),
      });
    case 'PUBLIC_RECORD':
      return Object.assign(new PublicRecordModel(), base, v.payload);
    case 'GUARANTEE':
      return Object.assign(new GuaranteeModel(), base, v.payload);
    case 'SOFT_SIGNAL': {
      const { ownerConsentId, ...rest } = v.payload;
      return Object.assign(new SoftSignalModel(), base, rest, { ownerConsentOnFile: ownerConsentId !== null, ownerConsentId });
    }
  }
}
