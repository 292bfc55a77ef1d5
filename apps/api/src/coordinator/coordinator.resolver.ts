import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type Actor, type Company, fenToDecimal } from '@app/domain';
import { CompanyModel, toCompanyModel } from '@api/companies/models/company.model';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { Loaders } from '@api/common/loaders';
import type { RequestContext } from '@api/common/request-context';
import { ConsortiumModel, toConsortiumModel } from '@api/consortia/models/consortium.model';
import { CoordinatorService } from './coordinator.service';
import {
  CoordinatorViewModel,
  EarlyWarningModel,
  GuaranteeNetworkModel,
  MemberOverviewModel,
  NetworkEdgeModel,
  NetworkNodeModel,
  ScorePointModel,
  StressedMemberModel,
  StressTestResultModel,
} from './models/coordinator.models';

/** A stress test's price: half the default query budget (GRAPHQL_MAX_COMPLEXITY, 2,000). */
const STRESS_TEST_COST = 1_000;

async function companies(loaders: Loaders, ids: readonly string[]): Promise<Map<string, CompanyModel>> {
  const found = await loaders.company.loadMany(ids);
  const out = new Map<string, CompanyModel>();
  found.forEach((c) => {
    if (c && !(c instanceof Error)) out.set(c.id, toCompanyModel(c as Company));
  });
  return out;
}

@Resolver(() => CoordinatorViewModel)
export class CoordinatorResolver {
  constructor(private readonly coordinator: CoordinatorService) {}

  @Query(() => CoordinatorViewModel, { description: "ADMIN; the consortium's COORDINATOR: members, early warnings, the contagion network" })
  async coordinatorView(@CurrentActor() actor: Actor, @Args('consortiumId', { type: () => ID }) consortiumId: string, @Ctx() ctx: RequestContext): Promise<CoordinatorViewModel> {
    const id = await this.coordinator.open(actor, consortiumId, ctx.loaders);
    return Object.assign(new CoordinatorViewModel(), { consortiumId: id });
  }

  @ResolveField(() => ConsortiumModel)
  async consortium(@Parent() view: CoordinatorViewModel, @Ctx() ctx: RequestContext): Promise<ConsortiumModel> {
    const consortium = await ctx.loaders.consortium.load(view.consortiumId);
    if (!consortium) throw new Error(`consortium ${view.consortiumId} vanished`);
    return toConsortiumModel(consortium);
  }

  @ResolveField(() => [MemberOverviewModel], { complexity: ({ childComplexity }) => 10 + 50 * childComplexity })
  async members(@Parent() view: CoordinatorViewModel, @Ctx() ctx: RequestContext): Promise<MemberOverviewModel[]> {
    return (await this.coordinator.members(view.consortiumId, ctx.loaders)).map((m) =>
      Object.assign(new MemberOverviewModel(), {
        ...m,
        company: toCompanyModel(m.company),
        scoreTrend: m.scoreTrend.map((p) => Object.assign(new ScorePointModel(), p)),
      }),
    );
  }

  @ResolveField(() => [EarlyWarningModel], { complexity: ({ childComplexity }) => 10 + 20 * childComplexity })
  async earlyWarnings(@Parent() view: CoordinatorViewModel, @Ctx() ctx: RequestContext): Promise<EarlyWarningModel[]> {
    const warnings = await this.coordinator.earlyWarnings(view.consortiumId);
    const byId = await companies(
      ctx.loaders,
      warnings.map((w) => w.companyId),
    );
    return warnings.flatMap((w) => {
      const company = byId.get(w.companyId);
      return company ? [Object.assign(new EarlyWarningModel(), { ...w, company })] : [];
    });
  }

  @ResolveField(() => GuaranteeNetworkModel, { complexity: ({ childComplexity }) => 20 + 20 * childComplexity })
  async guaranteeNetwork(@Parent() view: CoordinatorViewModel, @Ctx() ctx: RequestContext): Promise<GuaranteeNetworkModel> {
    const network = await this.coordinator.network(view.consortiumId);
    const byId = await companies(ctx.loaders, [...network.nodes.map((n) => n.companyId), ...network.edges.flatMap((e) => [e.from, e.to])]);
    return Object.assign(new GuaranteeNetworkModel(), {
      computedAt: network.computedAt,
      nodes: network.nodes.flatMap((n) => {
        const company = byId.get(n.companyId);
        return company ? [Object.assign(new NetworkNodeModel(), { company, debtRank: n.debtRank, grade: n.grade })] : [];
      }),
      edges: network.edges.flatMap((e) => {
        const from = byId.get(e.from);
        const to = byId.get(e.to);
        return from && to ? [Object.assign(new NetworkEdgeModel(), { kind: e.kind, from, to, amount: e.amount })] : [];
      }),
    });
  }

  /**
   * Priced at half the query budget, so a document holds one: a contagion run over the whole
   * network costs what the consortium's size makes it, whatever the query names, and aliased
   * thirty times at 50 each it held the API's one thread for 0.6 s (docs/benchmarks.md,
   * "Mixed reads at 200 requests per second").
   */
  @Query(() => StressTestResultModel, { complexity: STRESS_TEST_COST, description: 'ADMIN; the consortium\'s COORDINATOR: "if these members default" (at most 500; one per query)' })
  async stressTest(
    @CurrentActor() actor: Actor,
    @Args('consortiumId', { type: () => ID }) consortiumId: string,
    @Args('defaulted', { type: () => [ID] }) defaulted: string[],
    @Ctx() ctx: RequestContext,
  ): Promise<StressTestResultModel> {
    const result = await this.coordinator.stressTest(actor, consortiumId, defaulted, ctx.loaders);
    const byId = await companies(ctx.loaders, [...result.defaulted, ...result.distressed.map((d) => d.companyId), ...result.additionalDefaults]);
    const pick = (ids: readonly string[]) => ids.flatMap((id) => (byId.has(id) ? [byId.get(id) as CompanyModel] : []));
    const money = (fen: number) => fenToDecimal(BigInt(Math.round(fen)));
    return Object.assign(new StressTestResultModel(), {
      defaulted: pick(result.defaulted),
      distressed: result.distressed.flatMap((d) =>
        byId.has(d.companyId) ? [Object.assign(new StressedMemberModel(), { company: byId.get(d.companyId), stress: d.stress, equityLoss: money(d.equityLoss) })] : [],
      ),
      additionalDefaults: pick(result.additionalDefaults),
      debtRank: result.debtRank,
      equityLoss: money(result.equityLoss),
      creditLoss: money(result.creditLoss),
      fundPays: money(result.fundPays),
    });
  }
}
