import type { Counterparty, FactorResult, FinancialStatement, GuaranteeGiven, IsoDate, ReasonCode } from '@app/domain/scoring';
import { dayNumber } from '../common/calendar-date';
import { interpolate } from '../common/math';
import { pdToSubScore } from '../common/sub-score-scale';
import { latestUsableStatement } from './financial-strength.factor';

/** Largest buyer's share of sales -> score: up to 30 % costs nothing, all sales to one buyer scores 40. */
export const BUYER_DEPENDENCE_KEY: readonly (readonly [number, number])[] = [
  [0.3, 100],
  [1, 40],
];
/** Guarantees given / own equity -> score (the guarantor's side of DebtRank's A/E, credit-anchors §4.2). */
export const GUARANTEE_KEY: readonly (readonly [number, number])[] = [
  [0, 100],
  [0.5, 70],
  [1, 50],
  [2, 20],
  [3, 0],
];
const COMPONENT_WEIGHTS = { counterparties: 0.5, buyerDependence: 0.25, guarantees: 0.25 } as const;

/**
 * Network: the ratings of the company's counterparties weighted by trade volume (their PDs on
 * the common sub-score scale), its dependence on its largest buyer, and the guarantees it has
 * given against its own equity. Speaks only when it knows something of the company's trade
 * network: a rated counterparty with trade, or buyers to measure dependence on. Guarantees
 * then weigh in; they never make the factor speak alone (with none given, that component
 * would score a perfect 100 on no information). Counterparties' PDs are their latest
 * ratings, passed in: this factor never recurses.
 */
export function networkFactor(
  counterparties: readonly Counterparty[],
  guarantees: readonly GuaranteeGiven[],
  statements: readonly FinancialStatement[],
  asOf: IsoDate,
): FactorResult {
  const trading = counterparties.filter((c) => c.tradeVolume > 0);
  if (trading.length === 0)
    return {
      factor: 'NETWORK',
      status: 'INSUFFICIENT_DATA',
      reasonCode: 'NO_NETWORK_DATA',
      why: 'no counterparty with trade in the last 12 months',
      records: 0,
    };
  const rated = trading.filter((c) => c.pd !== null);
  let volume = 0;
  let weighted = 0;
  for (const c of rated) {
    volume += c.tradeVolume;
    weighted += c.tradeVolume * pdToSubScore(c.pd as number);
  }
  const counterpartyScore = volume > 0 ? weighted / volume : null;

  const buyers = trading.filter((c) => c.role === 'BUYER');
  const buyerVolume = buyers.reduce((s, c) => s + c.tradeVolume, 0);
  const largestShare = buyerVolume > 0 ? Math.max(...buyers.map((c) => c.tradeVolume)) / buyerVolume : null;
  const dependenceScore = largestShare === null ? null : interpolate(BUYER_DEPENDENCE_KEY, largestShare);

  if (counterpartyScore === null && dependenceScore === null)
    return {
      factor: 'NETWORK',
      status: 'INSUFFICIENT_DATA',
      reasonCode: 'NO_NETWORK_DATA',
      why: 'counterparties are unrated and there are no buyers',
      records: trading.length,
    };

  const at = dayNumber(asOf);
  const outstanding = guarantees
    .filter((g) => dayNumber(g.startDate) <= at && (g.endDate === null || dayNumber(g.endDate) > at))
    .reduce((s, g) => s + g.amount, 0);
  const equity = latestUsableStatement(statements, asOf)?.equity ?? null;
  // Guarantees outstanding against no known positive equity: the worst ratio, as DebtRank's
  // impact min(1, A/E) is 1 without positive equity and the standing reads a missing statement as equity 0.
  const guaranteeRatio = outstanding === 0 ? 0 : equity !== null && equity > 0 ? outstanding / equity : Infinity;
  const guaranteeScore = interpolate(GUARANTEE_KEY, guaranteeRatio);

  const parts: [ReasonCode, number | null, number][] = [
    ['WEAK_COUNTERPARTIES', counterpartyScore, COMPONENT_WEIGHTS.counterparties],
    ['BUYER_CONCENTRATION', dependenceScore, COMPONENT_WEIGHTS.buyerDependence],
    ['GUARANTEE_EXPOSURE', guaranteeScore, COMPONENT_WEIGHTS.guarantees],
  ];
  const present = parts.filter((p): p is [ReasonCode, number, number] => p[1] !== null);
  const totalWeight = present.reduce((s, p) => s + p[2], 0);
  const subScore = present.reduce((s, p) => s + p[1] * p[2], 0) / totalWeight;
  let reasonCode: ReasonCode | null = null;
  let worst = 5; // a component must cost at least 5 points of the factor to be named
  for (const [code, score, w] of present) {
    const loss = ((100 - score) * w) / totalWeight;
    if (loss > worst) {
      worst = loss;
      reasonCode = code;
    }
  }
  return {
    factor: 'NETWORK',
    status: 'SCORED',
    subScore,
    reasonCode,
    figures: {
      counterpartyScore,
      largestBuyerShare: largestShare,
      guaranteesGiven: outstanding,
      guaranteeToEquity: Number.isFinite(guaranteeRatio) ? guaranteeRatio : null,
    },
    records: trading.length + guarantees.length,
  };
}
