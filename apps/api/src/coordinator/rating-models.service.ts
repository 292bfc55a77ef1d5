import { Injectable } from '@nestjs/common';
import { type Actor, ConflictError, Clock, NotFoundError, parseId, toCalendarDate } from '@app/domain';
import type { BacktestReport, RatingModelSpec } from '@app/domain/scoring';
import { JobName } from '@app/jobs';
import { AuditLogRepository, CompanyRepository, ConsortiumRepository, type Db, OutboxRepository, RatingModelRepository, type StoredRatingModel } from '@app/persistence';
import { backtestObservations, backtestUnder, DEFAULT_RATING_MODEL, DEFAULT_REFIT_OPTIONS, refitRatingModel } from '@app/scoring';
import { REFIT_FOLDS, refitHistory } from '@app/scoring/governance/refit';
import { DataSource } from 'typeorm';
import { consortiumNamed, type Loaders } from '@api/common/loaders';
import { PolicyService } from '@api/policy/policy.service';

/**
 * The least history a refit is proposed from: observations (ratings whose 12 months have
 * passed), and companies with a default after one of them and without. The proposal is
 * backtested out of sample in REFIT_FOLDS folds by company, so each fold must hold out at
 * least one company with a default and one without.
 */
export const MIN_REFIT_OBSERVATIONS = 30;
export const MIN_REFIT_DEFAULTED_COMPANIES = REFIT_FOLDS;
export const MIN_REFIT_SOUND_COMPANIES = REFIT_FOLDS;

/**
 * Model governance of a consortium (issue 4, docs/scoring.md §6): the live model's backtest
 * over the consortium's own history (each member's last rating of a month against a default
 * in the 12 months after it), a refit proposed from that history with its backtest out of
 * sample beside the live model's, and activation by the coordinator. Nothing changes the live model silently:
 * a proposal rates nothing until activated; activation is an audit-log entry and queues every
 * member's recompute, and every rating records the model version it was computed with.
 */
