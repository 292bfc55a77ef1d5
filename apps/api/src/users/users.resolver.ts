import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { BankModel, toBankModel } from '@api/banks/models/bank.model';
import { CompanyModel, toCompanyModel } from '@api/companies/models/company.model';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { ConsortiumModel, toConsortiumModel } from '@api/consortia/models/consortium.model';
import { CreateUserInput } from './dto/create-user.input';
import { toUserModel, UserModel } from './models/user.model';
import { UsersService } from './users.service';

/** A User is reachable only as the caller itself or as a user the caller just created. */
@Resolver(() => UserModel)
export class UsersResolver {
  constructor(private readonly users: UsersService) {}

  @Mutation(() => UserModel)
  async createUser(@CurrentActor() actor: Actor, @Args('input') input: CreateUserInput): Promise<UserModel> {
    return toUserModel(await this.users.create(actor, input));
  }

  @ResolveField(() => CompanyModel, { nullable: true })
  async company(@Parent() user: UserModel, @Ctx() ctx: RequestContext): Promise<CompanyModel | null> {
    const company = user.companyId ? await ctx.loaders.company.load(user.companyId) : null;
    return company && toCompanyModel(company);
  }

  @ResolveField(() => ConsortiumModel, { nullable: true })
  async consortium(@Parent() user: UserModel, @Ctx() ctx: RequestContext): Promise<ConsortiumModel | null> {
    const consortium = user.consortiumId ? await ctx.loaders.consortium.load(user.consortiumId) : null;
    return consortium && toConsortiumModel(consortium);
  }

  @ResolveField(() => BankModel, { nullable: true })
  async bank(@Parent() user: UserModel, @Ctx() ctx: RequestContext): Promise<BankModel | null> {
    const bank = user.bankId ? await ctx.loaders.bank.load(user.bankId) : null;
    return bank && toBankModel(bank);
  }
}
