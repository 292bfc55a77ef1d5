import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { Clock, toCalendarDate } from '@app/domain';
import { JobName } from '@app/jobs';
import { AuditLogRepository, FullRecomputeRepository, MaintenanceRepository, OutboxRepository } from '@app/persistence';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { HandlesJob, type JobHandler } from '@worker/queues/job-handler';
import { OverdueNotices } from '@worker/records/overdue-notices.service';
import { WORKER_CONFIG } from '@worker/worker.tokens';
import { FullRecompute } from './full-recompute.service';
import { RatingComputer } from './rating-computer.service';
import { StandingComputer } from './standing-computer.service';

const DAY_MS = 86_400_000;
/** sent outbox rows are kept this long, for inspection */
const OUTBOX_KEEP_DAYS = 7;

/** recompute-company.v1 {companyId}: the company's rating from its current data, if that moved. */
@Injectable()
@HandlesJob(JobName.RECOMPUTE_COMPANY)
export class RecomputeCompanyHandler implements JobHandler<typeof JobName.RECOMPUTE_COMPANY> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly computer: RatingComputer,
    private readonly clock: Clock,
  ) {}

  async handle(job: Job<{ companyId: string; reason: string }>): Promise<unknown> {
    const asOf = toCalendarDate(this.clock.now());
    return this.dataSource.transaction((tx) => this.computer.recompute(tx, [job.data.companyId], asOf));
  }
}

/** recompute-standing.v1 {consortiumId}: debounced by the queue; writes only when its inputs moved. */
@Injectable()
@HandlesJob(JobName.RECOMPUTE_STANDING)
export class RecomputeStandingHandler implements JobHandler<typeof JobName.RECOMPUTE_STANDING> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly computer: StandingComputer,
    private readonly clock: Clock,
  ) {}

  async handle(job: Job<{ consortiumId: string }>): Promise<unknown> {
    const asOf = toCalendarDate(this.clock.now());
    return this.dataSource.transaction((tx) => this.computer.recompute(tx, job.data.consortiumId, asOf));
  }
}

/** full-recompute.v1 {runId, lane}: one lane of a run; progress is the run's share of chunks done. */
@Injectable()
@HandlesJob(JobName.FULL_RECOMPUTE)
export class FullRecomputeHandler implements JobHandler<typeof JobName.FULL_RECOMPUTE> {
  constructor(private readonly full: FullRecompute) {}

  async handle(job: Job<{ runId: string; lane: number }>): Promise<unknown> {
    return this.full.runLane(job.data.runId, async (done, total) => {
      await job.updateProgress({ chunksDone: done, totalChunks: total, share: total ? done / total : 1 });
    });
  }
}

/** start-full-recompute.v1: the nightly schedule starts a run (or joins the one running as of the same day; one of an earlier day is superseded) and queues its lanes. */
@Injectable()
@HandlesJob(JobName.START_FULL_RECOMPUTE)
export class StartFullRecomputeHandler implements JobHandler<typeof JobName.START_FULL_RECOMPUTE> {
  private readonly logger = new Logger(StartFullRecomputeHandler.name);

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly runs: FullRecomputeRepository,
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
  ) {}

  async handle(): Promise<unknown> {
    return this.dataSource.transaction(async (tx) => {
      const { run, created, superseded } = await this.runs.start(tx, {
        trigger: 'SCHEDULE',
        requestedBy: null,
        // the UTC day, the records' calendar: at 02:00 CST (18:00 UTC) the day before the one
        // begun in Shanghai. Not the next UTC day: it has not begun, and company jobs (as of
        // today) would skip every company the run rated until midnight UTC (docs/pipeline.md)
        asOf: toCalendarDate(this.clock.now()),
        chunkSize: this.config.pipeline.chunkSize,
      });
      // a run already running gets its lanes again: a lane lost with Redis is re-created, a live one deduplicated
      const lanes = Array.from({ length: this.config.pipeline.fullRecomputeLanes }, (_, lane) => lane);
      await this.outbox.add(tx, lanes.map((lane) => ({ job: JobName.FULL_RECOMPUTE, payload: { runId: run.id, lane } })));
      if (superseded) this.logger.warn(`full recompute ${superseded}, of an earlier day and still running, superseded by ${run.id}`);
      return { runId: run.id, created, superseded };
    });
  }
}

