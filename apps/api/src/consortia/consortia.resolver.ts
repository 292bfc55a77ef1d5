import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { CompanyModel, toCompanyModel } from '@api/companies/models/company.model';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { ConsortiaService } from './consortia.service';
import { CreateConsortiumInput } from './dto/create-consortium.input';
import { ConsortiumModel, toConsortiumModel } from './models/consortium.model';

@Resolver(() => ConsortiumModel)
export class ConsortiaResolver {
  constructor(private readonly consortia: ConsortiaService) {}

  @Mutation(() => ConsortiumModel)
  async createConsortium(@CurrentActor() actor: Actor, @Args('input') input: CreateConsortiumInput): Promise<ConsortiumModel> {
    return toConsortiumModel(await this.consortia.create(actor, input));
  }

  @Query(() => ConsortiumModel, { nullable: true })
  async consortium(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string, @Ctx() ctx: RequestContext): Promise<ConsortiumModel | null> {
    const found = await this.consortia.get(actor, id, ctx.loaders);
    return found && toConsortiumModel(found);
  }

  // a list of unknown length: priced as 50 members, each costing what is asked of it
  @ResolveField(() => [CompanyModel], { complexity: ({ childComplexity }) => 10 + 50 * childComplexity })
  async members(@Parent() parent: ConsortiumModel, @CurrentActor() actor: Actor, @Ctx() ctx: RequestContext): Promise<CompanyModel[]> {
    return (await this.consortia.members(actor, parent.id, ctx.loaders)).map(toCompanyModel);
  }
}
