import type {
  ConsortiumRiskParameters,
  ConsortiumStanding,
  GradeCount,
  StandingInput,
  StressTestResult,
  StressedMember,
  SystemicRisk,
} from '@app/domain/scoring';
import { GRADES } from '@app/domain/scoring';
import { roundFen } from '../common/math';
import { gradeAt, gradeBand, gradeIndex, pdToGrade } from '../rating/master-scale';
import { DEFAULT_DEBT_RANK_TOLERANCE, buildContagionNetwork, debtRankPerMember, runDebtRank } from './debt-rank';

/**
 * Defaults of a consortium's risk parameters (each settable per consortium by its coordinator,
 * `setRiskParameters`; docs/scoring.md §4):
 * - lgd 0.45: Basel foundation-IRB LGD for senior unsecured corporate exposures;
 * - stressFactor 3: PDs tripled (capped at 1) for the loss the guarantee fund must be able to
 *   cover, a severe-recession multiple of the through-the-cycle default rate (a design choice);
 * - supportProbability 0.5 and correlation 0.3 for joint default analysis (backing/backed-rating.ts):
 *   S&P's old joint-support criteria used default correlations of 15-25 % for same-industry,
 *   same-region entities (credit-anchors §5.2); one cluster's members and its own fund are
 *   closer still, so 0.3;
 * - distressThreshold 0.5: a member that lost half its equity is in distress.
 */
export const DEFAULT_RISK_PARAMETERS: ConsortiumRiskParameters = {
  lgd: 0.45,
  stressFactor: 3,
  supportProbability: 0.5,
  correlation: 0.3,
  distressThreshold: 0.5,
};

/** The standing's grade rule (docs/scoring.md, "The standing's grade"). */
export const STANDING_RULE = {
  /** the fund covers the stressed loss: one notch up */
  coverageForUplift: 1,
  /** the fund covers less than half of it: one notch down */
  coverageForDowngrade: 0.5,
  /** Herfindahl index above 0.25, "highly concentrated" in the US merger guidelines' 2,500 points: one notch down */
  concentratedHhi: 0.25,
  /** one member whose default alone would stress 30 % of the cluster's value: one notch down */
  systemicDebtRank: 0.3,
  /** the fund's cover is capped here when there is almost nothing to cover (a few fen of stressed loss) */
  maxCoverage: 100,
} as const;

export function riskParameters(p?: Partial<ConsortiumRiskParameters>): ConsortiumRiskParameters {
  return { ...DEFAULT_RISK_PARAMETERS, ...(p ?? {}) };
}

/**
 * The consortium's standing (PRODUCT.md): exposure-weighted PD, expected loss = Σ exposure ·
 * PD · LGD (each member's rounded to the fen), the grade distribution, the Herfindahl index
 * of exposures, the fund's coverage of the stressed loss (0 when no loss is at stake),
 * DebtRank per member, and the grade.
 */
