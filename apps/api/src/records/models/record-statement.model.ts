import { Field, ObjectType } from '@nestjs/graphql';
import type { RecordStatement } from '@app/domain';

@ObjectType('RecordStatement', {
  description: "the subject's statement on negative information about it (征信业管理条例 Art. 16), shown with the record and in bank reports",
})
export class RecordStatementModel {
  @Field() statement: string;
  @Field({ description: 'when the subject made it; a later statement replaces it' }) madeAt: Date;
}

export function toRecordStatementModel(s: RecordStatement): RecordStatementModel {
  return Object.assign(new RecordStatementModel(), { statement: s.statement, madeAt: s.madeAt });
}
