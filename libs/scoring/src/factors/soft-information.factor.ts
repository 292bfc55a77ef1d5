import type { FactorResult, IsoDate, ReasonCode, SoftSignal } from '@app/domain/scoring';
import { clamp } from '../common/math';
import { dayNumber } from '../common/calendar-date';

/**
 * Soft information, verified only (the caller passes VERIFIED signals): a neutral 50, plus
 * up to 20 for certifications (10 each), up to 10 for community work (5 each), the mean
 * customer rating (3 stars neutral, 10 points a star) and the owner's credit band (1 best:
 * +20, 2: +10, 3: 0, 4: -15, 5: -30). Its weight is capped in the combination
 * (RatingModelSpec.softInformationCap), so it can nudge a rating but never carry it.
 */
export const OWNER_BAND_POINTS: Readonly<Record<number, number>> = { 1: 20, 2: 10, 3: 0, 4: -15, 5: -30 };

export function softInformationFactor(signals: readonly SoftSignal[], asOf: IsoDate): FactorResult {
  const at = dayNumber(asOf);
  const valid = signals.filter(
    (s) => dayNumber(s.recordedOn) <= at && (s.validUntil === null || dayNumber(s.validUntil) >= at),
  );
  if (valid.length === 0)
    return {
      factor: 'SOFT_INFORMATION',
      status: 'INSUFFICIENT_DATA',
      reasonCode: 'LIMITED_SOFT_INFORMATION',
      why: 'no verified soft information in force',
      records: 0,
    };
  const certifications = valid.filter((s) => s.kind === 'CERTIFICATION').length;
  const community = valid.filter((s) => s.kind === 'COMMUNITY_WORK').length;
  const ratings = valid.filter((s) => s.kind === 'REPUTATION').map((s) => clamp(s.value, 1, 5));
  const owner = valid
    .filter((s) => s.kind === 'OWNER_CREDIT_BAND')
    .sort((a, b) => (a.recordedOn < b.recordedOn ? -1 : a.recordedOn > b.recordedOn ? 1 : 0))
    .pop();
  const reputation = ratings.length > 0 ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null;
  const ownerPoints = owner ? (OWNER_BAND_POINTS[clamp(Math.round(owner.value), 1, 5)] ?? 0) : 0;
  const subScore = clamp(
    50 + Math.min(20, 10 * certifications) + Math.min(10, 5 * community) + (reputation === null ? 0 : (reputation - 3) * 10) + ownerPoints,
    0,
    100,
  );
  const reasonCode: ReasonCode | null = ownerPoints < 0 ? 'OWNER_CREDIT_WEAK' : subScore < 70 ? 'LIMITED_SOFT_INFORMATION' : null;
  return {
    factor: 'SOFT_INFORMATION',
    status: 'SCORED',
    subScore,
    reasonCode,
    figures: { certifications, communityWork: community, reputation, ownerCreditBand: owner ? owner.value : null },
    records: valid.length,
  };
}
