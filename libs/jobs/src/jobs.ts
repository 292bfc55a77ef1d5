/**
 * Queue and job names live in Redis: once released they never change. A job whose payload
 * changes gets a new versioned name (`recompute-company.v2`), and both are handled until
 * the old one has drained. Payloads carry ids only: Redis keeps them in clear text.
 */
export const QueueName = {
  /** ratings: one company, a consortium's standing, the full recompute */
  RATINGS: 'ratings',
  /** records: imports, dispute deadlines, notices, time-driven expiry */
  RECORDS: 'records',
  /** rating-changed fan-out: subscriptions and bank monitoring (alerts, webhook deliveries created) */
  DELIVERIES: 'deliveries',
  /**
   * webhook POSTs to banks' endpoints, apart from the fan-out: a receiver that hangs holds
   * slots of this queue only (and at most WEBHOOK_ENDPOINT_CONCURRENCY of them), never the
   * fan-out's. deliver-webhook.v1 jobs left on `deliveries` by an older release still run there.
   */
  WEBHOOKS: 'webhooks',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  RECOMPUTE_COMPANY: 'recompute-company.v1',
  RECOMPUTE_STANDING: 'recompute-standing.v1',
  FULL_RECOMPUTE: 'full-recompute.v1',
  /** the nightly scheduler's job: starts (or joins) a full recompute run and queues its lanes */
  START_FULL_RECOMPUTE: 'start-full-recompute.v1',
  IMPORT_RECORDS: 'import-records.v1',
  DISPUTE_DEADLINE: 'dispute-deadline.v1',
  DAILY_MAINTENANCE: 'daily-maintenance.v1',
  /** fans a RatingChanged event out to subscriptions and bank monitoring */
  RATING_CHANGED: 'rating-changed.v1',
  DELIVER_WEBHOOK: 'deliver-webhook.v1',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** The payload of each job: ids and small parameters, never credit data. */
export interface JobPayloads {
  [JobName.RECOMPUTE_COMPANY]: { readonly companyId: string; readonly reason: string };
  [JobName.RECOMPUTE_STANDING]: { readonly consortiumId: string };
  /** lane: one of the run's parallel jobs (each may go to another worker) */
  [JobName.FULL_RECOMPUTE]: { readonly runId: string; readonly lane: number };
  [JobName.START_FULL_RECOMPUTE]: { readonly trigger: 'SCHEDULE' };
  [JobName.IMPORT_RECORDS]: { readonly importId: string };
  [JobName.DISPUTE_DEADLINE]: { readonly recordId: string; readonly stage: 'alert' | 'escalate' };
  /** `day` empty: the day it runs; `coverFrom`: a late run (a catch-up) covers the time changes from that day on */
  [JobName.DAILY_MAINTENANCE]: { readonly day: string; readonly coverFrom?: string };
  [JobName.RATING_CHANGED]: { readonly eventId: string };
  [JobName.DELIVER_WEBHOOK]: { readonly deliveryId: string };
}

export type JobPayload<N extends JobName> = JobPayloads[N];

export interface JobSpec {
  readonly queue: QueueName;
  readonly attempts: number;
  /** exponential backoff seed, ms: delays of seed, 2*seed, 4*seed... */
  readonly backoffMs: number;
  /**
   * the longest wait between two attempts, ms: a recompute retried through a long database
   * outage keeps trying every `backoffCapMs` instead of waiting longer each time, so it
   * runs within that long of the database's return (BullMQ backoff type `capped`)
   */
  readonly backoffCapMs?: number;
  /** BullMQ deduplication id for a payload: at most one waiting job per id, latest data wins */
  readonly dedupId?: (payload: never) => string;
  /** debounce: wait this long for more of the same before running */
  readonly debounceMs?: number;
}

const DAY_MS = 86_400_000;

/** One map from job name to queue and default options, shared by producer and consumer. */
export const JOBS: { readonly [N in JobName]: JobSpec & { readonly dedupId?: (payload: JobPayloads[N]) => string } } = {
  // 1, 2, 4, 8, then every 15 s: 30 attempts ride out about 6 minutes of outage
  [JobName.RECOMPUTE_COMPANY]: { queue: QueueName.RATINGS, attempts: 30, backoffMs: 1_000, backoffCapMs: 15_000, dedupId: (p) => `company-${p.companyId}` },
  [JobName.RECOMPUTE_STANDING]: {
    queue: QueueName.RATINGS,
    attempts: 30,
    backoffMs: 1_000,
    backoffCapMs: 15_000,
    dedupId: (p) => `standing-${p.consortiumId}`,
    debounceMs: 2_000,
  },
  [JobName.FULL_RECOMPUTE]: { queue: QueueName.RATINGS, attempts: 20, backoffMs: 5_000, dedupId: (p) => `full-${p.runId}-${p.lane}` },
  [JobName.START_FULL_RECOMPUTE]: { queue: QueueName.RATINGS, attempts: 10, backoffMs: 10_000 },
  [JobName.IMPORT_RECORDS]: { queue: QueueName.RECORDS, attempts: 5, backoffMs: 2_000, dedupId: (p) => `import-${p.importId}` },
  [JobName.DISPUTE_DEADLINE]: { queue: QueueName.RECORDS, attempts: 10, backoffMs: 5_000 },
  [JobName.DAILY_MAINTENANCE]: { queue: QueueName.RECORDS, attempts: 10, backoffMs: 60_000, dedupId: (p) => `daily-${p.day}` },
  [JobName.RATING_CHANGED]: { queue: QueueName.DELIVERIES, attempts: 10, backoffMs: 2_000, dedupId: (p) => `event-${p.eventId}` },
  // 30 s, 1 min, 2 min ... 4 h 16 min, then never more than 6 h: the 11 retries of the 12
  // attempts wait 30 s * (2^10 - 1) + 6 h in all, the last one about 14.5 hours after the first
  // (the worker enqueues with WEBHOOK_ATTEMPTS and WEBHOOK_BACKOFF_MS; the cap holds for any)
  [JobName.DELIVER_WEBHOOK]: { queue: QueueName.WEBHOOKS, attempts: 12, backoffMs: 30_000, backoffCapMs: 6 * 3_600_000 },
};

/** Completed jobs are kept an hour (for Bull Board), failed ones a week, for inspection. */
export const RETENTION = {
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * DAY_MS / 1000, count: 100_000 },
} as const;

