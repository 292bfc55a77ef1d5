import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobName, QueueName } from '@app/jobs';
import { testConfig } from '@app/testing';
import type { AppConfig } from '@app/config';
import { Job, Queue } from 'bullmq';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { RatingChangedHandler } from '@worker/monitoring/monitoring.handlers';
import { type RunningApi, startApi } from '../support/api';
import { createWorld, type World } from '../support/world';
import { fixtures, freshCompany, subscribe, until } from './bank-support';
import { type MonitoringWorker, startMonitoringWorker } from './monitoring-worker';

const EVENTS = 'subscription { ratingChanged { eventId companyId newGrade } }';

/**
 * rating-changed.v1 publishes its event to the ratingChanged subscription whichever attempt
 * first gets that far, and only once. The worker here has a pool of one connection, which
 * the test takes, so an attempt fails before publishing as it does when the pool is
 * exhausted (after the pool's 5 s wait for a connection).
 */
describe('rating-changed.v1 retried: the ratingChanged subscription gets the event once', () => {
  let api: RunningApi;
  let world: World;
  let worker: MonitoringWorker;
  let config: AppConfig;

  beforeAll(async () => {
    api = await startApi();
    world = await createWorld(api);
    config = testConfig({ DB_POOL_SIZE: '1', INQUIRY_SEAL_INTERVAL_MS: '600000' });
    worker = await startMonitoringWorker(config);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  it('a first attempt that fails before publishing: the retry publishes, once; a retry after the publish does not publish again', async () => {
    const { company, member } = await freshCompany(world);
    const events = await subscribe<{ ratingChanged: { eventId: string; companyId: string; newGrade: string } }>(api.url, member.token, EVENTS);
    const connection = new IORedis(config.redisUrl, { maxRetriesPerRequest: 1 });
    const deliveries = new Queue(QueueName.DELIVERIES, { connection, prefix: config.queuePrefix });
    const held = worker.app.get(DataSource).createQueryRunner();
    try {
      await held.connect();
      const previous = await fixtures(api).rating(company, { grade: 'BBB', score: 712 });
      const event = await fixtures(api).ratingChange(company, previous, { grade: 'BB', score: 655 });
      await worker.relay(JobName.RATING_CHANGED, { eventId: event.id });
      const jobId = `event-${event.id}`;

      // the first attempt finds no connection and fails; nothing was published
      await until(() => deliveries.getJob(jobId), (job) => (job?.attemptsMade ?? 0) >= 1);
      expect(events.received).toEqual([]);
      await held.release();

      // the retry publishes
      expect((await events.next()).ratingChanged).toEqual({ eventId: event.id, companyId: company.id, newGrade: 'BB' });
      await until(async () => (await deliveries.getJob(jobId))?.getState(), (state) => state === 'completed');

      // a retry of the job after its publish (its fan-out had failed, say) publishes nothing more
      await worker.app.get(RatingChangedHandler).handle((await Job.fromId(deliveries, jobId)) as never);
      await new Promise((r) => setTimeout(r, 400));
      expect(events.received).toEqual([]);
      expect(events.errors).toEqual([]);
    } finally {
      if (!held.isReleased) await held.release();
      await events.close();
      await deliveries.close();
      connection.disconnect();
    }
  });
});
