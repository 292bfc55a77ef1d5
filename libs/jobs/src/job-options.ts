import { JOBS, type JobName, type JobPayloads, RETENTION } from './jobs';

/** BullMQ's job options as the relay passes them (a plain object: this lib does not import BullMQ). */
export interface RelayJobOptions {
  readonly attempts: number;
  /** `capped`: the worker's backoff strategy (cappedBackoffDelay with the job's backoffCapMs) */
  readonly backoff: { readonly type: 'exponential' | 'capped'; readonly delay: number };
  readonly delay: number;
  readonly jobId?: string;
  readonly deduplication?: { readonly id: string; readonly keepLastIfActive: true };
  readonly removeOnComplete: typeof RETENTION.removeOnComplete;
  readonly removeOnFail: typeof RETENTION.removeOnFail;
}

/**
 * The options of the job an outbox row becomes. A job with a deduplication id has at most
 * one waiting and one running copy (BullMQ's keepLastIfActive): a burst of changes to one
 * company costs one or two recomputes, the last one starting after the last change
 * committed. Others take the outbox row's id as job id, so a row relayed twice (a relay
 * that died between Redis and its commit) is one job. Debounced jobs wait `debounceMs`.
 */
export function relayJobOptions<N extends JobName>(name: N, payload: JobPayloads[N], outboxId: string, delayMs: number): RelayJobOptions {
  const spec = JOBS[name];
  const dedupId = (spec.dedupId as ((p: JobPayloads[N]) => string) | undefined)?.(payload);
  return {
    attempts: spec.attempts,
    backoff: { type: spec.backoffCapMs ? 'capped' : 'exponential', delay: spec.backoffMs },
    delay: Math.max(0, Math.round(delayMs), spec.debounceMs ?? 0),
    ...(dedupId ? { deduplication: { id: dedupId, keepLastIfActive: true as const } } : { jobId: `outbox-${outboxId}` }),
    ...RETENTION,
  };
}
