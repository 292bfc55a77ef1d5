import { Field, ID, InputType } from '@nestjs/graphql';
import { Role } from '@app/domain';

@InputType('CreateUserInput')
export class CreateUserInput {
  @Field() email: string;
  @Field({ description: 'at least 12 characters' }) password: string;
  @Field(() => Role) role: Role;
  @Field(() => ID, { nullable: true, description: 'MEMBER' }) companyId?: string | null;
  @Field(() => ID, { nullable: true, description: 'COORDINATOR' }) consortiumId?: string | null;
  @Field(() => ID, { nullable: true, description: 'BANK' }) bankId?: string | null;
}
