import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { ImportsService } from './imports.service';
import { ImportJobModel, ImportRejectionModel, toImportJobModel } from './models/import-job.model';

const LIST_COST = { complexity: ({ childComplexity }: { childComplexity: number }) => 10 + 50 * childComplexity };

@Resolver(() => ImportJobModel)
export class ImportsResolver {
  constructor(private readonly service: ImportsService) {}

  @Query(() => ImportJobModel, { nullable: true, description: 'an import, for its importer, its consortium\'s COORDINATOR and ADMIN' })
  async importJob(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<ImportJobModel | null> {
    const job = await this.service.get(actor, id);
    return job && toImportJobModel(job);
  }

  @Query(() => [ImportJobModel], { description: "a member company's imports, or with consortiumId all of a consortium's; newest first", ...LIST_COST })
  async imports(
    @CurrentActor() actor: Actor,
    @Args('companyId', { type: () => ID, nullable: true }) companyId?: string,
    @Args('consortiumId', { type: () => ID, nullable: true }) consortiumId?: string,
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit?: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset?: number,
  ): Promise<ImportJobModel[]> {
    return (await this.service.list(actor, { companyId, consortiumId, limit: limit ?? 50, offset: offset ?? 0 })).map(toImportJobModel);
  }

  @ResolveField(() => [ImportRejectionModel], { description: 'the rejected lines, by line number', ...LIST_COST })
  async rejections(
    @Parent() job: ImportJobModel,
    @Args('limit', { type: () => Int, defaultValue: 100 }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
  ): Promise<ImportRejectionModel[]> {
    return (await this.service.rejections(job.job, limit, offset)).map((r) => Object.assign(new ImportRejectionModel(), r));
  }
}
