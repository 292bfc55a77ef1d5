import { Injectable } from '@nestjs/common';
import { type Actor, BadInputError, Clock, type Company, fenToDecimal, parseId, toCalendarDate } from '@app/domain';
import type { Grade, StandingInput, StressTestResult } from '@app/domain/scoring';
import { CoordinatorRepository, type Db, StandingInputRepository, StandingRepository } from '@app/persistence';
import { gradeIndex, stressTest } from '@app/scoring';
import { DataSource } from 'typeorm';
import { consortiumNamed, type Loaders } from '@api/common/loaders';
import { PolicyService } from '@api/policy/policy.service';

const DAY_MS = 86_400_000;
/** Downgrades of this many days back are early warnings. */
export const DOWNGRADE_WINDOW_DAYS = 90;
/** Disputes whose deadline is this close (or past) are early warnings. */
export const DISPUTE_WARNING_DAYS = 5;
/** Payment behaviour that worsened by this many days beyond terms (3 months against the 9 before) is an early warning. */
export const PAYMENT_WORSENING_DAYS = 5;
/** The most members a stress test may default at once. */
export const MAX_STRESS_DEFAULTS = 500;

export interface MemberOverview {
  readonly company: Company;
  readonly grade: string | null;
  readonly score: number | null;
  readonly pd: number | null;
  readonly backedGrade: string | null;
  readonly ratedAt: Date | null;
  readonly scoreTrend: readonly { month: string; score: number; grade: string }[];
  readonly scoreChange3m: number | null;
  readonly verifiedRecords: number;
}

export interface EarlyWarning {
  readonly kind: 'DOWNGRADE' | 'PAYMENT_WORSENING' | 'DISPUTE_DEADLINE';
  readonly severity: 'HIGH' | 'MEDIUM' | 'LOW';
  readonly companyId: string;
  readonly message: string;
  readonly at: Date;
  readonly oldGrade: string | null;
  readonly newGrade: string | null;
  readonly deadline: string | null;
}

export interface NetworkView {
  readonly nodes: readonly { companyId: string; debtRank: number; grade: string | null }[];
  readonly edges: readonly { kind: string; from: string; to: string; amount: string }[];
  readonly computedAt: Date | null;
}

const month = (d: Date): string => d.toISOString().slice(0, 7);
const isGrade = (g: string | null): g is Grade => g !== null && gradeIndex(g as Grade) >= 0;

/**
 * The coordinator's view of its cluster: members with grades, trends and record counts,
 * early warnings, the contagion network with DebtRank, and the stress test of the scoring
 * engine. ADMIN and the consortium's own COORDINATOR only; each part is computed only when
 * asked for, with one set-based query per kind of fact for all members.
 */
