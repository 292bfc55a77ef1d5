import { Field, ID, InputType } from '@nestjs/graphql';
import type { PublicProfileField } from '@app/domain';
import { PublicProfileFieldEnum } from '../models/public-profile.model';

@InputType('PublishPublicProfileInput')
export class PublishPublicProfileInput {
  @Field(() => ID) companyId: string;
  @Field(() => String, {
    nullable: true,
    description: 'the address /p/<slug> on first publishing (3-40 of a-z, 0-9 and -); a random one when left out; fixed afterwards',
  })
  slug?: string | null;
  @Field(() => [PublicProfileFieldEnum], { nullable: true, description: 'what to show; the current choice when left out' })
  fields?: PublicProfileField[] | null;
}

@InputType('PublicProfileFieldsInput')
export class PublicProfileFieldsInput {
  @Field(() => ID) companyId: string;
  @Field(() => [PublicProfileFieldEnum], { description: 'what to show from now on' }) fields: PublicProfileField[];
}
