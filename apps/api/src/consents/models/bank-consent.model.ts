import { Field, ID, ObjectType } from '@nestjs/graphql';
import { type Company, type Consent, type ConsentScope as ConsentScopeValue, isConsentActive } from '@app/domain';
import { ConsentScope } from './bank-access.enums';

/**
 * A consent as the bank that holds it sees it: flat, like BankRatingView, so that nothing
 * in a bank's view leads to a Company object and from there to other companies.
 */
@ObjectType('BankConsent')
export class BankConsentModel {
  @Field(() => ID) id: string;
  @Field() creditCode: string;
  @Field() companyName: string;
  @Field(() => ConsentScope) scope: ConsentScopeValue;
  @Field() grantedAt: Date;
  @Field(() => Date, { nullable: true }) expiresAt: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt: Date | null;
  @Field() active: boolean;
}

export function toBankConsentModel(c: Consent, company: Company, now: Date): BankConsentModel {
  return Object.assign(new BankConsentModel(), {
    id: c.id,
    creditCode: company.creditCode,
    companyName: company.name,
    scope: c.scope,
    grantedAt: c.grantedAt,
    expiresAt: c.expiresAt,
    revokedAt: c.revokedAt,
    active: isConsentActive(c, now),
  });
}
