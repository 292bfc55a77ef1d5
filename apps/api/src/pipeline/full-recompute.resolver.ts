import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { FullRecomputeService } from './full-recompute.service';
import { FullRecomputeRunModel, toFullRecomputeRunModel } from './models/pipeline.models';

@Resolver()
export class FullRecomputeResolver {
  constructor(private readonly fullRecompute: FullRecomputeService) {}

  @Mutation(() => FullRecomputeRunModel, { description: 'ADMIN: recompute every company and standing now; while a run is going, answers that run' })
  async startFullRecompute(@CurrentActor() actor: Actor): Promise<FullRecomputeRunModel> {
    return toFullRecomputeRunModel(await this.fullRecompute.start(actor));
  }

  @Query(() => FullRecomputeRunModel, { nullable: true, description: 'ADMIN: a full recompute run and its progress; the latest without an id' })
  async fullRecomputeRun(@CurrentActor() actor: Actor, @Args('id', { type: () => ID, nullable: true }) id?: string | null): Promise<FullRecomputeRunModel | null> {
    const run = await this.fullRecompute.find(actor, id);
    return run && toFullRecomputeRunModel(run);
  }
}
