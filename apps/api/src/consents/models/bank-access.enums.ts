import { registerEnumType } from '@nestjs/graphql';
import type { ConsentRequestStatus as ConsentRequestStatusValue, ConsentScope as ConsentScopeValue, InquiryPurpose as InquiryPurposeValue } from '@app/domain';

/** Contract `ConsentScope`. */
export const ConsentScope: { readonly [K in ConsentScopeValue]: K } = { RATING: 'RATING', REPORT: 'REPORT' };
registerEnumType(ConsentScope, {
  name: 'ConsentScope',
  valuesMap: {
    RATING: { description: "the bank may read the company's ratings" },
    REPORT: { description: 'ratings and the full credit report' },
  },
});

/** Contract `InquiryPurpose`. */
export const InquiryPurpose: { readonly [K in InquiryPurposeValue]: K } = {
  LOAN_APPLICATION: 'LOAN_APPLICATION',
  ACCOUNT_REVIEW: 'ACCOUNT_REVIEW',
  MONITORING: 'MONITORING',
};
registerEnumType(InquiryPurpose, { name: 'InquiryPurpose' });

export const ConsentRequestStatus: { readonly [K in ConsentRequestStatusValue]: K } = {
  PENDING: 'PENDING',
  ACCEPTED: 'ACCEPTED',
  DECLINED: 'DECLINED',
};
registerEnumType(ConsentRequestStatus, { name: 'ConsentRequestStatus' });