/** The wait before the next attempt of a `capped` backoff: seed, 2*seed, 4*seed..., never above the cap. */
export function cappedBackoffDelay(attemptsMade: number, seedMs: number, capMs: number): number {
  return Math.min(capMs, seedMs * 2 ** Math.max(0, Math.min(30, attemptsMade - 1)));
}

/**
 * The Workers' backoff strategy (BullMQ `settings.backoffStrategy`) for type `capped`: the
 * job's own seed (its `backoff.delay`, else its JOBS seed), doubling, never above its JOBS
 * `backoffCapMs`. 0 for another type or an unknown job.
 */
export function jobBackoffDelay(attemptsMade: number, type: string | undefined, job: { readonly name: string; readonly opts?: { readonly backoff?: number | { readonly delay?: number } } } | undefined): number {
  const spec = job && job.name in JOBS ? JOBS[job.name as JobName] : undefined;
  if (type !== 'capped' || !spec) return 0;
  const backoff = job?.opts?.backoff;
  const seed = typeof backoff === 'object' && backoff.delay !== undefined ? backoff.delay : spec.backoffMs;
  return cappedBackoffDelay(attemptsMade, seed, spec.backoffCapMs ?? Number.MAX_SAFE_INTEGER);
}

export const ALL_JOB_NAMES: readonly JobName[] = Object.values(JobName);
export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);

export function jobsOfQueue(queue: QueueName): JobName[] {
  return ALL_JOB_NAMES.filter((name) => JOBS[name].queue === queue);
}
