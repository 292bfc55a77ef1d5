import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { assessNegative, Clock, type CreditRecordVersion, NEGATIVE_DAYS_BEYOND_TERMS, negativeCountsFrom, toCalendarDate } from '@app/domain';
import { JobName } from '@app/jobs';
import { AuditLogRepository, CreditRecordRepository, type Db, MaintenanceRepository, NoticeRepository, OutboxRepository, recordFiledEntry } from '@app/persistence';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG } from '@worker/worker.tokens';

/** Records per transaction. */
export const OVERDUE_BATCH = 500;

/**
 * Bills that turn into negative information by the passing of time (征信业管理条例 Art. 15).
 * A bill filed unpaid and within terms is not negative when filed; 30 days past its due date
 * and still unpaid, it is. From the daily maintenance, each such record gets what a bill filed
 * late gets at filing: a notice to its subject, and a new version (same content, marked
 * negative) that counts only once the notice period has passed, so that the company can
 * dispute it, or have the payment recorded, first. Meanwhile the record does not count at all.
 * A dispute won against that flag stands: the same facts are not flagged again
 * (MaintenanceRepository.overdueUnflagged).
 */
@Injectable()
export class OverdueNotices {
  private readonly logger = new Logger(OverdueNotices.name);

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly records: CreditRecordRepository,
    private readonly maintenance: MaintenanceRepository,
    private readonly notices: NoticeRepository,
    private readonly audit: AuditLogRepository,
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
  ) {}

  /** Notices every bill that became negative by `today`; returns how many. */
  async run(today: string): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.dataSource.transaction(async (tx) => {
        // a bill whose flag was rejected after a dispute is left out here, not skipped below: a full batch of them would stop the run
        const found = await this.maintenance.overdueUnflagged(tx, today, NEGATIVE_DAYS_BEYOND_TERMS, OVERDUE_BATCH);
        const now = this.clock.now();
        const versions: CreditRecordVersion[] = [];
        // locked one by one in record id order, as the API and imports lock: never a cycle with them
        const byId = found.map((f) => f.recordId).sort();
        for (const recordId of byId) {
          const version = await this.notice(tx, recordId, today, now);
          if (version) versions.push(version);
        }
        // the batch's audit entries in one append, its recomputes in one outbox write
        await this.audit.append(tx, versions.map((v) => recordFiledEntry(v, null, { via: 'overdue' })), now);
        const companies = new Set(versions.flatMap((v) => this.records.involvedCompanies(v)));
        await this.outbox.add(tx, [...companies].map((companyId) => ({ job: JobName.RECOMPUTE_COMPANY, payload: { companyId, reason: 'record.becameNegative' } })));
        return { found: found.length, noticed: versions.length };
      });
      total += batch.noticed;
      // a full batch of which none could be noticed would come back unchanged: stop there
      if (batch.found < OVERDUE_BATCH || batch.noticed === 0) {
        if (batch.found > 0 && batch.noticed === 0) this.logger.warn(`${batch.found} overdue bills found but none could be noticed`);
        return total;
      }
    }
  }

  /** One record, locked and read again: its notice and negative version, or null when it no longer qualifies (paid, disputed, noticed meanwhile). */
  private async notice(tx: Db, recordId: string, today: string, now: Date): Promise<CreditRecordVersion | null> {
    await this.records.lock(tx, recordId);
    const current = await this.records.findCurrent(tx, recordId);
    if (!current || current.negative || (current.status !== 'PENDING' && current.status !== 'VERIFIED')) return null;
    if (current.kind !== 'TRADE_EXPERIENCE' && current.kind !== 'PAYMENT_RECORD') return null;
    const assessment = assessNegative(current.kind, current.payload, today);
    if (!assessment.negative) return null;

    const countsFrom = negativeCountsFrom(now, this.config.records.noticePeriodDays);
    const notice = await this.notices.insert(tx, {
      kind: 'NEGATIVE_INFORMATION',
      consortiumId: current.consortiumId,
      companyId: current.subjectId,
      recordId,
      message: `A record about your company became negative information: ${assessment.why}. It counts in ratings from ${toCalendarDate(countsFrom)}; dispute it before then if it is wrong, or have the payment recorded.`,
      createdAt: now,
      waitingUntil: countsFrom,
    });
    return this.records.append(tx, recordId, {
      kind: current.kind,
      consortiumId: current.consortiumId,
      subjectId: current.subjectId,
      reporterCompanyId: current.reporterCompanyId,
      reporterBankId: current.reporterBankId,
      reporterRole: current.reporterRole,
      filedStatus: current.status,
      payload: current.payload,
      evidence: current.evidence,
      negative: true,
      noticeId: notice.id,
      countsFrom,
      endedOn: assessment.endedOn,
      expiresOn: assessment.expiresOn,
      filedBy: null,
      createdAt: now,
    });
  }
}
