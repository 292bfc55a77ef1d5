import { Field, ID, InputType } from '@nestjs/graphql';
import type { ConsentScope as ConsentScopeValue } from '@app/domain';
import { ConsentScope } from '../models/bank-access.enums';

/** Contract `GrantConsentInput`. */
@InputType()
export class GrantConsentInput {
  @Field(() => ID) bankId: string;
  @Field(() => ConsentScope) scope: ConsentScopeValue;
  @Field(() => Date, { nullable: true, description: 'in the future; none: until revoked' }) expiresAt?: Date | null;
}
