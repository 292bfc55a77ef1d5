import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { ApiKeyService } from './api-key.service';
import { ApiKeyModel, CreatedApiKeyModel, toApiKeyModel } from './models/api-key.model';

@Resolver()
export class ApiKeyResolver {
  constructor(private readonly apiKeys: ApiKeyService) {}

  @Mutation(() => CreatedApiKeyModel, { description: "ADMIN: a new API key for a bank's systems; the secret is shown only in this answer" })
  async createApiKey(@CurrentActor() actor: Actor, @Args('bankId', { type: () => ID }) bankId: string, @Args('name') name: string): Promise<CreatedApiKeyModel> {
    const { key, secret } = await this.apiKeys.create(actor, bankId, name);
    return Object.assign(new CreatedApiKeyModel(), { apiKey: toApiKeyModel(key), secret });
  }

  @Mutation(() => ApiKeyModel, { description: 'ADMIN: revoke an API key, effective on its next use' })
  async revokeApiKey(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<ApiKeyModel> {
    return toApiKeyModel(await this.apiKeys.revoke(actor, id));
  }
}
