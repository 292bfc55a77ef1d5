import type {
  FactorResult,
  IsoDate,
  ObligationKind,
  ObligationPayment,
  ReasonCode,
  TaxCreditGrade,
  TaxCreditGradeRecord,
} from '@app/domain/scoring';
import { addMonths, dayNumber, yearOf } from '../common/calendar-date';
import { interpolate } from '../common/math';
import { daysBeyondTermsAsOf } from './payment-behaviour.factor';

/** Weight of each kind of obligation; tax and social insurance weigh most (they are enforced by the state). */
export const OBLIGATION_KIND_WEIGHTS: Readonly<Record<ObligationKind, number>> = {
  TAX: 0.4,
  SOCIAL_INSURANCE: 0.3,
  UTILITY: 0.15,
  RENT: 0.15,
};

/** The kinds in a fixed order (heaviest first): the order the factor sums them in and breaks ties of the reason in. */
const OBLIGATION_KINDS = Object.keys(OBLIGATION_KIND_WEIGHTS) as ObligationKind[];

/** 纳税信用等级 -> sub-score (credit-anchors §3.3: A >= 90 points, B 70-89, M new or no revenue, C 40-69, D < 40). */
export const TAX_CREDIT_GRADE_SCORE: Readonly<Record<TaxCreditGrade, number>> = { A: 100, B: 80, M: 70, C: 40, D: 10 };

/** One payment's score by days late: on time 100, 30 days late 60, 90 or more 0, linear between. */
export const OBLIGATION_LATENESS_KEY: readonly (readonly [number, number])[] = [
  [0, 100],
  [30, 60],
  [90, 0],
];

export const MIN_OBLIGATION_PAYMENTS = 3;
const PAYMENTS_SHARE = 0.6;

const ARREARS_CODE: Readonly<Record<ObligationKind, ReasonCode>> = {
  TAX: 'TAX_ARREARS',
  SOCIAL_INSURANCE: 'SOCIAL_INSURANCE_ARREARS',
  UTILITY: 'UTILITY_ARREARS',
  RENT: 'RENT_ARREARS',
};

/** The tax credit grade in force at `asOf`: the latest published, for one of the last two tax years. */
export function taxCreditGradeAsOf(grades: readonly TaxCreditGradeRecord[], asOf: IsoDate): TaxCreditGradeRecord | null {
  let best: TaxCreditGradeRecord | null = null;
  for (const g of grades) {
    if (dayNumber(g.publishedOn) > dayNumber(asOf) || g.year < yearOf(asOf) - 2) continue;
    if (best === null || g.year > best.year || (g.year === best.year && g.publishedOn >= best.publishedOn)) best = g;
  }
  return best;
}

/**
 * Obligations: tax, social insurance, utility and rent payments due in the last 24 months
 * (each kind amount-weighted, kinds by OBLIGATION_KIND_WEIGHTS), 60 %, and the tax credit
 * grade, 40 %; either alone when the other is missing.
 */
export function obligationsFactor(
  payments: readonly ObligationPayment[],
  grades: readonly TaxCreditGradeRecord[],
  asOf: IsoDate,
): FactorResult {
  const at = dayNumber(asOf);
  const from = dayNumber(addMonths(asOf, -24));
  const inWindow = payments.filter((p) => dayNumber(p.dueDate) <= at && dayNumber(p.dueDate) > from);
  // each kind's sums in integers, exactly (three times a payment's score is a whole number for
  // whole days late), so that they do not depend on the order of the payments
  const perKind = new Map<ObligationKind, { amount: bigint; weightedThirds: bigint }>();
  for (const p of inWindow) {
    const thirds = Math.round(3 * interpolate(OBLIGATION_LATENESS_KEY, daysBeyondTermsAsOf(p.dueDate, p.paidDate, asOf)));
    const k = perKind.get(p.kind) ?? { amount: 0n, weightedThirds: 0n };
    // an amount of 0 still counts, as one fen, so that every payment is seen
    const w = BigInt(Math.max(p.amount, 1));
    perKind.set(p.kind, { amount: k.amount + w, weightedThirds: k.weightedThirds + w * BigInt(thirds) });
  }
  const grade = taxCreditGradeAsOf(grades, asOf);
  const paymentsSpeak = inWindow.length >= MIN_OBLIGATION_PAYMENTS;
  if (!paymentsSpeak && grade === null)
    return {
      factor: 'OBLIGATIONS',
      status: 'INSUFFICIENT_DATA',
      reasonCode: 'NO_OBLIGATION_RECORDS',
      why: `${inWindow.length} obligation payments in 24 months and no tax credit grade`,
      records: inWindow.length,
    };
  let kindWeight = 0;
  let paymentScore = 0;
  const kindMeans: [ObligationKind, number, number][] = [];
  // the kinds in one fixed order (OBLIGATION_KIND_WEIGHTS'), not the order the payments came in
  for (const kind of OBLIGATION_KINDS) {
    const v = perKind.get(kind);
    if (v === undefined) continue;
    const mean = Number(v.weightedThirds) / (3 * Number(v.amount));
    kindWeight += OBLIGATION_KIND_WEIGHTS[kind];
    paymentScore += OBLIGATION_KIND_WEIGHTS[kind] * mean;
    kindMeans.push([kind, mean, OBLIGATION_KIND_WEIGHTS[kind]]);
  }
  paymentScore = kindWeight > 0 ? paymentScore / kindWeight : 0;
  const gradeScore = grade === null ? null : TAX_CREDIT_GRADE_SCORE[grade.grade];
  const paymentsShare = !paymentsSpeak ? 0 : gradeScore === null ? 1 : PAYMENTS_SHARE;
  const subScore = paymentsShare * paymentScore + (1 - paymentsShare) * (gradeScore ?? 0);

  // the reason: the component that costs the most against 100; of kinds that cost the same,
  // the first in OBLIGATION_KINDS (the heavier), whatever the order of the payments
  let reasonCode: ReasonCode | null = null;
  let worstLoss = 1;
  if (paymentsSpeak)
    for (const [kind, mean, w] of kindMeans) {
      const loss = (paymentsShare * w * (100 - mean)) / kindWeight;
      if (loss > worstLoss) {
        worstLoss = loss;
        reasonCode = ARREARS_CODE[kind];
      }
    }
  if (gradeScore !== null && (1 - paymentsShare) * (100 - gradeScore) > worstLoss) reasonCode = 'LOW_TAX_CREDIT_GRADE';
  return {
    factor: 'OBLIGATIONS',
    status: 'SCORED',
    subScore,
    reasonCode,
    figures: {
      paymentsOnTimeScore: paymentsSpeak ? Math.round(paymentScore * 100) / 100 : null,
      taxCreditGradeScore: gradeScore,
      taxCreditYear: grade?.year ?? null,
      payments: inWindow.length,
    },
    records: inWindow.length + (grade === null ? 0 : 1),
  };
}
