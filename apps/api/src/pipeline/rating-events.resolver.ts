import { Inject } from '@nestjs/common';
import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { type Actor, BadInputError, NotFoundError, parseId } from '@app/domain';
import { Channel, type RatingChangedMessage } from '@app/jobs';
import { Ctx, CurrentActor, requireActor } from '@api/common/current-actor.decorator';
import type { Loaders } from '@api/common/loaders';
import { EventBus, PUB_SUB } from '@api/common/pubsub.provider';
import type { RequestContext } from '@api/common/request-context';
import { PolicyService } from '@api/policy/policy.service';
import { RatingChangedEventModel } from './models/pipeline.models';

interface RatingChangedArgs {
  readonly companyId?: string | null;
}

/**
 * RatingChanged events, published by the worker on Redis (Channel.RATING_CHANGED) and relayed
 * here to graphql-ws clients: each message goes only to the company's members, its
 * coordinator and ADMINs (the eyes of Company.rating), checked per message, and only while
 * the credentials that opened the subscription still hold.
 */
@Resolver()
export class RatingEventsResolver {
  constructor(
    private readonly policy: PolicyService,
    @Inject(PUB_SUB) private readonly events: EventBus,
  ) {}

  /** The company filter, checked when subscribing: FORBIDDEN for a company the caller may not watch, NOT_FOUND for none. */
  async checkSubscription(actor: Actor, args: RatingChangedArgs, loaders: Loaders): Promise<string | null> {
    this.policy.assertRole(actor, 'ratingChanged.subscribe');
    if (args.companyId === null || args.companyId === undefined) return null;
    const company = await loaders.company.load(parseId('companyId', args.companyId));
    if (!company) throw new NotFoundError('No such company', { field: 'companyId' });
    this.policy.assert(actor, 'ratingChanged.subscribe', { companyId: company.id, consortiumId: company.consortiumId });
    return company.id;
  }

  deliverable(actor: Actor | null, message: RatingChangedMessage, args: RatingChangedArgs): boolean {
    if (!actor) return false;
    if (args.companyId && args.companyId.toLowerCase() !== message.companyId) return false;
    return this.policy.can(actor, 'ratingChanged.subscribe', { companyId: message.companyId, consortiumId: message.consortiumId });
  }

  @Subscription(() => RatingChangedEventModel, {
    description: "A company's grade changed, or its score moved by RATING_EVENT_MIN_POINTS: for its members, its coordinator and ADMIN; companyId narrows to one company",
    async filter(this: RatingEventsResolver, message: RatingChangedMessage, args: RatingChangedArgs, ctx: RequestContext) {
      return this.deliverable(ctx.actor, message, args) && (await (ctx.credentialsHold?.() ?? true));
    },
    async resolve(this: RatingEventsResolver, message: RatingChangedMessage | undefined, args: RatingChangedArgs, ctx: RequestContext) {
      if (!message) {
        // asked over HTTP as if it were a query: the same refusal as over graphql-ws, or the way there
        await this.checkSubscription(requireActor(ctx), args, ctx.loaders);
        throw new BadInputError('query', 'ratingChanged is a subscription: open a graphql-ws connection to /graphql (credentials in connection_init)');
      }
      const company = await ctx.loaders.company.load(message.companyId);
      return Object.assign(new RatingChangedEventModel(), {
        eventId: message.eventId,
        companyId: message.companyId,
        creditCode: company?.creditCode ?? '',
        companyName: company?.name ?? '',
        oldGrade: message.oldGrade,
        newGrade: message.newGrade,
        oldScore: message.oldScore,
        newScore: message.newScore,
        changedAt: new Date(message.changedAt),
      });
    },
  })
  async ratingChanged(
    @CurrentActor() actor: Actor,
    @Args('companyId', { type: () => ID, nullable: true }) companyId: string | null | undefined,
    @Ctx() ctx: RequestContext,
  ): Promise<AsyncIterableIterator<RatingChangedMessage>> {
    await this.checkSubscription(actor, { companyId }, ctx.loaders);
    return this.events.iterator<RatingChangedMessage>(Channel.RATING_CHANGED);
  }
}
