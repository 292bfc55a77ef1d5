import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('AuditVerification', { description: 'The result of walking the hash-chained audit log from its first entry' })
export class AuditVerificationModel {
  @Field() ok: boolean;
  @Field(() => Int) checked: number;
  @Field(() => Int, { nullable: true, description: 'the first entry whose link or content does not verify' }) firstBrokenSeq: number | null;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field(() => String, { nullable: true, description: 'SHA-256 of the last entry, hex: publish it to detect a truncated tail later' })
  headHash: string | null;
}
