import { Inject, Injectable } from '@nestjs/common';
import { type Actor, Clock, parseId, toCalendarDate } from '@app/domain';
import { JobName } from '@app/jobs';
import { AuditLogRepository, type FullRecomputeRun, FullRecomputeRepository, type OutboxMessage, OutboxRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@api/common/config.provider';
import { PolicyService } from '@api/policy/policy.service';

/**
 * The operator's full recompute. Starting writes the run, its chunks and one outbox row per
 * lane in one transaction, so the run exists exactly when its jobs will; the worker's relay
 * enqueues them and the lanes share the chunks. At most one run at a time: asking again
 * while one runs answers that run.
 */
@Injectable()
export class FullRecomputeService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly runs: FullRecomputeRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  async start(actor: Actor): Promise<FullRecomputeRun> {
    this.policy.assert(actor, 'fullRecompute.start');
    const now = this.clock.now();
    const { chunkSize, fullRecomputeLanes } = this.config.pipeline;
    return this.dataSource.transaction(async (tx) => {
      const { run, created, superseded } = await this.runs.start(tx, { trigger: 'ADMIN', requestedBy: actor.id, asOf: toCalendarDate(now), chunkSize });
      if (!created) return run;
      const lanes: OutboxMessage[] = Array.from({ length: fullRecomputeLanes }, (_, lane) => ({ job: JobName.FULL_RECOMPUTE, payload: { runId: run.id, lane } }));
      await this.outbox.add(tx, lanes);
      await this.audit.append(
        tx,
        [
          {
            action: 'fullRecompute.started',
            actorId: actor.id,
            details: {
              runId: run.id,
              trigger: run.trigger,
              asOf: run.asOf,
              chunkSize,
              totalChunks: run.totalChunks,
              totalCompanies: run.totalCompanies,
              lanes: fullRecomputeLanes,
              superseded,
            },
          },
        ],
        now,
      );
      return run;
    });
  }

  /** A run by id, or the latest when no id is given; null when there is none. */
  async find(actor: Actor, idInput: string | null | undefined): Promise<FullRecomputeRun | null> {
    this.policy.assertRole(actor, 'fullRecompute.read');
    const id = idInput === null || idInput === undefined ? null : parseId('id', idInput);
    this.policy.assert(actor, 'fullRecompute.read');
    const db = this.dataSource.manager;
    return id ? this.runs.findById(db, id) : this.runs.latest(db);
  }
}
