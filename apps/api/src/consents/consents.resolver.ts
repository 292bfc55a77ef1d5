import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { BankModel, toBankModel } from '@api/banks/models/bank.model';
import { CompanyModel, toCompanyModel } from '@api/companies/models/company.model';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { ConsentsService, MAX_BANK_PAGE, MAX_COMPANY_PAGE } from './consents.service';
import { GrantConsentInput } from './dto/grant-consent.input';
import { BankConsentModel, toBankConsentModel } from './models/bank-consent.model';
import { ConsentModel, toConsentModel } from './models/consent.model';

@Resolver(() => ConsentModel)
export class ConsentsResolver {
  constructor(private readonly service: ConsentsService) {}

  @Mutation(() => ConsentModel, { description: 'MEMBER, for its own company' })
  async grantConsent(@CurrentActor() actor: Actor, @Args('input') input: GrantConsentInput): Promise<ConsentModel> {
    return toConsentModel(await this.service.grant(actor, input), this.service.now());
  }

  @Mutation(() => ConsentModel, { description: 'MEMBER, for its own company; effective at once' })
  async revokeConsent(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<ConsentModel> {
    return toConsentModel(await this.service.revoke(actor, id), this.service.now());
  }

  @Query(() => [ConsentModel], {
    complexity: ({ childComplexity }) => 10 + 50 * childComplexity,
    description: "the company's MEMBERs; its COORDINATOR: the whole history, newest first, a page at a time (limit, offset)",
  })
  async consents(
    @CurrentActor() actor: Actor,
    @Args('companyId', { type: () => ID }) companyId: string,
    @Ctx() ctx: RequestContext,
    @Args('limit', { type: () => Int, defaultValue: MAX_COMPANY_PAGE, description: `at most ${MAX_COMPANY_PAGE}` }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0, description: 'the newest to skip: the next page starts where the last ended' }) offset: number,
  ): Promise<ConsentModel[]> {
    const now = this.service.now();
    return (await this.service.listForCompany(actor, companyId, ctx.loaders, { limit, offset })).map((c) => toConsentModel(c, now));
  }

  @Query(() => [BankConsentModel], { complexity: ({ childComplexity }) => 10 + 50 * childComplexity, description: 'BANK: the consents companies gave the caller\'s bank, newest first' })
  async bankConsents(
    @CurrentActor() actor: Actor,
    @Ctx() ctx: RequestContext,
    @Args('activeOnly', { type: () => Boolean, defaultValue: false }) activeOnly: boolean,
    @Args('limit', { type: () => Int, defaultValue: MAX_BANK_PAGE, description: `at most ${MAX_BANK_PAGE}` }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0, description: 'the newest to skip: the next page starts where the last ended' }) offset: number,
  ): Promise<BankConsentModel[]> {
    const now = this.service.now();
    return (await this.service.listForBank(actor, activeOnly, ctx.loaders, { limit, offset })).map(({ consent, company }) => toBankConsentModel(consent, company, now));
  }

  /** Reached only through `consents`, which only the company's own people may call. */
  @ResolveField(() => CompanyModel)
  async company(@Parent() consent: ConsentModel, @Ctx() ctx: RequestContext): Promise<CompanyModel> {
    const company = await ctx.loaders.company.load(consent.companyId);
    if (!company) throw new Error(`consent ${consent.id} names no company`);
    return toCompanyModel(company);
  }

  @ResolveField(() => BankModel)
  async bank(@Parent() consent: ConsentModel, @Ctx() ctx: RequestContext): Promise<BankModel> {
    const bank = await ctx.loaders.bank.load(consent.bankId);
    if (!bank) throw new Error(`consent ${consent.id} names no bank`);
    return toBankModel(bank);
  }
}
