import { Injectable } from '@nestjs/common';
import { type Actor, BadInputError, Clock, parseId, parseMoney } from '@app/domain';
import type { ConsortiumRiskParameters } from '@app/domain/scoring';
import { JobName } from '@app/jobs';
import { AuditLogRepository, ConsortiumRepository, type Db, type FundFigures, OutboxRepository, StandingInputRepository } from '@app/persistence';
import { riskParameters } from '@app/scoring';
import { DataSource } from 'typeorm';
import { consortiumNamed, type Loaders } from '@api/common/loaders';
import { PolicyService } from '@api/policy/policy.service';

/** The most contributions one fund lists (one per member). */
export const MAX_FUND_CONTRIBUTIONS = 10_000;

/** The bounds of each risk parameter: [lowest, highest, whether the lowest itself is allowed]. */
const PARAMETER_BOUNDS: Readonly<Record<keyof ConsortiumRiskParameters, readonly [number, number, boolean]>> = {
  lgd: [0, 1, false],
  stressFactor: [1, 20, true],
  supportProbability: [0, 1, true],
  // at 1 a member and the fund always default together: no support is left to model
  correlation: [0, 0.99, true],
  distressThreshold: [0, 1, false],
};
const PARAMETERS = Object.keys(PARAMETER_BOUNDS) as (keyof ConsortiumRiskParameters)[];

export interface FundInput {
  readonly balance: string;
  readonly coverageShare: number;
  /** the whole list, replacing the one before; left out (null), the contributions stay as they are */
  readonly contributions?: readonly { readonly companyId: string; readonly amount: string }[] | null;
}

export type RiskParametersInput = { readonly [K in keyof ConsortiumRiskParameters]?: number | null };

/** A consortium's fund and risk parameters, as its coordinator sees and sets them. */
export interface FundView extends FundFigures {
  readonly consortiumId: string;
  /** every parameter as the standing uses it: the coordinator's where set, the default otherwise */
  readonly riskParameters: ConsortiumRiskParameters;
  /** the parameters the coordinator set (the others are the engine's documented defaults) */
  readonly setParameters: readonly (keyof ConsortiumRiskParameters)[];
}

/**
 * The guarantee fund (its balance, the share of each covered loss it pays, each member's
 * contribution) and the consortium's risk parameters (LGD, stress factor, support
 * probability, correlation, distress threshold): data of the consortium, managed by its
 * coordinator (issue 4). A change is an audit-log entry and queues the consortium's standing
 * in the same transaction; the standing's new figures reach the members' backed ratings at
 * their next recompute (docs/scoring.md §4).
 */
@Injectable()
export class GuaranteeFundService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inputs: StandingInputRepository,
    private readonly consortia: ConsortiumRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  async view(actor: Actor, consortiumIdInput: string, loaders: Loaders): Promise<FundView> {
    this.policy.assertRole(actor, 'coordinator.view');
    const consortiumId = await this.consortium(consortiumIdInput, loaders);
    this.policy.assert(actor, 'coordinator.view', { consortiumId });
    return this.read(this.dataSource.manager, consortiumId);
  }

  async setFund(actor: Actor, consortiumIdInput: string, input: FundInput, loaders: Loaders): Promise<FundView> {
    this.policy.assertRole(actor, 'coordinator.fund.manage');
    const balance = parseMoney('input.balance', input?.balance, 'non-negative');
    const coverageShare = share('input.coverageShare', input?.coverageShare);
    const keep = input?.contributions === undefined || input?.contributions === null;
    const given = input?.contributions ?? [];
    if (!Array.isArray(given) || given.length > MAX_FUND_CONTRIBUTIONS) throw new BadInputError('input.contributions', `input.contributions may list at most ${MAX_FUND_CONTRIBUTIONS} members`);
    const contributions = given.map((c, i) => ({
      companyId: parseId(`input.contributions[${i}].companyId`, c?.companyId),
      amountYuan: parseMoney(`input.contributions[${i}].amount`, c?.amount, 'non-negative'),
    }));
    const seen = new Set<string>();
    contributions.forEach((c, i) => {
      if (seen.has(c.companyId)) throw new BadInputError(`input.contributions[${i}].companyId`, `input.contributions[${i}].companyId is listed twice`);
      seen.add(c.companyId);
    });
    const consortiumId = await this.consortium(consortiumIdInput, loaders);
    this.policy.assert(actor, 'coordinator.fund.manage', { consortiumId });
    const members = await loaders.company.loadMany(contributions.map((c) => c.companyId));
    members.forEach((m, i) => {
      if (!m || m instanceof Error || m.consortiumId !== consortiumId) throw new BadInputError(`input.contributions[${i}].companyId`, `input.contributions[${i}].companyId is not a member of this consortium`);
    });
    const details = { balance, coverageShare, contributions: keep ? 'unchanged' : contributions.map((c) => ({ companyId: c.companyId, amount: c.amountYuan })) };
    return this.change(actor, consortiumId, 'guaranteeFund.set', details, (tx) => this.inputs.setFund(tx, consortiumId, balance, coverageShare, keep ? null : contributions));
  }

  /** Sets every parameter at once: one left out (or null) is the engine's default again. */
  async setRiskParameters(actor: Actor, consortiumIdInput: string, input: RiskParametersInput, loaders: Loaders): Promise<FundView> {
    this.policy.assertRole(actor, 'coordinator.fund.manage');
    const parameters: Partial<Record<keyof ConsortiumRiskParameters, number>> = {};
    for (const name of PARAMETERS) {
      const value = input?.[name];
      if (value === undefined || value === null) continue;
      const [low, high, lowAllowed] = PARAMETER_BOUNDS[name];
      if (typeof value !== 'number' || !Number.isFinite(value) || value > high || value < low || (!lowAllowed && value === low)) {
        throw new BadInputError(`input.${name}`, `input.${name} must be ${lowAllowed ? 'at least' : 'above'} ${low} and at most ${high}`);
      }
      parameters[name] = value;
    }
    const consortiumId = await this.consortium(consortiumIdInput, loaders);
    this.policy.assert(actor, 'coordinator.fund.manage', { consortiumId });
    return this.change(actor, consortiumId, 'riskParameters.set', { parameters }, (tx) => this.inputs.setRiskParameters(tx, consortiumId, parameters));
  }

  private async change(actor: Actor, consortiumId: string, action: string, details: Record<string, unknown>, write: (tx: Db) => Promise<void>): Promise<FundView> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      // one change at a time per consortium, so the audit entries follow the writes' order
      await this.consortia.lockForUpdate(tx, consortiumId);
      await write(tx);
      await this.audit.append(tx, [{ action, actorId: actor.id, consortiumId, details }], now);
      await this.outbox.add(tx, [{ job: JobName.RECOMPUTE_STANDING, payload: { consortiumId } }]);
      return this.read(tx, consortiumId);
    });
  }

  private async read(db: Db, consortiumId: string): Promise<FundView> {
    const set = await this.inputs.riskParameters(db, consortiumId);
    return {
      consortiumId,
      ...(await this.inputs.fundFigures(db, consortiumId)),
      riskParameters: riskParameters(set),
      setParameters: PARAMETERS.filter((name) => set[name] !== undefined),
    };
  }

  private async consortium(consortiumIdInput: string, loaders: Loaders): Promise<string> {
    return (await consortiumNamed(loaders, consortiumIdInput)).id;
  }
}

function share(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) throw new BadInputError(field, `${field} must be a share from 0 to 1`);
  return value;
}
