/**
 * @app/scoring: the credit model of PRODUCT.md as pure functions (docs/scoring.md).
 * Inputs and outputs are the plain types of @app/domain/scoring. No clock: every function
 * that depends on time takes the evaluation date.
 */
export { paymentBehaviourFactor, paymentIndex, paymentWindows, summariseTrade, daysBeyondTermsAsOf, MIN_EXPERIENCES } from './factors/payment-behaviour.factor';
export { paydexKey, paydexKeyThirds, PAYDEX_KEY } from './factors/paydex-key';
export { financialStrengthFactor, latestUsableStatement } from './factors/financial-strength.factor';
export { obligationsFactor, taxCreditGradeAsOf } from './factors/obligations.factor';
export { publicRecordFactor, publicRecordCounts, NEGATIVE_INFORMATION_EXPIRY_MONTHS } from './factors/public-record.factor';
export { softInformationFactor } from './factors/soft-information.factor';
export { networkFactor } from './factors/network.factor';

export { altmanZ2, altmanZone, type AltmanZone } from './financial/altman-z';
export { financialRatios, RATIO_DEFINITIONS, type RatioValue, type RatioDefinition } from './financial/financial-ratios';
export { financialLogit, financialPd, type FinancialModel, type ShapeFunction, type PairTerm } from './financial/financial-model';
export {
  SHIPPED_FINANCIAL_MODEL,
  SHIPPED_CORE_FINANCIAL_MODEL,
  SHIPPED_FINANCIAL_MODELS,
  chooseFinancialModel,
  optionalFieldsRead,
  type FinancialModels,
} from './financial/shipped-financial-model';

export { rateCompany, scoreFactors, combineFactors, combinedPd, isInDefault } from './rating/stand-alone-rating';
export { simulate, applyChanges, type WhatIfChange, type WhatIfResult } from './rating/simulate';
export { pdToScore, rawScore, SCALE_FACTOR, SCALE_OFFSET } from './rating/score-scale';
export { pdToGrade, gradeIndex, gradeBand, MASTER_SCALE } from './rating/master-scale';
export { REASON_TEXT } from './rating/reason-codes';
export { DEFAULT_RATING_MODEL, CORE_FACTORS, NEUTRAL_SUB_SCORE } from './rating/rating-model';
export { pdToSubScore, SUB_SCORE_SCALE } from './common/sub-score-scale';

export { consortiumStanding, stressTest, riskParameters, DEFAULT_RISK_PARAMETERS, STANDING_RULE } from './standing/consortium-standing';
export { buildContagionNetwork, runDebtRank, debtRankPerMember, type ContagionNetwork } from './standing/debt-rank';

export { backedRating, type StandAloneView, type StandingView } from './backing/backed-rating';
export { jointDefaultProbability, supportedPd } from './backing/joint-default';

export { backtest, backtestObservations, backtestFromPds, type BacktestObservation } from './governance/backtest';
export { refitRatingModel, refitFeatures, backtestUnder, DEFAULT_REFIT_OPTIONS, type RefitOptions } from './governance/refit';
export { discriminationMetrics, type DiscriminationMetrics } from './governance/discrimination-metrics';

export { formatFen } from './common/money';
