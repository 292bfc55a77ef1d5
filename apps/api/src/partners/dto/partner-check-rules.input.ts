import { Field, InputType, Int } from '@nestjs/graphql';

@InputType('PartnerCheckRulesInput')
export class PartnerCheckRulesInput {
  @Field(() => Int, { description: '1..60' }) contributionWindowMonths: number;
  @Field(() => Int, { description: '1..10000' }) minTradeLines: number;
  @Field(() => Int, { description: '1..10000' }) dailyCheckLimit: number;
}
