import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { type Dispute, DisputeResolution, DISPUTE_ALERT_DAYS } from '@app/domain';
import { CreditRecordModel } from './credit-record.model';

const DAY_MS = 86_400_000;

@ObjectType('Dispute', { description: 'a subject contesting a record; the coordinator settles it within 20 days (征信业管理条例 Art. 25)' })
export class DisputeModel {
  @Field(() => ID) id: string;
  @Field(() => CreditRecordModel, { description: 'the version disputed' }) record?: CreditRecordModel;
  @Field() reason: string;
  @Field() openedAt: Date;
  @Field({ description: 'the legal deadline: opened + 20 days' }) deadline: Date;
  @Field(() => Int, { description: 'whole days since it was opened (or until it was settled)' }) daysOpen: number;
  @Field({ description: 'open 15 days or more: the coordinator was alerted' }) alerted: boolean;
  @Field({ description: 'open past its deadline: escalated in the coordinator\'s list' }) escalated: boolean;
  @Field(() => Date, { nullable: true }) resolvedAt: Date | null;
  @Field(() => DisputeResolution, { nullable: true }) resolution: DisputeResolution | null;
  @Field(() => String, { nullable: true }) note: string | null;
  dispute: Dispute;
}

/** Alert and escalation follow the clock, so the list is right even before their timers ran. */
export function toDisputeModel(d: Dispute, now: Date): DisputeModel {
  const until = d.resolvedAt ?? now;
  const open = d.resolvedAt === null;
  return Object.assign(new DisputeModel(), {
    id: d.id,
    reason: d.reason,
    openedAt: d.openedAt,
    deadline: d.deadlineAt,
    daysOpen: Math.floor((until.getTime() - d.openedAt.getTime()) / DAY_MS),
    alerted: d.alertedAt !== null || (open && now.getTime() - d.openedAt.getTime() >= DISPUTE_ALERT_DAYS * DAY_MS),
    escalated: d.escalatedAt !== null || (open && now.getTime() >= d.deadlineAt.getTime()),
    resolvedAt: d.resolvedAt,
    resolution: d.resolution,
    note: d.note,
    dispute: d,
  });
}
