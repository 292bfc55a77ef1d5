import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { ConsortiumModel } from '@api/consortia/models/consortium.model';
import { PolicyService } from '@api/policy/policy.service';
import { ConsortiumStandingModel } from './models/consortium-standing.model';

@Resolver(() => ConsortiumModel)
export class ConsortiumStandingResolver {
  constructor(private readonly policy: PolicyService) {}

  @ResolveField(() => ConsortiumStandingModel, { nullable: true, complexity: 10 })
  async standing(@Parent() consortium: ConsortiumModel, @CurrentActor() actor: Actor): Promise<ConsortiumStandingModel | null> {
    this.policy.assert(actor, 'consortium.standing.read', { consortiumId: consortium.id });
    return null;
  }
}
