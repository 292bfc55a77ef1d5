import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export const RatingModelStatus = { PROPOSED: 'PROPOSED', ACTIVE: 'ACTIVE', RETIRED: 'RETIRED' } as const;
registerEnumType(RatingModelStatus, {
  name: 'RatingModelStatus',
  valuesMap: {
    PROPOSED: { description: 'a refit for review: it rates nothing until activated' },
    ACTIVE: { description: "the consortium's live model" },
    RETIRED: { description: 'was live; another was activated after it' },
  },
});

@ObjectType('CalibrationRow', { description: 'one grade of a backtest: observed default rate against mean PD' })
export class CalibrationRowModel {
  @Field() grade: string;
  @Field(() => Int) n: number;
  @Field(() => Int) defaults: number;
  @Field(() => Float) observedRate: number;
  @Field(() => Float) meanPd: number;
}

@ObjectType('Backtest', { description: "a model's ratings against defaults within 12 months after them, over the consortium's own history" })
export class BacktestModel {
  @Field(() => Int, { description: 'ratings whose 12 months have passed (each member\'s last of a month)' }) n: number;
  @Field(() => Int) defaults: number;
  @Field(() => Float) auc: number;
  @Field(() => Float) ks: number;
  @Field(() => Float) gini: number;
  @Field(() => Float) brier: number;
  @Field(() => [CalibrationRowModel]) calibration: CalibrationRowModel[];
}

@ObjectType('FactorWeight')
export class FactorWeightModel {
  @Field() factor: string;
  @Field(() => Float) weight: number;
}

@ObjectType('ModelBacktest')
export class ModelBacktestModel {
  @Field({ description: 'the live model: the active one, or the shipped one' }) modelVersion: string;
  @Field(() => BacktestModel) backtest: BacktestModel;
}

@ObjectType('RatingModel', { description: "a consortium's rating model: a proposal from its history, or the one live" })
export class RatingModelModel {
  @Field(() => ID) id: string;
  @Field() version: string;
  @Field({ description: 'the model it was refitted from' }) basedOn: string;
  @Field(() => RatingModelStatus) status: keyof typeof RatingModelStatus;
  @Field(() => Float) intercept: number;
  @Field(() => Float) slope: number;
  @Field(() => [FactorWeightModel]) weights: FactorWeightModel[];
  @Field(() => BacktestModel, { description: 'the model it was refitted from, on the same history' }) currentBacktest: BacktestModel;
  @Field(() => BacktestModel) proposedBacktest: BacktestModel;
  @Field() proposedAt: Date;
  @Field(() => Date, { nullable: true }) activatedAt: Date | null;
}
