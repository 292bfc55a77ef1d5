import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { ConsentScope as ConsentScopeValue, Inquiry, InquiryChannel as InquiryChannelValue, InquiryPurpose as InquiryPurposeValue } from '@app/domain';
import { ConsentScope, InquiryPurpose } from '@api/consents/models/bank-access.enums';

export const InquiryChannel: { readonly [K in InquiryChannelValue]: K } = { GRAPHQL: 'GRAPHQL', REST: 'REST', ALERT: 'ALERT' };
registerEnumType(InquiryChannel, {
  name: 'InquiryChannel',
  description: 'how the read reached the platform',
  valuesMap: { ALERT: { description: "a RatingChanged alert sent to the bank's monitoring (subscription and webhook)" } },
});

export const InquiryReader = { USER: 'USER', API_KEY: 'API_KEY', MONITORING: 'MONITORING' } as const;
export type InquiryReaderValue = keyof typeof InquiryReader;
registerEnumType(InquiryReader, {
  name: 'InquiryReader',
  description: "a person at the bank, the bank's system with an API key, or the platform alerting the bank's monitoring",
});

/** Contract `Inquiry`: one bank read of the company's data, as the company sees it. */
@ObjectType('Inquiry')
export class InquiryModel {
  @Field(() => ID) id: string;
  @Field(() => InquiryPurpose) purpose: InquiryPurposeValue;
  @Field() at: Date;
  @Field(() => ConsentScope, { description: 'what was read: RATING (the rating) or REPORT (the full credit report)' }) scope: ConsentScopeValue;
  @Field(() => InquiryReader) readBy: InquiryReaderValue;
  @Field(() => InquiryChannel) channel: InquiryChannelValue;
  bankId: string;
}

export function toInquiryModel(i: Inquiry): InquiryModel {
  return Object.assign(new InquiryModel(), {
    id: i.id,
    purpose: i.purpose,
    at: i.at,
    scope: i.scope,
    readBy: i.channel === 'ALERT' ? 'MONITORING' : i.apiKeyId ? 'API_KEY' : 'USER',
    channel: i.channel,
    bankId: i.bankId,
  });
}
