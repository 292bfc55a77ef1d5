import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '@app/domain';
import type { BacktestReport } from '@app/domain/scoring';
import type { StoredRatingModel } from '@app/persistence';
import { Ctx, CurrentActor } from '@api/common/current-actor.decorator';
import type { RequestContext } from '@api/common/request-context';
import { BacktestModel, CalibrationRowModel, FactorWeightModel, ModelBacktestModel, RatingModelModel } from './models/rating-model.models';
import { RatingModelsService } from './rating-models.service';

const toBacktest = (r: BacktestReport): BacktestModel =>
  Object.assign(new BacktestModel(), { ...r, calibration: r.calibration.map((c) => Object.assign(new CalibrationRowModel(), c)) });

const toModel = (m: StoredRatingModel): RatingModelModel =>
  Object.assign(new RatingModelModel(), {
    id: m.id,
    version: m.version,
    basedOn: m.basedOn,
    status: m.status,
    intercept: m.spec.intercept,
    slope: m.spec.slope,
    weights: Object.entries(m.spec.weights).map(([factor, weight]) => Object.assign(new FactorWeightModel(), { factor, weight })),
    currentBacktest: toBacktest(m.backtest.current),
    proposedBacktest: toBacktest(m.backtest.proposed),
    proposedAt: m.proposedAt,
    activatedAt: m.activatedAt,
  });

@Resolver(() => RatingModelModel)
export class RatingModelsResolver {
  constructor(private readonly models: RatingModelsService) {}

  @Query(() => ModelBacktestModel, { complexity: 100, description: "ADMIN; the consortium's COORDINATOR: the live model's backtest over the consortium's own history" })
  async modelBacktest(@CurrentActor() actor: Actor, @Args('consortiumId', { type: () => ID }) consortiumId: string, @Ctx() ctx: RequestContext): Promise<ModelBacktestModel> {
    const { model, report } = await this.models.backtest(actor, consortiumId, ctx.loaders);
    return Object.assign(new ModelBacktestModel(), { modelVersion: model.version, backtest: toBacktest(report) });
  }

  @Query(() => [RatingModelModel], { complexity: ({ childComplexity }) => 10 + 100 * childComplexity, description: "ADMIN; the consortium's COORDINATOR: its rating models, newest first" })
  async ratingModels(@CurrentActor() actor: Actor, @Args('consortiumId', { type: () => ID }) consortiumId: string, @Ctx() ctx: RequestContext): Promise<RatingModelModel[]> {
    return (await this.models.list(actor, consortiumId, ctx.loaders)).map(toModel);
  }

  @Mutation(() => RatingModelModel, { description: "ADMIN; the consortium's COORDINATOR: a refit from the consortium's history, PROPOSED for review (it rates nothing until activated)" })
  async proposeRatingModel(@CurrentActor() actor: Actor, @Args('consortiumId', { type: () => ID }) consortiumId: string, @Ctx() ctx: RequestContext): Promise<RatingModelModel> {
    return toModel(await this.models.propose(actor, consortiumId, ctx.loaders));
  }

  @Mutation(() => RatingModelModel, { description: "ADMIN; the consortium's COORDINATOR: makes a proposal the live model (the one before is retired); every member is recomputed with it" })
  async activateRatingModel(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string, @Ctx() ctx: RequestContext): Promise<RatingModelModel> {
    return toModel(await this.models.activate(actor, id, ctx.loaders));
  }
}
