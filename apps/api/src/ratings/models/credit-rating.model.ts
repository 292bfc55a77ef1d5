import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Reason')
export class ReasonModel {
  @Field({ description: 'stable, machine-readable, e.g. "PAYMENT_DELAYS"' }) code: string;
  @Field() description: string;
  @Field({ description: 'the same reason in Chinese' }) descriptionZh: string;
}

@ObjectType('Factor')
export class FactorModel {
  @Field() name: string;
  @Field(() => Float, { description: '0..100' }) score: number;
  @Field(() => Float, { description: '0..1; the weights of one rating add up to 1' }) weight: number;
}

@ObjectType('BackedRating')
export class BackedRatingModel {
  @Field() grade: string;
  @Field(() => Float) pd: number;
  @Field(() => Int, { description: 'grades gained over the stand-alone rating, >= 0' }) notchesUplift: number;
}

@ObjectType('CreditRating')
export class CreditRatingModel {
  @Field(() => Int, { description: '300..900, higher is better' }) score: number;
  @Field({ description: 'one of AAA AA A BBB BB B CCC CC C D' }) grade: string;
  @Field(() => Float, { description: 'one-year probability of default, 0..1' }) pd: number;
  @Field(() => [ReasonModel], { description: 'what lowers the score most, most important first, at most 4', complexity: ({ childComplexity }) => 4 * childComplexity })
  reasons: ReasonModel[];
  @Field(() => [FactorModel]) factors: FactorModel[];
  @Field(() => BackedRatingModel, { nullable: true, description: "with the consortium's guarantee support; null without cover" })
  backed: BackedRatingModel | null;
  @Field(() => Int, { description: 'how many VERIFIED records this rating rests on' }) verifiedRecords: number;
  @Field() modelVersion: string;
  @Field() computedAt: Date;
}
