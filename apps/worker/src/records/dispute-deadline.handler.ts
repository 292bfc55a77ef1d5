import { Injectable } from '@nestjs/common';
import { JobName } from '@app/jobs';
import type { Job } from 'bullmq';
import { HandlesJob, type JobHandler } from '../queues/job-handler';
import { DisputeDeadlines } from './dispute-deadlines.service';

type Name = typeof JobName.DISPUTE_DEADLINE;

@Injectable()
@HandlesJob(JobName.DISPUTE_DEADLINE)
export class DisputeDeadlineHandler implements JobHandler<Name> {
  constructor(private readonly deadlines: DisputeDeadlines) {}

  handle(job: Job<{ readonly recordId: string; readonly stage: 'alert' | 'escalate' }, unknown, Name>): Promise<unknown> {
    return this.deadlines.run(job.data.recordId, job.data.stage);
  }
}
