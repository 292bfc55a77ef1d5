import type { RatingView } from '@app/domain';
import { BackedRatingModel, CreditRatingModel, FactorModel, ReasonModel } from './models/credit-rating.model';

/** A stored rating (or the part of it a bank reads) as the contract's `CreditRating`. */
export function toCreditRatingModel(r: RatingView): CreditRatingModel {
  return Object.assign(new CreditRatingModel(), {
    score: r.score,
    grade: r.grade,
    pd: r.pd,
    reasons: r.reasons.map((reason) =>
      Object.assign(new ReasonModel(), { code: reason.code, description: reason.description, descriptionZh: reason.descriptionZh }),
    ),
    factors: r.factors.map((f) => Object.assign(new FactorModel(), { name: f.name, score: f.score, weight: f.weight })),
    backed: r.backed ? Object.assign(new BackedRatingModel(), { grade: r.backed.grade, pd: r.backed.pd, notchesUplift: r.backed.notchesUplift }) : null,
    verifiedRecords: r.verifiedRecords,
    modelVersion: r.modelVersion,
    computedAt: r.computedAt,
  });
}
