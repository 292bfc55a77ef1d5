import { Args, Query, Resolver } from '@nestjs/graphql';
import type { Actor, InquiryPurpose as InquiryPurposeValue } from '@app/domain';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { InquiryPurpose } from '@api/consents/models/bank-access.enums';
import { BankRatingsService } from './bank-ratings.service';
import { BankRatingResultModel, BankReadErrorModel } from './models/bank-rating-result.model';
import { BankRatingViewModel, toBankRatingViewModel } from './models/bank-rating-view.model';

@Resolver(() => BankRatingViewModel)
export class BankRatingsResolver {
  constructor(private readonly ratings: BankRatingsService) {}

  @Query(() => BankRatingViewModel, {
    description:
      'BANK only, and only while the company has an active consent for this bank. Every successful call is an Inquiry that the company can see.',
  })
  async bankRating(
    @CurrentActor() actor: Actor,
    @Args('creditCode') creditCode: string,
    @Args('purpose', { type: () => InquiryPurpose }) purpose: InquiryPurposeValue,
  ): Promise<BankRatingViewModel> {
    return toBankRatingViewModel(await this.ratings.read(actor, creditCode, purpose, 'GRAPHQL'));
  }

  @Query(() => [BankRatingResultModel], {
    // priced as 50 answers, like every list; the 500-code cap bounds the work itself
    complexity: ({ childComplexity }) => 10 + 50 * childComplexity,
    description: "BANK: a portfolio read of up to 500 codes, each answered or refused on its own; each answer is an Inquiry",
  })
  async bankRatings(
    @CurrentActor() actor: Actor,
    @Args('creditCodes', { type: () => [String] }) creditCodes: string[],
    @Args('purpose', { type: () => InquiryPurpose }) purpose: InquiryPurposeValue,
  ): Promise<BankRatingResultModel[]> {
    const outcomes = await this.ratings.readMany(actor, creditCodes, purpose, 'GRAPHQL');
    return outcomes.map((o) =>
      Object.assign(new BankRatingResultModel(), {
        creditCode: o.creditCode,
        view: o.read ? toBankRatingViewModel(o.read) : null,
        error: o.error ? Object.assign(new BankReadErrorModel(), { code: o.error.code, message: o.error.message }) : null,
      }),
    );
  }
}