/**
 * daily-maintenance.v1 {day}: what time changes. Bills that became negative information by
 * ageing (30 days past due, unpaid) get their notice and stop counting until its period ends
 * (OverdueNotices); companies whose records started counting (a notice period ended, a
 * guarantee's start date or a soft signal's recorded date came) or stopped (negative
 * information expired after five years, a guarantee's end date came, a soft signal's validity
 * ran out) since the day before (since `coverFrom`, the day a late run was due: a catch-up
 * after an outage covers the days it missed) are recomputed, and their consortia's standings,
 * with those of consortia where an invoice between two members turned overdue unpaid;
 * dispute stages that are due and were not raised are armed again (their delayed jobs may
 * have been lost with Redis); old sent outbox rows are purged. Its outcome, logged and kept
 * with the job, carries the audit log's head: a daily checkpoint outside the database, which
 * `verifyAuditLog(checkpoint:)` checks the log against.
 */
@Injectable()
@HandlesJob(JobName.DAILY_MAINTENANCE)
export class DailyMaintenanceHandler implements JobHandler<typeof JobName.DAILY_MAINTENANCE> {
  private readonly logger = new Logger(DailyMaintenanceHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly maintenance: MaintenanceRepository,
    private readonly outbox: OutboxRepository,
    private readonly overdue: OverdueNotices,
    private readonly audit: AuditLogRepository,
    private readonly clock: Clock,
  ) {}

  async handle(job: Job<{ day?: string; coverFrom?: string }>): Promise<unknown> {
    const now = this.clock.now();
    const isDay = (d: string | undefined): d is string => d !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(d);
    const today = isDay(job.data.day) ? job.data.day : toCalendarDate(now);
    const from = isDay(job.data.coverFrom) && job.data.coverFrom < today ? job.data.coverFrom : today;
    const since = toCalendarDate(new Date(Date.parse(`${from}T00:00:00Z`) - 2 * DAY_MS));
    // first, in transactions of their own (a retry finds only what is left)
    const becameNegative = await this.overdue.run(today);
    const outcome = await this.dataSource.transaction(async (tx) => {
      const companies = await this.maintenance.companiesWithTimeChanges(tx, since, today);
      // their consortia's standings too: a standing reads members' guarantee edges, loans and
      // balance sheets as of the day, whether or not a member's rating moves (debounced, and
      // written only when what it reads changed); and the standings of consortia with an
      // invoice between members that turned overdue unpaid, a new edge with no record changed.
      // Not the debtor's rating: it reads days overdue so far, which grow every day, and the
      // nightly run rates that lateness like any other day's
      const overdue = await this.maintenance.consortiaWithPayablesTurnedOverdue(tx, since, today);
      const consortia = [...new Set([...companies.map((c) => c.consortiumId), ...overdue])].sort();
      const disputes = await this.maintenance.disputeStagesDue(tx, now);
      await this.outbox.add(tx, [
        ...companies.map(({ companyId }) => ({ job: JobName.RECOMPUTE_COMPANY, payload: { companyId, reason: 'time' } })),
        ...consortia.map((consortiumId) => ({ job: JobName.RECOMPUTE_STANDING, payload: { consortiumId } })),
        ...disputes.map((d) => ({ job: JobName.DISPUTE_DEADLINE, payload: d })),
      ]);
      const purged = await this.maintenance.purgeSentOutbox(tx, new Date(now.getTime() - OUTBOX_KEEP_DAYS * DAY_MS));
      const auditHead = await this.audit.head(tx);
      return { day: today, since, becameNegative, recomputed: companies.length, overduePayableConsortia: overdue.length, standings: consortia.length, disputeStages: disputes.length, purgedOutbox: purged, auditHead };
    });
    this.logger.log(`daily maintenance ${JSON.stringify(outcome)}`);
    return outcome;
  }
}
