import { Field, ID, ObjectType } from '@nestjs/graphql';
import { type Consent, type ConsentScope as ConsentScopeValue, isConsentActive } from '@app/domain';
import { ConsentScope } from './bank-access.enums';

/** Contract `Consent`: a company's grant to one bank, as the company and its coordinator see it. */
@ObjectType('Consent')
export class ConsentModel {
  @Field(() => ID) id: string;
  @Field(() => ConsentScope) scope: ConsentScopeValue;
  @Field() grantedAt: Date;
  @Field(() => Date, { nullable: true, description: 'none: until revoked' }) expiresAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'when it was revoked, or replaced by a newer grant for the same bank and scope' })
  revokedAt: Date | null;
  @Field({ description: 'neither revoked nor expired, now' }) active: boolean;
  companyId: string;
  bankId: string;
}

export function toConsentModel(c: Consent, now: Date): ConsentModel {
  return Object.assign(new ConsentModel(), {
    id: c.id,
    scope: c.scope,
    grantedAt: c.grantedAt,
    expiresAt: c.expiresAt,
    revokedAt: c.revokedAt,
    active: isConsentActive(c, now),
    companyId: c.companyId,
    bankId: c.bankId,
  });
}
