import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { type Notice, NoticeKind } from '@app/domain';

registerEnumType(NoticeKind, { name: 'NoticeKind' });

@ObjectType('Notice', {
  description: 'what the platform tells a company (negative information before it counts) or a coordinator (disputes and their deadlines, invoice mismatches)',
})
export class NoticeModel {
  @Field(() => ID) id: string;
  @Field(() => NoticeKind) kind: NoticeKind;
  @Field() message: string;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true, description: 'negative information counts only after this instant; dispute it before' }) waitingUntil: Date | null;
  @Field(() => Date, { nullable: true }) acknowledgedAt: Date | null;
  @Field(() => Int, { description: 'how many records it is about (an import notifies once per company)' }) recordCount: number;
  @Field(() => ID, { nullable: true, description: 'the record it is about, when it is about one' }) recordId: string | null;
  @Field(() => ID, { nullable: true }) importId: string | null;
  @Field(() => ID, { nullable: true }) disputeId: string | null;
}

export function toNoticeModel(n: Notice): NoticeModel {
  return Object.assign(new NoticeModel(), {
    id: n.id,
    kind: n.kind,
    message: n.message,
    createdAt: n.createdAt,
    waitingUntil: n.waitingUntil,
    acknowledgedAt: n.acknowledgedAt,
    recordCount: n.recordCount,
    recordId: n.recordId,
    importId: n.importId,
    disputeId: n.disputeId,
  });
}
