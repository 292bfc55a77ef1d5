import type { FactorName } from './rating.types';

/**
 * How factor sub-scores become a PD: logit(PD) = intercept - slope * S / 100, where S is the
 * weighted mean of the sub-scores that spoke (docs/scoring.md). A refit proposes a new spec;
 * only a coordinator's activation makes it live.
 */
export interface RatingModelSpec {
  readonly version: string;
  readonly intercept: number;
  readonly slope: number;
  /** add up to 1 */
  readonly weights: Readonly<Record<FactorName, number>>;
  /** the largest share of the weight that soft information may carry after re-weighting */
  readonly softInformationCap: number;
  /** the lowest PD a company can get (Basel corporate PD floor, credit-anchors §5.5) */
  readonly pdFloor: number;
}
