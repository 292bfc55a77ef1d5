import type {
  CreditRating,
  FactorName,
  FactorResult,
  IsoDate,
  LoanRecord,
  RatingFactor,
  RatingModelSpec,
  RatingReason,
  ReasonCode,
  ScoringInput,
} from '@app/domain/scoring';
import { FACTOR_NAMES } from '@app/domain/scoring';
import { dayNumber } from '../common/calendar-date';
import { sigmoid } from '../common/math';
import { financialStrengthFactor } from '../factors/financial-strength.factor';
import { networkFactor } from '../factors/network.factor';
import { obligationsFactor } from '../factors/obligations.factor';
import { paymentBehaviourFactor } from '../factors/payment-behaviour.factor';
import { publicRecordFactor } from '../factors/public-record.factor';
import { softInformationFactor } from '../factors/soft-information.factor';
import { SHIPPED_FINANCIAL_MODELS, type FinancialModels } from '../financial/shipped-financial-model';
import { pdToGrade } from './master-scale';
import { REASON_TEXT } from './reason-codes';
import { CORE_FACTORS, DEFAULT_RATING_MODEL, NEUTRAL_SUB_SCORE } from './rating-model';
import { SCALE_FACTOR, pdToScore } from './score-scale';

export const MAX_REASONS = 4;
/** A reason must cost at least this many score points to be named. */
export const MIN_REASON_POINTS = 0.5;

/** In default at `asOf`: a loan declared in default and not cured by then. */
export function isInDefault(loans: readonly LoanRecord[], asOf: IsoDate): boolean {
  const at = dayNumber(asOf);
  return loans.some(
    (l) => l.defaultedOn !== null && dayNumber(l.defaultedOn) <= at && (l.curedOn === null || dayNumber(l.curedOn) > at),
  );
}

/** Every factor of one company at `asOf`, in FACTOR_NAMES order. */
export function scoreFactors(input: ScoringInput, asOf: IsoDate, financialModels: FinancialModels = SHIPPED_FINANCIAL_MODELS): FactorResult[] {
  return [
    paymentBehaviourFactor(input.tradeSummary ?? input.tradeExperiences, input.loans, asOf),
    financialStrengthFactor(input.financialStatements, asOf, financialModels),
    obligationsFactor(input.obligationPayments, input.taxCreditGrades, asOf),
    publicRecordFactor(input.publicRecords, asOf),
    softInformationFactor(input.softSignals, asOf),
    networkFactor(input.counterparties, input.guaranteesGiven, input.financialStatements, asOf),
  ];
}

export interface Combination {
  /** the combined sub-score S, 0..100 */
  readonly combined: number;
  /** share of the weight on data after supplementary factors are re-weighted away (the shrinkage to the neutral bin) */
  readonly dataShare: number;
  /** present factors and their re-normalised weights (add up to 1) */
  readonly weights: ReadonlyMap<FactorName, number>;
  /** how much of S each factor (present or a missing core one) costs against its best, in sub-score points */
  readonly shortfall: ReadonlyMap<FactorName, number>;
  /** Σ of the spec's weights over the factors that spoke */
  readonly confidence: number;
}

/**
 * S = c · Σ w'_f s_f + (1 - c) · 50: present factors with re-normalised weights w'_f (soft
 * information capped), shrunk towards the neutral bin by c, the share of weight that a
 * missing core factor would have had. A missing supplementary factor is simply re-weighted.
 */
