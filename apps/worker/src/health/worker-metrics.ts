import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The worker's own Prometheus series, served on its health port at /metrics. */
@Injectable()
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly jobDuration = new Histogram({
    name: 'ca_job_duration_seconds',
    help: 'how long jobs ran, by job name and outcome',
    labelNames: ['job', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    registers: [this.registry],
  });

  readonly activeJobs = new Gauge({ name: 'ca_worker_active_jobs', help: 'jobs running in this worker now', registers: [this.registry] });

  readonly relayed = new Counter({ name: 'ca_outbox_relayed_total', help: 'outbox rows moved to BullMQ by this worker', registers: [this.registry] });

  readonly relayFailures = new Counter({
    name: 'ca_outbox_relay_failures_total',
    help: 'relay batches that failed (Redis or PostgreSQL unreachable); their rows stay in the outbox',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ca_worker_' });
  }
}
