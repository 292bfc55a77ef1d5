import { Field, InputType } from '@nestjs/graphql';

@InputType('CreateBankInput')
export class CreateBankInput {
  @Field() name: string;
}
