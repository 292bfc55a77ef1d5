import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { BankModel, toBankModel } from '@api/banks/models/bank.model';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { BankRatingsService, MAX_INQUIRIES } from './bank-ratings.service';
import { InquiryModel, toInquiryModel } from './models/inquiry.model';

@Resolver(() => InquiryModel)
export class InquiriesResolver {
  constructor(private readonly ratings: BankRatingsService) {}

  @Query(() => [InquiryModel], {
    complexity: ({ childComplexity }) => 10 + 50 * childComplexity,
    description:
      "the company's MEMBERs; its COORDINATOR: every bank read of the company, newest first (ties by id), a page at a time (limit, offset), optionally from `from` (inclusive) to `to` (exclusive)",
  })
  async inquiries(
    @CurrentActor() actor: Actor,
    @Args('companyId', { type: () => ID }) companyId: string,
    @Ctx() ctx: RequestContext,
    @Args('limit', { type: () => Int, defaultValue: MAX_INQUIRIES, description: `at most ${MAX_INQUIRIES}` }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0, description: 'the newest to skip: the next page starts where the last ended' }) offset: number,
    @Args('from', { type: () => Date, nullable: true, description: 'reads at this instant or later; none: from the first' }) from: Date | null,
    @Args('to', { type: () => Date, nullable: true, description: 'reads before this instant (exclusive); not before from; none: to the latest' }) to: Date | null,
  ): Promise<InquiryModel[]> {
    return (await this.ratings.listForCompany(actor, companyId, ctx.loaders, { limit, offset }, { from, to })).map(toInquiryModel);
  }

  @ResolveField(() => BankModel)
  async bank(@Parent() inquiry: InquiryModel, @Ctx() ctx: RequestContext): Promise<BankModel> {
    const bank = await ctx.loaders.bank.load(inquiry.bankId);
    if (!bank) throw new Error(`inquiry ${inquiry.id} names no bank`);
    return toBankModel(bank);
  }
}
