import { Field, InputType } from '@nestjs/graphql';

@InputType('CreateConsortiumInput')
export class CreateConsortiumInput {
  @Field() name: string;
  @Field() region: string;
  @Field() industry: string;
}
