import type { Fen, IsoDate } from './records.types';
import type { Grade } from './rating.types';

/** One member as the standing sees it. */
export interface StandingMember {
  readonly companyId: string;
  readonly pd: number;
  readonly grade: Grade;
  /** what the banks have lent it (outstanding), the exposure at default */
  readonly exposure: Fen;
  /** book equity: the capital buffer E_j of DebtRank */
  readonly equity: Fen;
  /** total assets: the economic weight v_j of DebtRank */
  readonly size: Fen;
}

/**
 * An edge of the contagion network: if `from` defaults, `to` loses `amount`.
 * GUARANTEE: from = borrower, to = guarantor, amount = guaranteed outstanding.
 * OVERDUE_PAYABLE: from = debtor, to = creditor, amount = overdue trade payable.
 */
export interface ExposureEdge {
  readonly from: string;
  readonly to: string;
  readonly amount: Fen;
  readonly kind: 'GUARANTEE' | 'OVERDUE_PAYABLE';
}

/** The consortium's mutual guarantee fund, managed by its coordinator. */
export interface GuaranteeFund {
  readonly balance: Fen;
  /** share of each covered loss the fund pays, 0..1 */
  readonly coverageShare: number;
  readonly contributions: readonly { readonly companyId: string; readonly amount: Fen }[];
}

/** Per-consortium risk parameters; every one has a documented default (docs/scoring.md). */
export interface ConsortiumRiskParameters {
  /** loss given default, default 0.45 (Basel foundation IRB senior unsecured) */
  readonly lgd: number;
  /** multiplier on PDs for the stressed loss the fund must cover, default 3 */
  readonly stressFactor: number;
  /** W of joint default analysis: probability the fund supports a member in need, default 0.5 */
  readonly supportProbability: number;
  /** rho: default correlation of a member and its own cluster's fund, default 0.3 */
  readonly correlation: number;
  /** DebtRank stress at or above which a member counts as distressed, default 0.5 */
  readonly distressThreshold: number;
}

export interface StandingInput {
  readonly consortiumId: string;
  readonly members: readonly StandingMember[];
  readonly edges: readonly ExposureEdge[];
  readonly fund: GuaranteeFund;
  readonly parameters?: Partial<ConsortiumRiskParameters>;
}

export interface GradeCount {
  readonly grade: Grade;
  readonly count: number;
}

export interface SystemicRisk {
  readonly companyId: string;
  /** 0..1: the share of the cluster's economic value that this member's default would put under stress */
  readonly debtRank: number;
  /** true: the full cascade; false: the two-round lower bound (large clusters, below the top; docs/scoring.md) */
  readonly exact: boolean;
}

/** Contract `ConsortiumStanding` (without `computedAt`, which the app adds), plus its figures. */
export interface ConsortiumStanding {
  readonly consortiumId: string;
  readonly grade: Grade;
  /** the PD the standing's grade is read from (docs/scoring.md, "The standing's grade") */
  readonly standingPd: number;
  readonly weightedPd: number;
  readonly expectedLoss: Fen;
  readonly stressedExpectedLoss: Fen;
  readonly totalExposure: Fen;
  readonly gradeDistribution: readonly GradeCount[];
  readonly concentrationHhi: number;
  readonly guaranteeCoverage: number;
  /** highest first */
  readonly systemicRisk: readonly SystemicRisk[];
  /** the sum of DebtRank over all members' defaults, as a share of the members: 0..1 */
  readonly meanDebtRank: number;
  readonly notches: readonly string[];
  readonly parameters: ConsortiumRiskParameters;
}

export interface StressedMember {
  readonly companyId: string;
  /** DebtRank stress h_j: the share of equity lost, 0..1 */
  readonly stress: number;
  readonly equityLoss: Fen;
}

/** "If these members default, which others are pushed into distress and what is the loss". */
export interface StressTestResult {
  readonly defaulted: readonly string[];
  /** members (not in `defaulted`) whose stress reached the distress threshold, most stressed first */
  readonly distressed: readonly StressedMember[];
  /** members (not in `defaulted`) whose stress reached 1: all equity lost */
  readonly additionalDefaults: readonly string[];
  /** DebtRank of the shock: the additional weighted stress, 0..1 */
  readonly debtRank: number;
  /** equity lost by the other members */
  readonly equityLoss: Fen;
  /** expected credit loss to the banks after the shock */
  readonly creditLoss: Fen;
  /** the part of the credit loss the guarantee fund can pay */
  readonly fundPays: Fen;
  readonly asOf?: IsoDate;
}
