import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { toUserModel, UserModel } from '@api/users/models/user.model';
import { AuthService, type Tokens } from './auth.service';
import { AuthPayloadModel } from './models/auth-payload.model';

const toPayload = (tokens: Tokens): AuthPayloadModel =>
  Object.assign(new AuthPayloadModel(), { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, user: toUserModel(tokens.user) });

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => AuthPayloadModel)
  async login(@Args('email') email: string, @Args('password') password: string, @Ctx() ctx: RequestContext): Promise<AuthPayloadModel> {
    return toPayload(await this.auth.login(email, password, ctx.ip));
  }

  @Mutation(() => AuthPayloadModel)
  async refreshToken(@Args('refreshToken') refreshToken: string): Promise<AuthPayloadModel> {
    return toPayload(await this.auth.refresh(refreshToken));
  }

  @Query(() => UserModel)
  async me(@CurrentActor() actor: Actor): Promise<UserModel> {
    return toUserModel(await this.auth.me(actor));
  }
}
