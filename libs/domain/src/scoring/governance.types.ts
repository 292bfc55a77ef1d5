import type { FactorName, Grade } from './rating.types';
import type { IsoDate } from './records.types';
import type { RatingModelSpec } from './model-spec.types';

/** A past rating, for a backtest: was the company in default within 12 months after `asOf`? */
export interface HistoricalRating {
  readonly companyId: string;
  readonly asOf: IsoDate;
  readonly pd: number;
  readonly grade: Grade;
  /** sub-scores of the rating, null for a factor that did not speak (for a refit) */
  readonly subScores: Readonly<Record<FactorName, number | null>>;
}

export interface DefaultEvent {
  readonly companyId: string;
  readonly defaultedOn: IsoDate;
}

export interface CalibrationRow {
  readonly grade: Grade;
  readonly n: number;
  readonly defaults: number;
  readonly observedRate: number;
  readonly meanPd: number;
}

export interface BacktestReport {
  readonly n: number;
  readonly defaults: number;
  readonly auc: number;
  readonly ks: number;
  readonly gini: number;
  readonly brier: number;
  readonly calibration: readonly CalibrationRow[];
}

/** A proposed new combination, for a coordinator to review; never live until activated. */
export interface RefitProposal {
  readonly status: 'PROPOSED';
  readonly basedOn: string;
  readonly spec: RatingModelSpec;
  readonly current: BacktestReport;
  readonly proposed: BacktestReport;
  readonly observations: number;
}
