import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('AuditVerification', { description: 'The result of walking the hash-chained audit log from its first entry' })
export class AuditVerificationModel {
  @Field() ok: boolean;
  @Field(() => Int) checked: number;
  @Field(() => Int, { nullable: true, description: 'the first entry whose link or content does not verify' }) firstBrokenSeq: number | null;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field(() => Int, { nullable: true, description: 'the position of the last entry: publish it with headHash' }) headSeq: number | null;
  @Field(() => String, { nullable: true, description: 'SHA-256 of the last entry, hex: publish it to detect a truncated tail later' })
  headHash: string | null;
}

@InputType('AuditCheckpointInput', { description: 'a head published earlier (headSeq and headHash of a verifyAuditLog, kept outside the platform)' })
export class AuditCheckpointInput {
  @Field(() => Int) seq: number;
  @Field({ description: 'hex SHA-256' }) hash: string;
}
