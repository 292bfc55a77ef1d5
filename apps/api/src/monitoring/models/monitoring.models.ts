import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { WebhookAttempt, WebhookDeliveryStatus as WebhookDeliveryStatusValue, WebhookEndpoint } from '@app/domain';

export const WebhookDeliveryStatus: { readonly [K in WebhookDeliveryStatusValue]: K } = {
  PENDING: 'PENDING',
  DELIVERED: 'DELIVERED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
};
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  valuesMap: {
    PENDING: { description: 'being delivered, or waiting for its next retry' },
    DELIVERED: { description: 'the receiver answered 2xx' },
    FAILED: { description: 'every retry failed; redeliverWebhook tries again' },
    CANCELLED: { description: 'not sent: the consent was revoked, or the endpoint replaced' },
  },
});

/** A company on a bank's watchlist: flat, like every bank view. */
@ObjectType('WatchlistEntry')
export class WatchlistEntryModel {
  @Field(() => ID) id: string;
  @Field() creditCode: string;
  @Field() companyName: string;
  @Field() addedAt: Date;
  @Field({ description: 'whether the company still consents: alerts stop without it' }) consentActive: boolean;
}

@ObjectType('WebhookEndpoint', { description: "Where a bank receives its alerts; the signing secret is never shown again after it is made" })
export class WebhookEndpointModel {
  @Field(() => ID) id: string;
  @Field() url: string;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) disabledAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'after a rotation, the old secret signs too until then' }) previousSecretValidUntil: Date | null;
}

@ObjectType('WebhookSecret', { description: 'A webhook endpoint with its signing secret: store the secret now, it is shown only in this answer' })
export class WebhookSecretModel {
  @Field(() => WebhookEndpointModel) endpoint: WebhookEndpointModel;
  @Field({ description: 'HMAC-SHA256 key of the X-CreditAlliance-Signature header' }) secret: string;
}

@ObjectType('WebhookAttempt')
export class WebhookAttemptModel {
  @Field(() => Int) attempt: number;
  @Field({ description: 'AUTOMATIC (a retry) or MANUAL (redeliverWebhook)' }) trigger: string;
  @Field() at: Date;
  @Field(() => Int, { nullable: true, description: "the receiver's HTTP status; null when it could not be reached" }) statusCode: number | null;
  @Field(() => String, { nullable: true }) error: string | null;
  @Field(() => Int) durationMs: number;
}

@ObjectType('WebhookDelivery', { description: 'One alert to the bank\'s endpoint, with every attempt made' })
export class WebhookDeliveryModel {
  @Field(() => ID) id: string;
  @Field(() => ID) eventId: string;
  @Field() eventType: string;
  @Field() creditCode: string;
  @Field() companyName: string;
  @Field(() => WebhookDeliveryStatus) status: WebhookDeliveryStatusValue;
  @Field(() => String, { nullable: true }) statusReason: string | null;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) deliveredAt: Date | null;
  @Field(() => [WebhookAttemptModel]) attempts: WebhookAttemptModel[];
}

@ObjectType('BankAlert', { description: "A watched company's rating moved (subscription bankAlerts)" })
export class BankAlertModel {
  @Field(() => ID) eventId: string;
  @Field() creditCode: string;
  @Field() companyName: string;
  @Field(() => String, { nullable: true }) oldGrade: string | null;
  @Field() newGrade: string;
  @Field(() => Int, { nullable: true }) oldScore: number | null;
  @Field(() => Int) newScore: number;
  @Field() changedAt: Date;
}

export function toWebhookEndpointModel(e: WebhookEndpoint): WebhookEndpointModel {
  return Object.assign(new WebhookEndpointModel(), {
    id: e.id,
    url: e.url,
    createdAt: e.createdAt,
    disabledAt: e.disabledAt,
    previousSecretValidUntil: e.previousSecretUntil,
  });
}

export function toWebhookAttemptModel(a: WebhookAttempt): WebhookAttemptModel {
  return Object.assign(new WebhookAttemptModel(), {
    attempt: a.attempt,
    trigger: a.trigger,
    at: a.at,
    statusCode: a.statusCode,
    error: a.error,
    durationMs: a.durationMs,
  });
}
