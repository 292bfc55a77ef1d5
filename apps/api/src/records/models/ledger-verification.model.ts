import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { RecordKind } from '@app/domain';
import type { AuditVerification, LedgerVerification } from '@app/persistence';
import { AuditVerificationModel } from '@api/audit/models/audit-verification.model';

@ObjectType('LedgerProblem')
export class LedgerProblemModel {
  @Field(() => RecordKind, { nullable: true }) kind: RecordKind | null;
  @Field(() => ID, { nullable: true }) recordId: string | null;
  @Field(() => Int, { nullable: true }) version: number | null;
  @Field() problem: string;
}

@ObjectType('RecordLedgerVerification', { description: 'the records checked against the tamper-evident audit log' })
export class RecordLedgerVerificationModel {
  @Field({ description: 'the audit chain and every record version verify' }) ok: boolean;
  @Field(() => AuditVerificationModel) auditChain: AuditVerificationModel;
  @Field(() => Int) versionsChecked: number;
  @Field(() => [LedgerProblemModel], { description: 'the first problems found (at most 100)' }) problems: LedgerProblemModel[];
}

export function toLedgerVerificationModel(chain: AuditVerification, ledger: LedgerVerification): RecordLedgerVerificationModel {
  return Object.assign(new RecordLedgerVerificationModel(), {
    ok: chain.ok && ledger.ok,
    auditChain: Object.assign(new AuditVerificationModel(), chain),
    versionsChecked: ledger.versionsChecked,
    problems: ledger.problems.map((p) => Object.assign(new LedgerProblemModel(), p)),
  });
}
