import { Injectable } from '@nestjs/common';
import { JobName } from '@app/jobs';
import type { Job } from 'bullmq';
import { HandlesJob, type JobHandler } from '../queues/job-handler';
import { ImportProcessor } from './import-processor.service';

type Name = typeof JobName.IMPORT_RECORDS;

/** Runs an uploaded CSV import; the work is ImportProcessor's. The last failed attempt marks the import FAILED. */
@Injectable()
@HandlesJob(JobName.IMPORT_RECORDS)
export class ImportRecordsHandler implements JobHandler<Name> {
  constructor(private readonly processor: ImportProcessor) {}

  async handle(job: Job<{ readonly importId: string }, unknown, Name>): Promise<unknown> {
    try {
      const outcome = await this.processor.process(job.data.importId);
      return outcome && { accepted: outcome.accepted, rejected: outcome.rejectedRows, unchanged: outcome.unchanged };
    } catch (error) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await this.processor.fail(job.data.importId, error);
      throw error;
    }
  }
}
