import { Field, ObjectType } from '@nestjs/graphql';
import { BankRatingViewModel } from './bank-rating-view.model';

@ObjectType('BankReadError', { description: 'Why one code of a batch read was not answered' })
export class BankReadErrorModel {
  @Field({ description: 'a contract error code: FORBIDDEN (no active consent) or BAD_USER_INPUT (not a valid credit code)' }) code: string;
  @Field() message: string;
}

@ObjectType('BankRatingResult', { description: 'One code of a batch read: answered (view) or refused (error), never both' })
export class BankRatingResultModel {
  @Field({ description: 'the code as asked for' }) creditCode: string;
  @Field(() => BankRatingViewModel, { nullable: true }) view: BankRatingViewModel | null;
  @Field(() => BankReadErrorModel, { nullable: true }) error: BankReadErrorModel | null;
}
