import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { type Actor, fenToDecimal } from '@app/domain';
import type { StoredStanding } from '@app/domain/ratings';
import { toCompanyModel } from '@api/companies/models/company.model';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { ConsortiumModel } from '@api/consortia/models/consortium.model';
import { PolicyService } from '@api/policy/policy.service';
import { ConsortiumStandingModel, GradeCountModel, SystemicRiskModel } from './models/consortium-standing.model';

@Resolver(() => ConsortiumModel)
export class ConsortiumStandingResolver {
  constructor(private readonly policy: PolicyService) {}

  @ResolveField(() => ConsortiumStandingModel, { nullable: true, complexity: 10 })
  async standing(@Parent() consortium: ConsortiumModel, @CurrentActor() actor: Actor, @Ctx() ctx: RequestContext): Promise<ConsortiumStandingModel | null> {
    this.policy.assert(actor, 'consortium.standing.read', { consortiumId: consortium.id });
    const current = await ctx.loaders.currentStanding.load(consortium.id);
    return current ? this.toModel(current, ctx) : null;
  }

  private async toModel(s: StoredStanding, ctx: RequestContext): Promise<ConsortiumStandingModel> {
    const companies = await ctx.loaders.company.loadMany(s.systemicRisk.map((r) => r.companyId));
    const systemicRisk: SystemicRiskModel[] = [];
    s.systemicRisk.forEach((risk, i) => {
      const company = companies[i];
      // a member removed since the standing was computed drops out of the list
      if (company && !(company instanceof Error)) systemicRisk.push(Object.assign(new SystemicRiskModel(), { company: toCompanyModel(company), debtRank: risk.debtRank }));
    });
    return Object.assign(new ConsortiumStandingModel(), {
      grade: s.grade,
      weightedPd: s.weightedPd,
      expectedLoss: fenToDecimal(BigInt(Math.round(s.expectedLoss))),
      gradeDistribution: s.gradeDistribution.map((g) => Object.assign(new GradeCountModel(), { grade: g.grade, count: g.count })),
      concentrationHhi: s.concentrationHhi,
      guaranteeCoverage: s.guaranteeCoverage,
      systemicRisk,
      computedAt: s.computedAt,
    });
  }
}
