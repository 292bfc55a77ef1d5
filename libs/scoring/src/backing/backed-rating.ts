import type { BackedRating, ConsortiumRiskParameters, GuaranteeFund, Grade } from '@app/domain/scoring';
import { gradeBand, gradeIndex, pdToGrade } from '../rating/master-scale';
import { riskParameters } from '../standing/consortium-standing';
import { supportedPd } from './joint-default';

export interface StandAloneView {
  readonly companyId: string;
  readonly pd: number;
  readonly grade: Grade;
  readonly inDefault: boolean;
}

export interface StandingView {
  readonly grade: Grade;
  /** the fund's own PD: the standing's PD (the fund fails when its cluster does) */
  readonly standingPd: number;
  readonly guaranteeCoverage: number;
}

/**
 * The backed rating (PRODUCT.md): supported PD = (1 - W)·PD + W·P(joint) by joint default
 * analysis with the fund's PD = the standing's PD, W = supportProbability · min(1, the fund's
 * coverage of its stressed loss) (a fund that cannot cover its stressed loss supports
 * proportionally less). Group-rating cap (S&P group rating methodology, credit-anchors
 * §5.1): the backed grade is never above the standing's grade, and never below the
 * stand-alone grade: the backed PD is min(PD, max(supported PD, the standing grade's band
 * floor)), the same rule for every member, so a weaker member never gets a better backed PD
 * than a stronger one. A member above the standing keeps its PD; one in the standing's grade
 * keeps its grade, its PD lowered within the band at most to the floor.
 * Null when the member is not covered (no contribution to a fund with a balance).
 */
export function backedRating(
  rating: StandAloneView,
  standing: StandingView,
  fund: GuaranteeFund,
  parameters?: Partial<ConsortiumRiskParameters>,
): BackedRating | null {
  const p = riskParameters(parameters);
  const contribution = fund.contributions.filter((c) => c.companyId === rating.companyId).reduce((s, c) => s + c.amount, 0);
  if (fund.balance <= 0 || contribution <= 0) return null;
  const w = p.supportProbability * Math.min(1, Math.max(0, standing.guaranteeCoverage));
  const base = { supportProbability: w, correlation: p.correlation, fundPd: standing.standingPd };
  if (rating.inDefault || rating.grade === 'D')
    return { ...base, grade: 'D', pd: 1, notchesUplift: 0, limitedBy: 'IN_DEFAULT', supportedPd: 1 };
  const supported = Math.min(rating.pd, supportedPd(rating.pd, standing.standingPd, w, p.correlation));
  const own = gradeIndex(rating.grade);
  const cap = gradeIndex(standing.grade);
  // One rule for every member, so that the backed PD never falls as the stand-alone PD rises:
  // the supported PD, floored at the standing's band (never better than the standing), and
  // never above the stand-alone PD (never worse than the member alone). A member already
  // better than the standing keeps its PD (it is below that floor); one in the standing's own
  // grade keeps its grade but its PD may fall within the band, down to the band's floor.
  const capMin = gradeBand(standing.grade).minPd;
  const pd = Math.min(rating.pd, Math.max(supported, capMin));
  const grade = pdToGrade(pd);
  const limitedBy = own < cap ? 'ALREADY_AT_OR_ABOVE_STANDING' : supported < capMin ? 'STANDING_CAP' : 'NONE';
  return { ...base, grade, pd, notchesUplift: Math.max(0, own - gradeIndex(grade)), limitedBy, supportedPd: supported };
}
