import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { PartnerCheckRulesInput } from './dto/partner-check-rules.input';
import {
  PartnerCheckActivityModel,
  PartnerCheckAllowanceModel,
  PartnerCheckModel,
  PartnerCheckRulesModel,
  PartnerViewModel,
  toMemberPartnerActivityModel,
  toPartnerCheckModel,
  toPartnerCheckRulesModel,
  toPartnerViewModel,
} from './models/partner-check.models';
import { PartnersService } from './partners.service';

@Resolver()
export class PartnersResolver {
  constructor(private readonly partners: PartnersService) {}

  @Query(() => PartnerViewModel, {
    description:
      "MEMBER only, about a fellow member of its consortium, and only while the caller's company has itself reported trade experiences in the contribution window (give to get); at most the daily limit of checks. Every successful call is a PartnerCheck the partner can see.",
  })
  async partnerCheck(@CurrentActor() actor: Actor, @Args('creditCode') creditCode: string): Promise<PartnerViewModel> {
    return toPartnerViewModel(await this.partners.check(actor, creditCode));
  }

  @Query(() => [PartnerCheckModel], { description: "the company's MEMBERs; its COORDINATOR. Newest first." })
  async partnerChecks(
    @CurrentActor() actor: Actor,
    @Args('companyId', { type: () => ID }) companyId: string,
    @Args('first', { type: () => Int, defaultValue: 100, description: 'at most this many, 1..1000' }) first: number,
  ): Promise<PartnerCheckModel[]> {
    return (await this.partners.checksOf(actor, companyId, first)).map(toPartnerCheckModel);
  }

  @Query(() => PartnerCheckAllowanceModel, { description: "the company's MEMBERs, its COORDINATOR, ADMIN: may it check partners, and how many checks are left today" })
  async partnerCheckAllowance(@CurrentActor() actor: Actor, @Args('companyId', { type: () => ID }) companyId: string): Promise<PartnerCheckAllowanceModel> {
    const a = await this.partners.allowance(actor, companyId);
    return Object.assign(new PartnerCheckAllowanceModel(), { ...a, rules: toPartnerCheckRulesModel(a.rules) });
  }

  @Query(() => PartnerCheckActivityModel, { description: "its COORDINATOR, ADMIN: per member, the trade lines it contributes and the checks it makes" })
  async partnerCheckActivity(@CurrentActor() actor: Actor, @Args('consortiumId', { type: () => ID }) consortiumId: string): Promise<PartnerCheckActivityModel> {
    const a = await this.partners.activity(actor, consortiumId);
    return Object.assign(new PartnerCheckActivityModel(), {
      rules: toPartnerCheckRulesModel(a.rules),
      windowStart: a.windowStart,
      members: a.members.map((m) => toMemberPartnerActivityModel(m.company, m.activity, a.rules)),
    });
  }

  @Mutation(() => PartnerCheckRulesModel, { description: "its COORDINATOR, ADMIN: the consortium's give-to-get window, minimum and daily limit; effective at once" })
  async setPartnerCheckRules(
    @CurrentActor() actor: Actor,
    @Args('consortiumId', { type: () => ID }) consortiumId: string,
    @Args('input') input: PartnerCheckRulesInput,
  ): Promise<PartnerCheckRulesModel> {
    return toPartnerCheckRulesModel(await this.partners.setRules(actor, consortiumId, input));
  }
}