@Injectable()
export class CoordinatorService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly coordinator: CoordinatorRepository,
    private readonly standings: StandingRepository,
    private readonly standingInputs: StandingInputRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  /** The consortium the view is of, after the access check. */
  async open(actor: Actor, consortiumIdInput: string, loaders: Loaders): Promise<string> {
    this.policy.assertRole(actor, 'coordinator.view');
    const consortium = await consortiumNamed(loaders, consortiumIdInput);
    this.policy.assert(actor, 'coordinator.view', { consortiumId: consortium.id });
    return consortium.id;
  }

  async members(consortiumId: string, loaders: Loaders): Promise<MemberOverview[]> {
    const db = this.dataSource.manager;
    const now = this.clock.now();
    const [rated, scores, companies] = await Promise.all([
      this.coordinator.memberRatings(db, consortiumId),
      this.coordinator.monthlyScores(db, consortiumId, new Date(now.getTime() - 365 * DAY_MS)),
      loaders.membersOfConsortium.load(consortiumId),
    ]);
    const byId = new Map(companies.map((c) => [c.id, c]));
    const trends = new Map<string, { month: string; score: number; grade: string }[]>();
    for (const s of scores) {
      const list = trends.get(s.companyId) ?? [];
      list.push({ month: s.month, score: s.score, grade: s.grade });
      trends.set(s.companyId, list);
    }
    const threeMonthsAgo = month(new Date(now.getTime() - 91 * DAY_MS));
    return rated.flatMap((m) => {
      const company = byId.get(m.companyId);
      if (!company) return [];
      const trend = trends.get(m.companyId) ?? [];
      const before = [...trend].reverse().find((p) => p.month <= threeMonthsAgo);
      return [
        {
          company,
          grade: m.grade,
          score: m.score,
          pd: m.pd,
          backedGrade: m.backedGrade,
          ratedAt: m.ratedAt,
          scoreTrend: trend,
          scoreChange3m: m.score !== null && before ? m.score - before.score : null,
          // the rating's own count: an invoice both sides filed is one record, guarantees
          // given count and received do not, as the engine reads them
          verifiedRecords: m.verifiedRecords ?? 0,
        },
      ];
    });
  }

  /** Early warnings, most severe first, newest first within a severity. */
  async earlyWarnings(consortiumId: string): Promise<EarlyWarning[]> {
    const db = this.dataSource.manager;
    const now = this.clock.now();
    const warnings: EarlyWarning[] = [];

    // downgrades: the latest change of each member in the window, when it lowered the grade
    const changes = await this.coordinator.ratingChanges(db, consortiumId, new Date(now.getTime() - DOWNGRADE_WINDOW_DAYS * DAY_MS));
    const seen = new Set<string>();
    for (const c of changes) {
      if (seen.has(c.companyId)) continue;
      seen.add(c.companyId);
      if (!isGrade(c.oldGrade) || !isGrade(c.newGrade)) continue;
      const notches = gradeIndex(c.newGrade) - gradeIndex(c.oldGrade);
      if (notches <= 0) continue;
      const severe = notches >= 2 || gradeIndex(c.newGrade) >= gradeIndex('CCC');
      warnings.push({
        kind: 'DOWNGRADE',
        severity: severe ? 'HIGH' : 'MEDIUM',
        companyId: c.companyId,
        message: `Downgraded ${c.oldGrade} -> ${c.newGrade} (${notches} notch${notches > 1 ? 'es' : ''}; score ${c.oldScore ?? '?'} -> ${c.newScore})`,
        at: c.at,
        oldGrade: c.oldGrade,
        newGrade: c.newGrade,
        deadline: null,
      });
    }

    // payment behaviour worsening: days beyond terms of the last 3 months against the 9 before
    for (const t of await this.coordinator.paymentTrends(db, consortiumId, toCalendarDate(now))) {
      const worse = t.recent - t.before;
      if (worse < PAYMENT_WORSENING_DAYS) continue;
      warnings.push({
        kind: 'PAYMENT_WORSENING',
        severity: t.recent >= 30 || worse >= 15 ? 'HIGH' : 'MEDIUM',
        companyId: t.companyId,
        message: `Pays ${t.recent.toFixed(1)} days beyond terms over the last 3 months, against ${t.before.toFixed(1)} over the 9 before`,
        at: now,
        oldGrade: null,
        newGrade: null,
        deadline: null,
      });
    }

    // disputes near (or past) their 20-day deadline
    for (const d of await this.coordinator.disputesDueBefore(db, consortiumId, new Date(now.getTime() + DISPUTE_WARNING_DAYS * DAY_MS))) {
      const daysLeft = Math.ceil((d.deadline.getTime() - now.getTime()) / DAY_MS);
      warnings.push({
        kind: 'DISPUTE_DEADLINE',
        severity: daysLeft <= 2 ? 'HIGH' : 'MEDIUM',
        companyId: d.companyId,
        message: daysLeft < 0 ? `A disputed ${d.kind} is ${-daysLeft} day(s) past its deadline` : `A disputed ${d.kind} must be settled within ${daysLeft} day(s)`,
        at: d.openedAt,
        oldGrade: null,
        newGrade: null,
        deadline: toCalendarDate(d.deadline),
      });
    }

    const rank = { HIGH: 0, MEDIUM: 1, LOW: 2 };
    return warnings.sort((a, b) => rank[a.severity] - rank[b.severity] || b.at.getTime() - a.at.getTime());
  }

  /** The contagion network: DebtRank of each member from the current standing, and the edges. */
  async network(consortiumId: string): Promise<NetworkView> {
    const db = this.dataSource.manager;
    const standing = (await this.standings.current(db, [consortiumId])).get(consortiumId);
    const rated = await this.coordinator.memberRatings(db, consortiumId);
    const grades = new Map(rated.map((m) => [m.companyId, m.grade]));
    const input = await this.standingInput(db, consortiumId);
    const nodes = (standing?.systemicRisk ?? []).map((s) => ({ companyId: s.companyId, debtRank: s.debtRank, grade: grades.get(s.companyId) ?? null }));
    return {
      nodes,
      edges: input.edges.map((e) => ({ kind: e.kind, from: e.from, to: e.to, amount: fenToDecimal(BigInt(e.amount)) })),
      computedAt: standing?.computedAt ?? null,
    };
  }

  /** "If these members default": the scoring engine's stress test on the consortium as it stands. */
  async stressTest(actor: Actor, consortiumIdInput: string, defaultedInput: readonly string[], loaders: Loaders): Promise<StressTestResult> {
    this.policy.assertRole(actor, 'coordinator.stressTest');
    if (!Array.isArray(defaultedInput) || defaultedInput.length === 0) throw new BadInputError('defaulted', 'defaulted must name at least one member');
    if (defaultedInput.length > MAX_STRESS_DEFAULTS) throw new BadInputError('defaulted', `defaulted may name at most ${MAX_STRESS_DEFAULTS} members`);
    const consortiumId = parseId('consortiumId', consortiumIdInput);
    const given = defaultedInput.map((id, i) => parseId(`defaulted[${i}]`, id));
    await consortiumNamed(loaders, consortiumId);
    this.policy.assert(actor, 'coordinator.stressTest', { consortiumId });
    // checked at the positions given, so the error names the one at fault, repeats included
    const members = await loaders.company.loadMany(given);
    members.forEach((m, i) => {
      if (!m || m instanceof Error || m.consortiumId !== consortiumId) throw new BadInputError(`defaulted[${i}]`, `defaulted[${i}] is not a member of this consortium`);
    });
    const input = await this.standingInput(this.dataSource.manager, consortiumId);
    const rated = new Set(input.members.map((m) => m.companyId));
    given.forEach((id, i) => {
      if (!rated.has(id)) throw new BadInputError(`defaulted[${i}]`, `defaulted[${i}] has no rating yet: the stress test runs on the members the standing rests on`);
    });
    return stressTest(input, [...new Set(given)]);
  }

  /**
   * The standing's input as the worker's StandingComputer reads it, as of today: every rated
   * member with its PD, grade, exposure and balance sheet, the guarantee and overdue-payable
   * edges between members, and the guarantee fund.
   */
  private async standingInput(db: Db, consortiumId: string): Promise<StandingInput> {
    const source = await this.standingInputs.load(db, consortiumId, toCalendarDate(this.clock.now()));
    return { consortiumId, members: source.members, edges: source.edges, fund: source.fund, parameters: source.parameters };
  }
}
