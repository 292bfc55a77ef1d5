import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { type Actor, BadInputError, type WebhookDeliveryStatus as WebhookDeliveryStatusValue } from '@app/domain';
import { type BankAlertMessage, Channel } from '@app/jobs';
import { Ctx, CurrentActor, requireActor } from '@api/common/current-actor.decorator';
import { EventBus, PUB_SUB } from '@api/common/pubsub.provider';
import type { RequestContext } from '@api/common/request-context';
import {
  BankAlertModel,
  toWebhookAttemptModel,
  toWebhookEndpointModel,
  WatchlistEntryModel,
  WebhookDeliveryModel,
  WebhookDeliveryStatus,
  WebhookEndpointModel,
  WebhookSecretModel,
} from './models/monitoring.models';
import { type DeliveryView, MonitoringService, type WatchView } from './monitoring.service';

const toEntry = (w: WatchView): WatchlistEntryModel =>
  Object.assign(new WatchlistEntryModel(), { id: w.id, creditCode: w.creditCode, companyName: w.companyName, addedAt: w.addedAt, consentActive: w.consentActive });

const toDelivery = (v: DeliveryView): WebhookDeliveryModel =>
  Object.assign(new WebhookDeliveryModel(), {
    id: v.delivery.id,
    eventId: v.delivery.eventId,
    eventType: v.delivery.eventType,
    creditCode: v.company.creditCode,
    companyName: v.company.name,
    status: v.delivery.status,
    statusReason: v.delivery.statusReason,
    createdAt: v.delivery.createdAt,
    deliveredAt: v.delivery.deliveredAt,
    attempts: v.attempts.map(toWebhookAttemptModel),
  });

@Resolver()
export class MonitoringResolver {
  constructor(
    private readonly monitoring: MonitoringService,
    @Inject(PUB_SUB) private readonly events: EventBus,
  ) {}

  @Mutation(() => WatchlistEntryModel, { description: 'BANK: monitor a company that consents to the bank (any scope)' })
  async watchCompany(@CurrentActor() actor: Actor, @Args('creditCode') creditCode: string): Promise<WatchlistEntryModel> {
    return toEntry(await this.monitoring.watch(actor, creditCode));
  }

  @Mutation(() => Boolean, { description: 'BANK: stop monitoring a company; true when it was on the watchlist' })
  async unwatchCompany(@CurrentActor() actor: Actor, @Args('creditCode') creditCode: string): Promise<boolean> {
    return this.monitoring.unwatch(actor, creditCode);
  }

  @Query(() => [WatchlistEntryModel], { complexity: ({ childComplexity }) => 10 + 50 * childComplexity, description: "BANK: the bank's watchlist" })
  async watchlist(@CurrentActor() actor: Actor): Promise<WatchlistEntryModel[]> {
    return (await this.monitoring.list(actor)).map(toEntry);
  }

  @Mutation(() => WebhookSecretModel, { description: "BANK: register (or replace) the bank's webhook URL; answers the signing secret, once" })
  async setWebhookEndpoint(@CurrentActor() actor: Actor, @Args('url') url: string): Promise<WebhookSecretModel> {
    const { endpoint, secret } = await this.monitoring.setEndpoint(actor, url);
    return Object.assign(new WebhookSecretModel(), { endpoint: toWebhookEndpointModel(endpoint), secret });
  }

  @Mutation(() => WebhookSecretModel, { description: 'BANK: a new signing secret, shown once; the old one keeps signing for 24 hours' })
  async rotateWebhookSecret(@CurrentActor() actor: Actor): Promise<WebhookSecretModel> {
    const { endpoint, secret } = await this.monitoring.rotateSecret(actor);
    return Object.assign(new WebhookSecretModel(), { endpoint: toWebhookEndpointModel(endpoint), secret });
  }

  @Mutation(() => WebhookEndpointModel, { nullable: true, description: "BANK: stop webhook deliveries (alerts still reach the subscription)" })
  async disableWebhookEndpoint(@CurrentActor() actor: Actor): Promise<WebhookEndpointModel | null> {
    const endpoint = await this.monitoring.disableEndpoint(actor);
    return endpoint && toWebhookEndpointModel(endpoint);
  }

  @Query(() => WebhookEndpointModel, { nullable: true, description: "BANK: the bank's active webhook endpoint" })
  async webhookEndpoint(@CurrentActor() actor: Actor): Promise<WebhookEndpointModel | null> {
    const endpoint = await this.monitoring.endpoint(actor);
    return endpoint && toWebhookEndpointModel(endpoint);
  }

  @Query(() => [WebhookDeliveryModel], { complexity: ({ childComplexity }) => 10 + 50 * childComplexity, description: "BANK: the bank's webhook deliveries, newest first, each with every attempt" })
  async webhookDeliveries(
    @CurrentActor() actor: Actor,
    @Ctx() ctx: RequestContext,
    @Args('status', { type: () => WebhookDeliveryStatus, nullable: true }) status?: WebhookDeliveryStatusValue | null,
    @Args('first', { type: () => Int, defaultValue: 50 }) first = 50,
  ): Promise<WebhookDeliveryModel[]> {
    return (await this.monitoring.deliveries(actor, status ?? null, first, ctx.loaders)).map(toDelivery);
  }

  @Mutation(() => WebhookDeliveryModel, { description: 'BANK: send a delivery again, by hand' })
  async redeliverWebhook(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string, @Ctx() ctx: RequestContext): Promise<WebhookDeliveryModel> {
    return toDelivery(await this.monitoring.redeliver(actor, id, ctx.loaders));
  }

  @Subscription(() => BankAlertModel, {
    description: "BANK: a watched company's rating moved; only while the company consents",
    async filter(this: MonitoringResolver, message: BankAlertMessage, _variables: unknown, ctx: RequestContext) {
      // the credentials last: the cheaper checks (another bank's alert) first
      return (await this.monitoring.alertAllowed(ctx.actor, message)) && (await (ctx.credentialsHold?.() ?? true));
    },
    async resolve(this: MonitoringResolver, message: BankAlertMessage | undefined, _variables: unknown, ctx: RequestContext) {
      if (!message) {
        // asked over HTTP as if it were a query: the same refusal as over graphql-ws, or the way there
        this.monitoring.assertCanSubscribe(requireActor(ctx));
        throw new BadInputError('query', 'bankAlerts is a subscription: open a graphql-ws connection to /graphql (credentials in connection_init)');
      }
      const company = await ctx.loaders.company.load(message.companyId);
      return Object.assign(new BankAlertModel(), {
        eventId: message.eventId,
        creditCode: message.creditCode,
        companyName: company?.name ?? '',
        oldGrade: message.oldGrade,
        newGrade: message.newGrade,
        oldScore: message.oldScore,
        newScore: message.newScore,
        changedAt: new Date(message.changedAt),
      });
    },
  })
  bankAlerts(@CurrentActor() actor: Actor): AsyncIterableIterator<BankAlertMessage> {
    this.monitoring.assertCanSubscribe(actor);
    return this.events.iterator<BankAlertMessage>(Channel.BANK_ALERT);
  }
}