@Injectable()
export class RatingModelsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly models: RatingModelRepository,
    private readonly consortia: ConsortiumRepository,
    private readonly companies: CompanyRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  /**
   * The live model's backtest over the consortium's history: every observation scored as the
   * live model would score it (whatever model rated it then), as a proposal's backtest is.
   */
  async backtest(actor: Actor, consortiumIdInput: string, loaders: Loaders): Promise<{ model: RatingModelSpec; report: BacktestReport }> {
    const consortiumId = await this.open(actor, consortiumIdInput, loaders);
    const db = this.dataSource.manager;
    const model = await this.live(db, consortiumId);
    return { model, report: backtestUnder(await this.observations(db, consortiumId), model) };
  }

  async list(actor: Actor, consortiumIdInput: string, loaders: Loaders): Promise<StoredRatingModel[]> {
    const consortiumId = await this.open(actor, consortiumIdInput, loaders);
    return this.models.list(this.dataSource.manager, consortiumId);
  }

  /** A refit from the consortium's history, stored as PROPOSED: it rates nothing until activated. */
  async propose(actor: Actor, consortiumIdInput: string, loaders: Loaders): Promise<StoredRatingModel> {
    const consortiumId = await this.open(actor, consortiumIdInput, loaders);
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      await this.consortia.lockForUpdate(tx, consortiumId);
      const observations = await this.observations(tx, consortiumId);
      const history = refitHistory(observations);
      const { defaults, defaultedCompanies } = history;
      const soundCompanies = history.companies - defaultedCompanies;
      if (observations.length < MIN_REFIT_OBSERVATIONS || defaultedCompanies < MIN_REFIT_DEFAULTED_COMPANIES || soundCompanies < MIN_REFIT_SOUND_COMPANIES) {
        throw new ConflictError(
          `Not enough history to refit: ${observations.length} ratings whose 12 months have passed, ${defaults} followed by a default, of ${defaultedCompanies} companies with a default and ${soundCompanies} without; ` +
            `a refit needs ${MIN_REFIT_OBSERVATIONS} ratings, and ${MIN_REFIT_DEFAULTED_COMPANIES} companies with a default and ${MIN_REFIT_SOUND_COMPANIES} without for its backtest out of sample (${REFIT_FOLDS} folds by company)`,
          { observations: observations.length, defaults, defaultedCompanies, soundCompanies },
        );
      }
      const current = await this.live(tx, consortiumId);
      const version = `refit-${toCalendarDate(now)}-${(await this.models.count(tx, consortiumId)) + 1}`;
      const proposal = refitRatingModel(observations, current, { ...DEFAULT_REFIT_OPTIONS, version });
      // fitted on all the history; its backtest out of sample, beside the live model's on the same observations
      // a fit stopped short of its optimum is not the consortium's model: it is not proposed
      if (!proposal.converged) {
        throw new ConflictError(`The refit did not converge in ${proposal.iterations} steps: nothing is proposed`, { observations: observations.length, defaults });
      }
      const stored = await this.models.insert(tx, {
        consortiumId,
        version,
        spec: proposal.spec,
        basedOn: proposal.basedOn,
        backtest: { current: proposal.current, proposed: proposal.proposed },
        proposedBy: actor.id,
        proposedAt: now,
      });
      await this.audit.append(tx, [{ action: 'ratingModel.proposed', actorId: actor.id, consortiumId, details: { modelId: stored.id, version, basedOn: proposal.basedOn } }], now);
      return stored;
    });
  }

  /** Activates a proposal: the consortium's members are rated with it from their next recompute, which is queued now. */
  async activate(actor: Actor, idInput: string, loaders: Loaders): Promise<StoredRatingModel> {
    this.policy.assertRole(actor, 'model.manage');
    const id = parseId('id', idInput);
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const model = await this.models.findById(tx, id, true);
      if (!model) throw new NotFoundError('No such rating model', { field: 'id' });
      const consortium = await loaders.consortium.load(model.consortiumId);
      this.policy.assert(actor, 'model.manage', { consortiumId: model.consortiumId });
      if (model.status === 'ACTIVE') return model;
      if (model.status !== 'PROPOSED') throw new ConflictError(`This model is ${model.status}: only a proposal is activated`, { status: model.status });
      await this.consortia.lockForUpdate(tx, model.consortiumId);
      // a proposal is reviewed against the model it was refitted from: that one must still be live
      const live = await this.live(tx, model.consortiumId);
      if (model.basedOn !== live.version) {
        throw new ConflictError(`This proposal was refitted from ${model.basedOn}, and ${live.version} is live now: propose again to compare with it`, {
          basedOn: model.basedOn,
          live: live.version,
        });
      }
      const active = await this.models.activate(tx, model, actor.id, now);
      const members = await this.companies.idsOfConsortium(tx, model.consortiumId);
      await this.audit.append(
        tx,
        [{ action: 'ratingModel.activated', actorId: actor.id, consortiumId: model.consortiumId, details: { modelId: model.id, version: model.version, consortium: consortium?.name ?? null, members: members.length } }],
        now,
      );
      await this.outbox.add(tx, [
        ...members.map((companyId) => ({ job: JobName.RECOMPUTE_COMPANY, payload: { companyId, reason: 'model' } })),
        { job: JobName.RECOMPUTE_STANDING, payload: { consortiumId: model.consortiumId } },
      ]);
      return active;
    });
  }

  private async live(db: Db, consortiumId: string): Promise<RatingModelSpec> {
    return (await this.models.activeSpecs(db, [consortiumId])).get(consortiumId) ?? DEFAULT_RATING_MODEL;
  }

  private async observations(db: Db, consortiumId: string) {
    const today = toCalendarDate(this.clock.now());
    return backtestObservations(await this.models.history(db, consortiumId, today), await this.models.defaults(db, consortiumId, today), today);
  }

  private async open(actor: Actor, consortiumIdInput: string, loaders: Loaders): Promise<string> {
    this.policy.assertRole(actor, 'model.manage');
    const consortium = await consortiumNamed(loaders, consortiumIdInput);
    this.policy.assert(actor, 'model.manage', { consortiumId: consortium.id });
    return consortium.id;
  }
}
