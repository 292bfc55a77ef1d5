import { Field, ID, ObjectType } from '@nestjs/graphql';
import type {
  Bank,
  Company,
  ConsentRequest,
  ConsentRequestStatus as ConsentRequestStatusValue,
  ConsentScope as ConsentScopeValue,
  InquiryPurpose as InquiryPurposeValue,
} from '@app/domain';
import { BankModel, toBankModel } from '@api/banks/models/bank.model';
import { ConsentRequestStatus, ConsentScope, InquiryPurpose } from './bank-access.enums';

/**
 * A bank's request for a company's consent. Seen by the company (to accept or decline) and
 * by the bank that asked; flat, so it leads nowhere beyond the two of them.
 */
@ObjectType('ConsentRequest')
export class ConsentRequestModel {
  @Field(() => ID) id: string;
  @Field() creditCode: string;
  @Field() companyName: string;
  @Field(() => BankModel) bank: BankModel;
  @Field(() => ConsentScope) scope: ConsentScopeValue;
  @Field(() => InquiryPurpose) purpose: InquiryPurposeValue;
  @Field(() => String, { nullable: true, description: "the bank's note to the company, e.g. the loan application's reference" })
  message: string | null;
  @Field(() => Date, { nullable: true, description: 'the expiry the bank asks for; the company may choose another when it accepts' })
  requestedExpiresAt: Date | null;
  @Field() requestedAt: Date;
  @Field(() => ConsentRequestStatus) status: ConsentRequestStatusValue;
  @Field(() => Date, { nullable: true }) decidedAt: Date | null;
  @Field(() => String, { nullable: true }) declineReason: string | null;
  @Field(() => ID, { nullable: true, description: 'the consent given by accepting' }) consentId: string | null;
}

export function toConsentRequestModel(r: ConsentRequest, company: Company, bank: Bank): ConsentRequestModel {
  return Object.assign(new ConsentRequestModel(), {
    id: r.id,
    creditCode: company.creditCode,
    companyName: company.name,
    bank: toBankModel(bank),
    scope: r.scope,
    purpose: r.purpose,
    message: r.message,
    requestedExpiresAt: r.requestedExpiresAt,
    requestedAt: r.requestedAt,
    status: r.status,
    decidedAt: r.decidedAt,
    declineReason: r.declineReason,
    consentId: r.consentId,
  });
}
