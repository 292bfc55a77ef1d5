import type { IsoDate } from './records.types';

/** The master scale, best first; D is a company in default (contract `CreditRating.grade`). */
export const GRADES = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C', 'D'] as const;
export type Grade = (typeof GRADES)[number];

/** The six factors of PRODUCT.md "How a rating is made". */
export const FACTOR_NAMES = [
  'PAYMENT_BEHAVIOUR',
  'FINANCIAL_STRENGTH',
  'OBLIGATIONS',
  'PUBLIC_RECORD',
  'SOFT_INFORMATION',
  'NETWORK',
] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];

/** Stable, machine-readable reason codes (contract `Reason.code`). Never renamed once released. */
export const REASON_CODES = [
  'THIN_FILE',
  'PAYMENT_DELAYS',
  'PAYMENT_TREND_WORSENING',
  'SEVERE_DELINQUENCY',
  'LOAN_ARREARS',
  'NO_FINANCIAL_STATEMENT',
  'HIGH_LEVERAGE',
  'LOW_PROFITABILITY',
  'WEAK_LIQUIDITY',
  'FINANCIAL_DISTRESS',
  'NO_OBLIGATION_RECORDS',
  'TAX_ARREARS',
  'SOCIAL_INSURANCE_ARREARS',
  'UTILITY_ARREARS',
  'RENT_ARREARS',
  'LOW_TAX_CREDIT_GRADE',
  'PUBLIC_JUDGMENT',
  'ENFORCEMENT',
  'DISHONEST_DEBTOR',
  'ADMINISTRATIVE_PENALTY',
  'LIMITED_SOFT_INFORMATION',
  'OWNER_CREDIT_WEAK',
  'WEAK_COUNTERPARTIES',
  'BUYER_CONCENTRATION',
  'GUARANTEE_EXPOSURE',
  'NO_NETWORK_DATA',
  'IN_DEFAULT',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** A factor that had enough data to speak. */
export interface ScoredFactor {
  readonly factor: FactorName;
  readonly status: 'SCORED';
  /** 0..100, higher is better */
  readonly subScore: number;
  /** what costs this factor the most, or null when it is at its best */
  readonly reasonCode: ReasonCode | null;
  /** the figures the sub-score was made from, for the report (e.g. paydexIndex, trend) */
  readonly figures: Readonly<Record<string, number | null>>;
  /** how many records the factor read */
  readonly records: number;
}

/** A factor without enough data: reported as missing, never as a default value. */
export interface InsufficientFactor {
  readonly factor: FactorName;
  readonly status: 'INSUFFICIENT_DATA';
  readonly reasonCode: ReasonCode;
  /** why, in English, for the report */
  readonly why: string;
  readonly records: number;
}

export type FactorResult = ScoredFactor | InsufficientFactor;

/** Contract `Factor`: the present factors, with weights re-normalised to add up to 1. */
export interface RatingFactor {
  readonly name: FactorName;
  readonly score: number;
  readonly weight: number;
}

/** Contract `Reason`, with both languages and the points the reason costs. */
export interface RatingReason {
  readonly code: ReasonCode;
  readonly factor: FactorName | null;
  /** English sentence (contract `Reason.description`) */
  readonly description: string;
  /** the same sentence in Chinese */
  readonly descriptionZh: string;
  /** score points lost against the factor's best value */
  readonly pointsLost: number;
}

/** A stand-alone rating (contract `CreditRating` without `backed` and `computedAt`, which the app adds). */
export interface CreditRating {
  readonly companyId: string;
  /** 300..900, integer */
  readonly score: number;
  readonly grade: Grade;
  /** one-year probability of default, 0..1 */
  readonly pd: number;
  readonly inDefault: boolean;
  /** at most 4, most important first */
  readonly reasons: readonly RatingReason[];
  /** present factors, weights add up to 1 */
  readonly factors: readonly RatingFactor[];
  /** every factor, scored or missing */
  readonly factorResults: readonly FactorResult[];
  /** share of the model's weight that rests on data (0..1): 1 when every factor spoke */
  readonly confidence: number;
  readonly verifiedRecords: number;
  readonly modelVersion: string;
  readonly asOf: IsoDate;
}

/** Contract `BackedRating`. */
export interface BackedRating {
  readonly grade: Grade;
  readonly pd: number;
  /** grades gained over the stand-alone rating, >= 0 */
  readonly notchesUplift: number;
  /** why the uplift is what it is */
  readonly limitedBy: 'NONE' | 'STANDING_CAP' | 'ALREADY_AT_OR_ABOVE_STANDING' | 'IN_DEFAULT';
  readonly supportProbability: number;
  readonly correlation: number;
  readonly fundPd: number;
  /** the supported PD before the standing cap */
  readonly supportedPd: number;
}
