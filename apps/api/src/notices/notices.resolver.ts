import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { NoticeModel, toNoticeModel } from './models/notice.model';
import { NoticesService } from './notices.service';

@Resolver(() => NoticeModel)
export class NoticesResolver {
  constructor(private readonly service: NoticesService) {}

  @Query(() => [NoticeModel], {
    description: "a company's notices (its MEMBERs, its COORDINATOR) or, with consortiumId, the coordinator's own; newest first",
    complexity: ({ childComplexity }: { childComplexity: number }) => 10 + 50 * childComplexity,
  })
  async notices(
    @CurrentActor() actor: Actor,
    @Args('companyId', { type: () => ID, nullable: true }) companyId?: string,
    @Args('consortiumId', { type: () => ID, nullable: true }) consortiumId?: string,
    @Args('unacknowledgedOnly', { type: () => Boolean, defaultValue: false }) unacknowledgedOnly?: boolean,
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit?: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset?: number,
  ): Promise<NoticeModel[]> {
    const found = await this.service.list(actor, { companyId, consortiumId, unacknowledgedOnly: unacknowledgedOnly ?? false, limit: limit ?? 50, offset: offset ?? 0 });
    return found.map(toNoticeModel);
  }

  @Mutation(() => NoticeModel, { description: "a company's MEMBER for its company's notice; a COORDINATOR for its own" })
  async acknowledgeNotice(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<NoticeModel> {
    return toNoticeModel(await this.service.acknowledge(actor, id));
  }
}
