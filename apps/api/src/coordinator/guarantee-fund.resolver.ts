import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor, Company } from '@app/domain';
import { toCompanyModel } from '@api/companies/models/company.model';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { Loaders } from '@api/common/loaders';
import type { RequestContext } from '@api/common/request-context';
import { type FundView, GuaranteeFundService } from './guarantee-fund.service';
import { FundContributionModel, GuaranteeFundInput, GuaranteeFundModel, RiskParametersInput, RiskParametersModel } from './models/guarantee-fund.models';

async function toModel(view: FundView, loaders: Loaders): Promise<GuaranteeFundModel> {
  const companies = await loaders.company.loadMany(view.contributions.map((c) => c.companyId));
  return Object.assign(new GuaranteeFundModel(), {
    consortiumId: view.consortiumId,
    balance: view.balance,
    coverageShare: view.coverageShare,
    contributions: view.contributions.flatMap((c, i) => {
      const company = companies[i];
      return company && !(company instanceof Error) ? [Object.assign(new FundContributionModel(), { company: toCompanyModel(company as Company), amount: c.amount })] : [];
    }),
    riskParameters: Object.assign(new RiskParametersModel(), { ...view.riskParameters, setByCoordinator: [...view.setParameters] }),
  });
}

@Resolver(() => GuaranteeFundModel)
export class GuaranteeFundResolver {
  constructor(private readonly funds: GuaranteeFundService) {}

  @Query(() => GuaranteeFundModel, { complexity: 50, description: "ADMIN; the consortium's COORDINATOR: the guarantee fund and the risk parameters" })
  async guaranteeFund(@CurrentActor() actor: Actor, @Args('consortiumId', { type: () => ID }) consortiumId: string, @Ctx() ctx: RequestContext): Promise<GuaranteeFundModel> {
    return toModel(await this.funds.view(actor, consortiumId, ctx.loaders), ctx.loaders);
  }

  @Mutation(() => GuaranteeFundModel, { description: "ADMIN; the consortium's COORDINATOR: sets the fund; its standing is recomputed" })
  async setGuaranteeFund(
    @CurrentActor() actor: Actor,
    @Args('consortiumId', { type: () => ID }) consortiumId: string,
    @Args('input', { type: () => GuaranteeFundInput }) input: GuaranteeFundInput,
    @Ctx() ctx: RequestContext,
  ): Promise<GuaranteeFundModel> {
    return toModel(await this.funds.setFund(actor, consortiumId, input, ctx.loaders), ctx.loaders);
  }

  @Mutation(() => GuaranteeFundModel, { description: "ADMIN; the consortium's COORDINATOR: sets the risk parameters (a parameter left out is the default); its standing is recomputed" })
  async setRiskParameters(
    @CurrentActor() actor: Actor,
    @Args('consortiumId', { type: () => ID }) consortiumId: string,
    @Args('input', { type: () => RiskParametersInput }) input: RiskParametersInput,
    @Ctx() ctx: RequestContext,
  ): Promise<GuaranteeFundModel> {
    return toModel(await this.funds.setRiskParameters(actor, consortiumId, input, ctx.loaders), ctx.loaders);
  }
}
