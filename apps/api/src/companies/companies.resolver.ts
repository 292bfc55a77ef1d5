import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { ConsortiumModel, toConsortiumModel } from '@api/consortia/models/consortium.model';
import { CompaniesService } from './companies.service';
import { RegisterCompanyInput } from './dto/register-company.input';
import { CompanyModel, toCompanyModel } from './models/company.model';

@Resolver(() => CompanyModel)
export class CompaniesResolver {
  constructor(private readonly companies: CompaniesService) {}

  @Mutation(() => CompanyModel)
  async registerCompany(@CurrentActor() actor: Actor, @Args('input') input: RegisterCompanyInput): Promise<CompanyModel> {
    return toCompanyModel(await this.companies.register(actor, input));
  }

  @Query(() => CompanyModel, { nullable: true })
  async company(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string, @Ctx() ctx: RequestContext): Promise<CompanyModel | null> {
    const found = await this.companies.get(actor, id, ctx.loaders);
    return found && toCompanyModel(found);
  }

  /** A company's consortium is visible wherever the company is. */
  @ResolveField(() => ConsortiumModel)
  async consortium(@Parent() company: CompanyModel, @Ctx() ctx: RequestContext): Promise<ConsortiumModel> {
    const consortium = await ctx.loaders.consortium.load(company.consortiumId);
    if (!consortium) throw new Error(`company ${company.id} has no consortium ${company.consortiumId}`);
    return toConsortiumModel(consortium);
  }
}
