import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { BankRatingRead } from '@app/domain';
import { toCreditRatingModel } from '@api/ratings/credit-rating.mapper';
import { CreditRatingModel } from '@api/ratings/models/credit-rating.model';

/**
 * Contract `BankRatingView`: what a bank sees, flat on purpose, so that no path leads from
 * it to other companies or to the consortium's members.
 */
@ObjectType('BankRatingView')
export class BankRatingViewModel {
  @Field() creditCode: string;
  @Field() companyName: string;
  @Field() consortiumName: string;
  @Field(() => String, { nullable: true, description: 'null until the standing is first computed' }) consortiumGrade: string | null;
  @Field(() => CreditRatingModel, { nullable: true, description: 'null until first computed' }) rating: CreditRatingModel | null;
  @Field(() => ID, { description: 'the inquiry this read was recorded as; the company sees it' }) inquiryId: string;
  @Field({ description: 'when the read was made' }) readAt: Date;
}

export function toBankRatingViewModel(r: BankRatingRead): BankRatingViewModel {
  return Object.assign(new BankRatingViewModel(), {
    creditCode: r.creditCode,
    companyName: r.companyName,
    consortiumName: r.consortiumName,
    consortiumGrade: r.consortiumGrade,
    rating: r.rating ? toCreditRatingModel(r.rating) : null,
    inquiryId: r.inquiryId,
    readAt: r.at,
  });
}