export function consortiumStanding(input: StandingInput, tolerance = DEFAULT_DEBT_RANK_TOLERANCE): ConsortiumStanding {
  const p = riskParameters(input.parameters);
  const members = input.members;
  let totalExposure = 0;
  let weighted = 0;
  let expectedLoss = 0;
  let stressedExpectedLoss = 0;
  for (const m of members) {
    totalExposure += m.exposure;
    weighted += m.exposure * m.pd;
    expectedLoss += roundFen(m.exposure * m.pd * p.lgd);
    stressedExpectedLoss += roundFen(m.exposure * Math.min(1, m.pd * p.stressFactor) * p.lgd);
  }
  const weightedPd =
    totalExposure > 0 ? weighted / totalExposure : members.length > 0 ? members.reduce((s, m) => s + m.pd, 0) / members.length : 0;
  let hhi = 0;
  if (totalExposure > 0) for (const m of members) hhi += (m.exposure / totalExposure) ** 2;
  // With no stressed loss (no bank exposure, or one too small to lose a fen) the fund has not
  // been tested against anything: a fund that covers nothing must neither lift the grade nor
  // lift a member's backed rating (W uses this figure), so its coverage is 0 and no notch follows.
  const lossAtStake = stressedExpectedLoss > 0;
  const guaranteeCoverage = lossAtStake ? Math.min(STANDING_RULE.maxCoverage, input.fund.balance / stressedExpectedLoss) : 0;

  const counts = new Map<string, number>();
  for (const m of members) counts.set(m.grade, (counts.get(m.grade) ?? 0) + 1);
  const gradeDistribution: GradeCount[] = GRADES.map((grade) => ({ grade, count: counts.get(grade) ?? 0 }));

  const net = buildContagionNetwork(members, input.edges);
  const { debtRank: ranks, exact } = debtRankPerMember(net, tolerance);
  const systemicRisk: SystemicRisk[] = members
    .map((m, i) => ({ companyId: m.companyId, debtRank: ranks[i], exact: exact[i] === 1 }))
    .sort((a, b) => b.debtRank - a.debtRank || (a.companyId < b.companyId ? -1 : a.companyId > b.companyId ? 1 : 0));
  const maxDebtRank = systemicRisk.length > 0 ? systemicRisk[0].debtRank : 0;
  const meanDebtRank = members.length > 0 ? ranks.reduce((s, r) => s + r, 0) / members.length : 0;

  // the grade: the weighted PD's grade, moved by notches
  const notches: string[] = [];
  let idx = gradeIndex(pdToGrade(Math.min(weightedPd, 0.999999)));
  if (lossAtStake && guaranteeCoverage >= STANDING_RULE.coverageForUplift) {
    idx -= 1;
    notches.push('+1 FUND_COVERS_STRESSED_LOSS');
  } else if (lossAtStake && guaranteeCoverage < STANDING_RULE.coverageForDowngrade) {
    idx += 1;
    notches.push('-1 FUND_BELOW_HALF_OF_STRESSED_LOSS');
  }
  if (hhi > STANDING_RULE.concentratedHhi) {
    idx += 1;
    notches.push('-1 CONCENTRATED_EXPOSURE');
  }
  if (maxDebtRank > STANDING_RULE.systemicDebtRank) {
    idx += 1;
    notches.push('-1 SYSTEMIC_MEMBER');
  }
  // a consortium is never "in default" as a whole: its worst grade is C
  const grade = gradeAt(Math.min(idx, gradeIndex('C')));
  const band = gradeBand(grade);
  const standingPd = Math.min(Math.max(weightedPd, band.minPd), band.maxPd * (1 - 1e-9));
  return {
    consortiumId: input.consortiumId,
    grade,
    standingPd,
    weightedPd,
    expectedLoss,
    stressedExpectedLoss,
    totalExposure,
    gradeDistribution,
    concentrationHhi: hhi,
    guaranteeCoverage,
    systemicRisk,
    meanDebtRank,
    notches,
    parameters: p,
  };
}

/**
 * The stress test: these members default (stress 1); DebtRank carries the loss along
 * guarantees and overdue payables. Distressed: stress >= the threshold; additional
 * defaults: stress 1. Credit loss = Σ exposure · PD' · LGD with PD' = 1 for a defaulted
 * member and PD + h (1 - PD) for the others (stress raises a PD towards 1 in proportion).
 */
export function stressTest(
  input: StandingInput,
  defaulted: readonly string[],
  tolerance = DEFAULT_DEBT_RANK_TOLERANCE,
): StressTestResult {
  const p = riskParameters(input.parameters);
  const net = buildContagionNetwork(input.members, input.edges);
  const shock = new Map<number, number>();
  for (const id of defaulted) {
    const i = net.index.get(id);
    if (i !== undefined) shock.set(i, 1);
  }
  const run = runDebtRank(net, shock, undefined, tolerance, true);
  const distressed: StressedMember[] = [];
  const additionalDefaults: string[] = [];
  let equityLoss = 0;
  let creditLoss = 0;
  input.members.forEach((m, i) => {
    const h = run.stress[i] ?? 0;
    const isShocked = shock.has(i);
    if (!isShocked) {
      const loss = roundFen(h * Math.max(0, m.equity));
      equityLoss += loss;
      if (h >= p.distressThreshold) distressed.push({ companyId: m.companyId, stress: h, equityLoss: loss });
      if (h >= 1) additionalDefaults.push(m.companyId);
    }
    const pdAfter = isShocked || h >= 1 ? 1 : m.pd + h * (1 - m.pd);
    creditLoss += roundFen(m.exposure * pdAfter * p.lgd);
  });
  distressed.sort((a, b) => b.stress - a.stress || (a.companyId < b.companyId ? -1 : 1));
  return {
    defaulted: [...shock.keys()].map((i) => net.ids[i]),
    distressed,
    additionalDefaults,
    debtRank: run.debtRank,
    equityLoss,
    creditLoss,
    fundPays: Math.min(input.fund.balance, roundFen(creditLoss * input.fund.coverageShare)),
  };
}
