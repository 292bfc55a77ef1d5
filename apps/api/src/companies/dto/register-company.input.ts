import { Field, ID, InputType } from '@nestjs/graphql';

@InputType('RegisterCompanyInput')
export class RegisterCompanyInput {
  @Field(() => ID) consortiumId: string;
  @Field() creditCode: string;
  @Field() name: string;
}