export function combineFactors(factors: readonly FactorResult[], spec: RatingModelSpec): Combination {
  const isCore = (f: FactorName) => (CORE_FACTORS as readonly string[]).includes(f);
  let presentWeight = 0;
  let missingCoreWeight = 0;
  for (const f of factors) {
    if (f.status === 'SCORED') presentWeight += spec.weights[f.factor];
    else if (isCore(f.factor)) missingCoreWeight += spec.weights[f.factor];
  }
  const weights = new Map<FactorName, number>();
  for (const f of factors) if (f.status === 'SCORED') weights.set(f.factor, presentWeight > 0 ? spec.weights[f.factor] / presentWeight : 0);
  const soft = weights.get('SOFT_INFORMATION');
  if (soft !== undefined && soft > spec.softInformationCap && soft < 1) {
    const scale = (1 - spec.softInformationCap) / (1 - soft);
    for (const [k, w] of weights) weights.set(k, k === 'SOFT_INFORMATION' ? spec.softInformationCap : w * scale);
  }
  const denominator = presentWeight + missingCoreWeight;
  const dataShare = denominator > 0 ? presentWeight / denominator : 0;
  let present = 0;
  const shortfall = new Map<FactorName, number>();
  for (const f of factors) {
    if (f.status === 'SCORED') {
      const w = weights.get(f.factor) ?? 0;
      present += w * f.subScore;
      shortfall.set(f.factor, dataShare * w * (100 - f.subScore));
    } else if (isCore(f.factor) && denominator > 0) {
      shortfall.set(f.factor, (spec.weights[f.factor] / denominator) * (100 - NEUTRAL_SUB_SCORE));
    }
  }
  return {
    combined: dataShare * present + (1 - dataShare) * NEUTRAL_SUB_SCORE,
    dataShare,
    weights,
    shortfall,
    confidence: presentWeight,
  };
}

/** logit(PD) = intercept - slope · S / 100, floored at the spec's PD floor. */
export function combinedPd(combined: number, spec: RatingModelSpec): number {
  return Math.min(1 - 1e-9, Math.max(spec.pdFloor, sigmoid(spec.intercept - (spec.slope * combined) / 100)));
}

/**
 * The stand-alone rating of one company at `asOf` (PRODUCT.md "How a rating is made"):
 * factors -> S -> one-year PD -> score (600 at 50:1, 40 points to double the odds) and
 * master-scale grade, D when in default; up to four reasons ranked by the score points each
 * factor loses against its best value.
 */
export function rateCompany(
  input: ScoringInput,
  asOf: IsoDate,
  spec: RatingModelSpec = DEFAULT_RATING_MODEL,
  financialModels: FinancialModels = SHIPPED_FINANCIAL_MODELS,
): CreditRating {
  dayNumber(asOf); // rejects a malformed date early
  const factorResults = scoreFactors(input, asOf, financialModels);
  const combination = combineFactors(factorResults, spec);
  const inDefault = isInDefault(input.loans, asOf);
  const pd = inDefault ? 1 : combinedPd(combination.combined, spec);

  // d(score)/d(S) = SCALE_FACTOR · slope / 100 before rounding and clamping
  const pointsPerSubScorePoint = (SCALE_FACTOR * spec.slope) / 100;
  const candidates: RatingReason[] = [];
  for (const f of factorResults) {
    const lost = (combination.shortfall.get(f.factor) ?? 0) * pointsPerSubScorePoint;
    if (f.reasonCode === null || lost < MIN_REASON_POINTS) continue;
    candidates.push(reason(f.reasonCode, f.factor, lost));
  }
  candidates.sort((a, b) => b.pointsLost - a.pointsLost || FACTOR_NAMES.indexOf(a.factor as FactorName) - FACTOR_NAMES.indexOf(b.factor as FactorName));
  const reasons = inDefault ? [reason('IN_DEFAULT', null, 0), ...candidates] : candidates;

  const factors: RatingFactor[] = [];
  for (const f of factorResults)
    if (f.status === 'SCORED') factors.push({ name: f.factor, score: round4(f.subScore), weight: combination.weights.get(f.factor) ?? 0 });

  return {
    companyId: input.companyId,
    score: pdToScore(pd),
    grade: pdToGrade(pd, inDefault),
    pd,
    inDefault,
    reasons: reasons.slice(0, MAX_REASONS),
    factors,
    factorResults,
    confidence: round4(combination.confidence),
    verifiedRecords:
      (input.tradeSummary?.counted ?? input.tradeExperiences.length) +
      input.loans.length +
      input.obligationPayments.length +
      input.taxCreditGrades.length +
      input.publicRecords.length +
      input.financialStatements.length +
      input.softSignals.length +
      input.guaranteesGiven.length,
    modelVersion: spec.version,
    asOf,
  };
}

function reason(code: ReasonCode, factor: FactorName | null, pointsLost: number): RatingReason {
  const text = REASON_TEXT[code];
  return { code, factor, description: text.en, descriptionZh: text.zh, pointsLost: Math.round(pointsLost * 10) / 10 };
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
