import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from '@app/domain';
import { ALL_QUEUES, QueueName } from '@app/jobs';
import { OutboxRepository } from '@app/persistence';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { MetricsService } from '@api/metrics/metrics.service';
import { PipelineQueues, within } from './pipeline-queues';

/** The job states a scrape reports, per queue. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

/** Each source gets this long per scrape: a scrape answers within about 2 s whatever is down. */
const SOURCE_TIMEOUT_MS = 1_500;

interface Sample {
  /** per queue, its counts; a queue whose Redis did not answer is missing */
  readonly counts: ReadonlyMap<QueueName, Readonly<Record<string, number>>>;
  readonly oldestWaitingJobAgeSeconds: number | null;
  readonly outboxAgeSeconds: number | null;
  readonly outboxUnsent: number | null;
}

/**
 * Queue depths and the recompute lag, read when Prometheus scrapes: ca_queue_jobs,
 * ca_recompute_lag_seconds (the older of the oldest due unsent outbox row and the oldest
 * waiting job of the ratings queue) and ca_outbox_unsent. Each source is read with a
 * timeout, so a scrape while Redis or PostgreSQL is down still answers, with what it could read.
 */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  private pending: Promise<Sample> | null = null;

  constructor(
    private readonly metrics: MetricsService,
    private readonly queues: PipelineQueues,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const sample = () => this.sample();
    const registers = [this.metrics.registry];
    new Gauge({
      name: 'ca_queue_jobs',
      help: 'BullMQ jobs by queue and state, read at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers,
      async collect() {
        this.reset();
        const { counts } = await sample();
        for (const [queue, byState] of counts) for (const state of QUEUE_STATES) this.set({ queue, state }, byState[state] ?? 0);
      },
    });
    new Gauge({
      name: 'ca_recompute_lag_seconds',
      help: 'age of the oldest due unsent outbox row or waiting ratings job, whichever is older',
      registers,
      async collect() {
        this.reset();
        const { outboxAgeSeconds, oldestWaitingJobAgeSeconds } = await sample();
        const known = [outboxAgeSeconds, oldestWaitingJobAgeSeconds].filter((v): v is number => v !== null);
        if (known.length) this.set(Math.max(...known));
      },
    });
    new Gauge({
      name: 'ca_outbox_unsent',
      help: 'outbox rows not yet relayed to BullMQ',
      registers,
      async collect() {
        this.reset();
        const { outboxUnsent } = await sample();
        if (outboxUnsent !== null) this.set(outboxUnsent);
      },
    });
  }

  /** One reading shared by the gauges of a scrape. */
  sample(): Promise<Sample> {
    this.pending ??= this.read().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async read(): Promise<Sample> {
    const db = this.dataSource.manager;
    const optional = <T>(work: () => Promise<T>): Promise<T | null> => within(SOURCE_TIMEOUT_MS, work()).catch(() => null);
    const [counts, oldestWaitingJobAgeSeconds, outboxAgeSeconds, outboxUnsent] = await Promise.all([
      Promise.all(ALL_QUEUES.map(async (name) => [name, await optional(() => this.queues.get(name).getJobCounts(...QUEUE_STATES))] as const)),
      optional(async () => {
        const [oldest] = await this.queues.get(QueueName.RATINGS).getWaiting(0, 0);
        return oldest ? Math.max(0, (this.clock.now().getTime() - oldest.timestamp) / 1000) : 0;
      }),
      optional(() => this.outbox.oldestUnsentAgeSeconds(db)),
      optional(() => this.outbox.countUnsent(db)),
    ]);
    return {
      counts: new Map(counts.filter((entry): entry is readonly [QueueName, Record<string, number>] => entry[1] !== null)),
      oldestWaitingJobAgeSeconds,
      outboxAgeSeconds,
      outboxUnsent,
    };
  }
}
