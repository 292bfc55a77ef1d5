import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import type { StoredRating } from '@app/domain/ratings';
import { CompanyModel } from '@api/companies/models/company.model';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { PolicyService } from '@api/policy/policy.service';
import { BackedRatingModel, CreditRatingModel, FactorModel, ReasonModel } from './models/credit-rating.model';

/** A stored rating as the contract's `CreditRating`. */
export function toCreditRatingModel(r: StoredRating): CreditRatingModel {
  return Object.assign(new CreditRatingModel(), {
    score: r.score,
    grade: r.grade,
    pd: r.pd,
    reasons: r.reasons.map((reason) =>
      Object.assign(new ReasonModel(), { code: reason.code, description: reason.description, descriptionZh: reason.descriptionZh }),
    ),
    factors: r.factors.map((f) => Object.assign(new FactorModel(), { name: f.name, score: f.score, weight: f.weight })),
    backed: r.backed ? Object.assign(new BackedRatingModel(), { grade: r.backed.grade, pd: r.backed.pd, notchesUplift: r.backed.notchesUplift }) : null,
    verifiedRecords: r.verifiedRecords,
    modelVersion: r.modelVersion,
    computedAt: r.computedAt,
  });
}

@Resolver(() => CompanyModel)
export class CompanyRatingResolver {
  constructor(private readonly policy: PolicyService) {}

  /** Guarded here, not only on the query: `company { rating }` is reachable by several paths. */
  @ResolveField(() => CreditRatingModel, { nullable: true, complexity: 5 })
  async rating(@Parent() company: CompanyModel, @CurrentActor() actor: Actor, @Ctx() ctx: RequestContext): Promise<CreditRatingModel | null> {
    this.policy.assert(actor, 'company.rating.read', { companyId: company.id, consortiumId: company.consortiumId });
    const current = await ctx.loaders.currentRating.load(company.id);
    return current ? toCreditRatingModel(current) : null;
  }
}
