import { Field, InputType } from '@nestjs/graphql';
import type { ConsentScope as ConsentScopeValue, InquiryPurpose as InquiryPurposeValue } from '@app/domain';
import { ConsentScope, InquiryPurpose } from '../models/bank-access.enums';

@InputType()
export class RequestConsentInput {
  @Field({ description: "the company's unified social credit code" }) creditCode: string;
  @Field(() => ConsentScope) scope: ConsentScopeValue;
  @Field(() => InquiryPurpose) purpose: InquiryPurposeValue;
  @Field(() => String, { nullable: true, description: 'a note for the company, at most 500 characters' }) message?: string | null;
  @Field(() => Date, { nullable: true, description: 'the expiry asked for, in the future' }) expiresAt?: Date | null;
}
