import { Injectable } from '@nestjs/common';
import { Clock, DISPUTE_ALERT_DAYS, DISPUTE_DEADLINE_DAYS, toCalendarDate } from '@app/domain';
import { JobName } from '@app/jobs';
import { AuditLogRepository, DisputeRepository, NoticeRepository, OutboxRepository } from '@app/persistence';
import { DataSource } from 'typeorm';

const DAY_MS = 86_400_000;

export type DeadlineOutcome = 'settled' | 'rescheduled' | 'raised' | 'already-raised';

/**
 * The 20-day dispute deadline (征信业管理条例 Art. 25): at 15 days the coordinator is alerted,
 * at 20 the dispute is escalated in its list. Timers are delayed jobs written to the outbox
 * when the dispute opens; they may fire more than once or early (at-least-once delivery,
 * clocks), so each stage is raised once, only when due, and re-armed when early.
 */
@Injectable()
export class DisputeDeadlines {
  constructor(
    private readonly dataSource: DataSource,
    private readonly disputes: DisputeRepository,
    private readonly notices: NoticeRepository,
    private readonly audit: AuditLogRepository,
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
  ) {}

  async run(recordId: string, stage: 'alert' | 'escalate'): Promise<DeadlineOutcome> {
    return this.dataSource.transaction(async (tx) => {
      const dispute = await this.disputes.findOpenForUpdate(tx, recordId);
      if (!dispute) return 'settled';
      const now = this.clock.now();
      const due = new Date(dispute.openedAt.getTime() + (stage === 'alert' ? DISPUTE_ALERT_DAYS : DISPUTE_DEADLINE_DAYS) * DAY_MS);
      if (now < due) {
        await this.outbox.add(tx, [{ job: JobName.DISPUTE_DEADLINE, payload: { recordId, stage }, runAt: due }]);
        return 'rescheduled';
      }
      if (!(await this.disputes.markStage(tx, dispute.id, stage, now))) return 'already-raised';
      const deadline = toCalendarDate(dispute.deadlineAt);
      await this.notices.insertOnce(tx, {
        kind: stage === 'alert' ? 'DISPUTE_ALERT' : 'DISPUTE_ESCALATED',
        consortiumId: dispute.consortiumId,
        companyId: null,
        recordId: dispute.recordId,
        disputeId: dispute.id,
        message:
          stage === 'alert'
            ? `A dispute has been open ${DISPUTE_ALERT_DAYS} days: settle it by ${deadline}`
            : `A dispute passed its ${DISPUTE_DEADLINE_DAYS}-day deadline (${deadline}) unsettled: it is escalated`,
        createdAt: now,
      });
      await this.audit.append(
        tx,
        [
          {
            action: stage === 'alert' ? 'dispute.alerted' : 'dispute.escalated',
            actorId: null,
            consortiumId: dispute.consortiumId,
            companyId: dispute.subjectId,
            details: { disputeId: dispute.id, recordId: dispute.recordId, deadlineAt: dispute.deadlineAt },
          },
        ],
        now,
      );
      return 'raised';
    });
  }
}
