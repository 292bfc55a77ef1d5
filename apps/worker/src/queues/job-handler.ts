import { SetMetadata } from '@nestjs/common';
import type { JobName, JobPayloads } from '@app/jobs';
import type { Job } from 'bullmq';

export const HANDLES_JOB = Symbol('HANDLES_JOB');

/** A provider that runs one kind of job. Handlers are idempotent: delivery is at least once. */
export interface JobHandler<N extends JobName = JobName> {
  handle(job: Job<JobPayloads[N], unknown, N>): Promise<unknown>;
}

/** Marks a provider as the handler of `name`; the worker finds it at start. */
export const HandlesJob = (name: JobName): ClassDecorator => SetMetadata(HANDLES_JOB, name);

/**
 * Every job name must have exactly one handler, or the worker refuses to start: a job
 * without one would wait forever, a job with two would run either.
 */
export function handlerProblems(jobNames: readonly JobName[], found: readonly { name: JobName; handler: string }[]): string[] {
  const problems: string[] = [];
  for (const name of jobNames) {
    const owners = found.filter((f) => f.name === name).map((f) => f.handler);
    if (owners.length === 0) problems.push(`no handler for job ${name}`);
    if (owners.length > 1) problems.push(`job ${name} has ${owners.length} handlers: ${owners.join(', ')}`);
  }
  for (const f of found) if (!jobNames.includes(f.name)) problems.push(`${f.handler} handles unknown job ${f.name}`);
  return problems;
}
