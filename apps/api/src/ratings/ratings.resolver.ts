import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { CompanyModel } from '@api/companies/models/company.model';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { PolicyService } from '@api/policy/policy.service';
import { CreditRatingModel } from './models/credit-rating.model';

@Resolver(() => CompanyModel)
export class CompanyRatingResolver {
  constructor(private readonly policy: PolicyService) {}

  /** Guarded here, not only on the query: `company { rating }` is reachable by several paths. */
  @ResolveField(() => CreditRatingModel, { nullable: true, complexity: 5 })
  async rating(@Parent() company: CompanyModel, @CurrentActor() actor: Actor): Promise<CreditRatingModel | null> {
    this.policy.assert(actor, 'company.rating.read', { companyId: company.id, consortiumId: company.consortiumId });
    return null;
  }
}
