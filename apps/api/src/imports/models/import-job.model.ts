import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ImportKind, ImportStatus } from '@app/domain';
import type { ImportJob } from '@app/persistence';

registerEnumType(ImportKind, { name: 'ImportKind' });
registerEnumType(ImportStatus, { name: 'ImportStatus' });

@ObjectType('ImportRejection', { description: 'a line of an import that was not filed, and why' })
export class ImportRejectionModel {
  @Field(() => Int, { description: 'the physical line of the file, counting the header as 1' }) line: number;
  @Field(() => String, { nullable: true, description: 'the column at fault, when there is one' }) field: string | null;
  @Field() reason: string;
}

@ObjectType('ImportJob', { description: 'a CSV import: poll it for its progress, then read its rejected lines' })
export class ImportJobModel {
  @Field(() => ID) id: string;
  @Field(() => ImportKind) kind: ImportKind;
  @Field(() => ImportStatus) status: ImportStatus;
  @Field(() => Float, { description: 'bytes received' }) fileBytes: number;
  @Field(() => String, { nullable: true, description: "the file's SHA-256, as the audit log keeps it" }) fileSha256: string | null;
  @Field(() => Float, { description: 'bytes read so far' }) processedBytes: number;
  @Field(() => Float, { description: '0..1: the part of the file read and validated; 1 when completed' }) progress: number;
  @Field(() => Int, { description: 'data lines read so far' }) totalRows: number;
  @Field(() => Int, { description: 'lines filed as new records or versions' }) acceptedRows: number;
  @Field(() => Int, { description: 'lines equal to what the ledger already holds' }) unchangedRows: number;
  @Field(() => Int) rejectedRows: number;
  @Field(() => String, { nullable: true, description: 'why a FAILED import failed' }) error: string | null;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) startedAt: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt: Date | null;
  job: ImportJob;
}

export function toImportJobModel(job: ImportJob): ImportJobModel {
  const progress = job.status === 'COMPLETED' ? 1 : job.fileBytes > 0 ? Math.min(1, job.processedBytes / job.fileBytes) : 0;
  return Object.assign(new ImportJobModel(), { ...job, progress, job });
}
