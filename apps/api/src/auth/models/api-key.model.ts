import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { ApiKey } from '@app/persistence';

@ObjectType('ApiKey', { description: "A bank system's credential; the secret itself is shown only once, at creation" })
export class ApiKeyModel {
  @Field(() => ID) id: string;
  @Field(() => ID) bankId: string;
  @Field() name: string;
  @Field({ description: 'the first characters of the key, to recognise it' }) prefix: string;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) revokedAt: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt: Date | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyModel {
  @Field(() => ApiKeyModel) apiKey: ApiKeyModel;
  @Field({ description: 'the key; store it now: it cannot be shown again' }) secret: string;
}

export function toApiKeyModel(key: ApiKey): ApiKeyModel {
  return Object.assign(new ApiKeyModel(), key);
}
