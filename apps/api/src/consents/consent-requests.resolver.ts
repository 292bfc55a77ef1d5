import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor, ConsentRequestStatus as ConsentRequestStatusValue } from '@app/domain';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { ConsentsService, type ConsentRequestView, MAX_BANK_PAGE, MAX_COMPANY_PAGE } from './consents.service';
import { RequestConsentInput } from './dto/request-consent.input';
import { ConsentRequestStatus } from './models/bank-access.enums';
import { ConsentRequestModel, toConsentRequestModel } from './models/consent-request.model';
import { ConsentModel, toConsentModel } from './models/consent.model';

const toModel = (v: ConsentRequestView): ConsentRequestModel => toConsentRequestModel(v.request, v.company, v.bank);

@Resolver(() => ConsentRequestModel)
export class ConsentRequestsResolver {
  constructor(private readonly consents: ConsentsService) {}

  @Mutation(() => ConsentRequestModel, { description: "BANK: ask a company for its consent (a loan application's first step)" })
  async requestConsent(@CurrentActor() actor: Actor, @Args('input') input: RequestConsentInput): Promise<ConsentRequestModel> {
    return toModel(await this.consents.request(actor, input));
  }

  @Mutation(() => ConsentModel, { description: "MEMBER of the company: accept a bank's request, giving the consent it asked for" })
  async acceptConsentRequest(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('expiresAt', { type: () => Date, nullable: true, description: "overrides the bank's requested expiry" }) expiresAt?: Date | null,
  ): Promise<ConsentModel> {
    return toConsentModel(await this.consents.accept(actor, id, expiresAt), this.consents.now());
  }

  @Mutation(() => ConsentRequestModel, { description: "MEMBER of the company: decline a bank's request" })
  async declineConsentRequest(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { type: () => String, nullable: true }) reason?: string | null,
  ): Promise<ConsentRequestModel> {
    return toModel(await this.consents.decline(actor, id, reason));
  }

  @Query(() => [ConsentRequestModel], { complexity: ({ childComplexity }) => 10 + 50 * childComplexity, description: "the company's MEMBERs; its COORDINATOR: banks' requests for consent, newest first" })
  async consentRequests(
    @CurrentActor() actor: Actor,
    @Ctx() ctx: RequestContext,
    @Args('companyId', { type: () => ID }) companyId: string,
    @Args('limit', { type: () => Int, defaultValue: MAX_COMPANY_PAGE, description: `at most ${MAX_COMPANY_PAGE}` }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0, description: 'the newest to skip: the next page starts where the last ended' }) offset: number,
    @Args('status', { type: () => ConsentRequestStatus, nullable: true }) status?: ConsentRequestStatusValue | null,
  ): Promise<ConsentRequestModel[]> {
    return (await this.consents.requestsForCompany(actor, companyId, status ?? null, ctx.loaders, { limit, offset })).map(toModel);
  }

  @Query(() => [ConsentRequestModel], { complexity: ({ childComplexity }) => 10 + 50 * childComplexity, description: "BANK: the caller's bank's requests, newest first" })
  async bankConsentRequests(
    @CurrentActor() actor: Actor,
    @Ctx() ctx: RequestContext,
    @Args('limit', { type: () => Int, defaultValue: MAX_BANK_PAGE, description: `at most ${MAX_BANK_PAGE}` }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0, description: 'the newest to skip: the next page starts where the last ended' }) offset: number,
    @Args('status', { type: () => ConsentRequestStatus, nullable: true }) status?: ConsentRequestStatusValue | null,
  ): Promise<ConsentRequestModel[]> {
    return (await this.consents.requestsForBank(actor, status ?? null, ctx.loaders, { limit, offset })).map(toModel);
  }
}
