import { Args, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { type Actor, BadInputError } from '@app/domain';
import { CompanyModel } from '@api/companies/models/company.model';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { PolicyService } from '@api/policy/policy.service';
import { CreditRatingModel } from '@api/ratings/models/credit-rating.model';
import { toCreditRatingModel } from '@api/ratings/ratings.resolver';

export const MAX_HISTORY = 500;
const DEFAULT_HISTORY = 24;

@Resolver(() => CompanyModel)
export class RatingHistoryResolver {
  constructor(private readonly policy: PolicyService) {}

  /** Guarded here like Company.rating: the same eyes see the current rating and its history. */
  @ResolveField(() => [CreditRatingModel], {
    description: "every stored rating of the company, newest first (the first is the current rating); the company's members, its coordinator and ADMIN",
    complexity: ({ args, childComplexity }) => 10 + Math.min(Number(args.limit ?? DEFAULT_HISTORY) || 0, 50) * childComplexity,
  })
  async ratingHistory(
    @Parent() company: CompanyModel,
    @CurrentActor() actor: Actor,
    @Ctx() ctx: RequestContext,
    @Args('limit', { type: () => Int, nullable: true, defaultValue: DEFAULT_HISTORY, description: `1..${MAX_HISTORY}` }) limitInput: number | null,
  ): Promise<CreditRatingModel[]> {
    this.policy.assertRole(actor, 'company.rating.read');
    const limit = limitInput ?? DEFAULT_HISTORY;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY) throw new BadInputError('limit', `limit must be between 1 and ${MAX_HISTORY}`);
    this.policy.assert(actor, 'company.rating.read', { companyId: company.id, consortiumId: company.consortiumId });
    // batched: a coordinator's `members { ratingHistory }` costs one statement
    const history = await ctx.loaders.ratingHistory.load(`${limit}:${company.id}`);
    return history.map(toCreditRatingModel);
  }
}
