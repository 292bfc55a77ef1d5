import { Field, ID, Int, InterfaceType, ObjectType } from '@nestjs/graphql';
import { type CreditRecordVersion, RecordKind, VerificationStatus } from '@app/domain';
import { CompanyModel } from '@api/companies/models/company.model';
import { CalendarDateScalar } from '@api/common/scalars';
import { RecordSource } from './record-enums';

@ObjectType('Evidence', { description: "a document backing a record: its SHA-256 and name; the document stays with its owner" })
export class EvidenceModel {
  @Field() sha256: string;
  @Field() name: string;
}

/** The GraphQL type of each record kind. */
export const TYPE_OF_KIND: Readonly<Record<RecordKind, string>> = {
  TRADE_EXPERIENCE: 'TradeExperience',
  FINANCIAL_STATEMENT: 'FinancialStatement',
  PAYMENT_RECORD: 'PaymentRecord',
  TAX_CREDIT_GRADE: 'TaxCreditGradeRecord',
  LOAN_RECORD: 'LoanRecord',
  PUBLIC_RECORD: 'PublicRecord',
  GUARANTEE: 'Guarantee',
  SOFT_SIGNAL: 'SoftSignal',
};

/**
 * One record as a caller sees it: the version that counts (or, in `versions`, an older
 * one). The id is the record's, stable across versions. Who filed it shows only as a
 * role (`source`); the creditor of a trade experience, the guarantor of a guarantee and the
 * lender of a loan are part of what the record says, and show on those types.
 */
@InterfaceType('CreditRecord', { resolveType: (record: CreditRecordModel) => TYPE_OF_KIND[record.kind] })
export abstract class CreditRecordModel {
  @Field(() => ID) id: string;
  @Field(() => CompanyModel, { description: 'whom the record is about' }) subject?: CompanyModel;
  @Field(() => VerificationStatus) status: VerificationStatus;
  @Field({ description: 'when this version was filed' }) createdAt: Date;
  @Field(() => RecordKind) kind: RecordKind;
  @Field(() => Int, { description: 'versions count from 1; a correction or a later payment is a new version' }) version: number;
  @Field({ description: 'whether this is the version that counts: the latest one not rejected' }) current: boolean;
  @Field(() => RecordSource) source: RecordSource;
  @Field({ description: 'negative information: the subject was notified and it counts only after the waiting period' }) negative: boolean;
  @Field({ description: 'it counts in ratings from this instant (once VERIFIED)' }) countsFrom: Date;
  @Field(() => CalendarDateScalar, { nullable: true, description: 'negative information stops counting and showing on this day (5 years after the event ended)' })
  expiresOn: string | null;
  @Field(() => EvidenceModel, { nullable: true }) evidence: EvidenceModel | null;

  subjectId: string;
  consortiumId: string;
  reporterCompanyId: string | null;
  reporterBankId: string | null;
  /** the domain version this model shows */
  ledger: CreditRecordVersion;
}

/** The fields every kind maps the same way. */
export function baseFields(v: CreditRecordVersion): Omit<CreditRecordModel, 'subject'> {
  return {
    id: v.recordId,
    status: v.status,
    createdAt: v.createdAt,
    kind: v.kind,
    version: v.version,
    current: v.isCurrent,
    source: v.reporterRole,
    negative: v.negative,
    countsFrom: v.countsFrom,
    expiresOn: v.expiresOn,
    evidence: v.evidence ? Object.assign(new EvidenceModel(), v.evidence) : null,
    subjectId: v.subjectId,
    consortiumId: v.consortiumId,
    reporterCompanyId: v.reporterCompanyId,
    reporterBankId: v.reporterBankId,
    ledger: v,
  };
}
