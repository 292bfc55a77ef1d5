import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DELIVERY_HEADER } from '@app/domain';
import { JobName, QueueName } from '@app/jobs';
import { OutboxRepository } from '@app/persistence';
import { Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import type { DataSource } from 'typeorm';
import { fixtures, grant, type Receiver, startReceiver } from '../bank/bank-support';
import { DISPUTE, reportTrade } from '../records/records-support';
import { movableClock } from '../support/api';
import { createWorld, type World } from '../support/world';
import { eventually, type IsolatedPipeline, isolatedPipeline, type RunningWorker } from './pipeline-support';

/**
 * Reliability scenario 7, duplicate delivery (docs/reliability-anchors.md): one outbox row
 * relayed three times by the worker's real relay, the way a relay that died between Redis
 * and its commit leaves it (`sent_at` back to NULL): once while the first job is still kept
 * in Redis, and once after its completed job was removed, as `removeOnComplete` does after
 * its age or count. Then no job id or deduplication id is left to absorb the row: a new job
 * runs and only the consumer's own keys stand between it and a second effect.
 *
 * Every run of a job is counted from BullMQ's own `completed` events (with the job's name,
 * data, attempts and return value), so the test shows that the consumer really ran again
 * and did nothing the second time, rather than that Redis swallowed the duplicate.
 */

const DAY_MS = 86_400_000;
const WATCH = 'mutation($c: String!) { watchCompany(creditCode: $c) { id } }';
const SET_ENDPOINT = 'mutation($u: String!) { setWebhookEndpoint(url: $u) { endpoint { id } } }';

/** One finished run of a job, as BullMQ reported it. */
interface Run {
  readonly jobId: string;
  readonly name: string;
  readonly data: Record<string, unknown>;
  readonly attemptsMade: number;
  readonly returnvalue: unknown;
}

describe('duplicate delivery: an outbox row relayed three times has one effect', () => {
  let pipeline: IsolatedPipeline;
  let worker: RunningWorker;
  let world: World;
  let ds: DataSource;
  let connection: IORedis;
  const queues = new Map<QueueName, Queue>();
  const listeners: { events: QueueEvents; connection: IORedis }[] = [];
  const runs = new Map<QueueName, Run[]>();
  /** job lookups started by `completed` events, awaited before the runs are read */
  const lookups: Promise<void>[] = [];
  /** `queue:jobId` of every add that found its job id taken (BullMQ's `duplicated` event) */
  const duplicated: string[] = [];
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    pipeline = await isolatedPipeline('duplicate_delivery');
    ds = pipeline.api.dataSource;
    connection = new IORedis(pipeline.config.redisUrl, { maxRetriesPerRequest: null });
    for (const name of [QueueName.DELIVERIES, QueueName.WEBHOOKS, QueueName.RECORDS]) {
      const queue = new Queue(name, { connection, prefix: pipeline.config.queuePrefix });
      queues.set(name, queue);
      runs.set(name, []);
      // QueueEvents blocks on its connection: one each; listening from before the worker starts
      const own = new IORedis(pipeline.config.redisUrl, { maxRetriesPerRequest: null });
      const events = new QueueEvents(name, { connection: own, prefix: pipeline.config.queuePrefix });
      events.on('completed', ({ jobId, returnvalue }) => {
        // the job is still in Redis here: completed jobs are kept an hour, and this test removes them only after it saw them
        lookups.push(
          queue.getJob(jobId).then((job) => {
            (runs.get(name) as Run[]).push({ jobId, name: job?.name ?? '?', data: job?.data ?? {}, attemptsMade: job?.attemptsMade ?? -1, returnvalue });
          }),
        );
      });
      events.on('duplicated', ({ jobId }) => duplicated.push(`${name}:${jobId}`));
      await events.waitUntilReady();
      listeners.push({ events, connection: own });
    }
    worker = await pipeline.startWorker();
    world = await createWorld(pipeline.api);
    receivers.push(await startReceiver(), await startReceiver());
  }, 30_000);

  afterAll(async () => {
    await worker?.close();
    for (const l of listeners) {
      await l.events.close().catch(() => undefined);
      l.connection.disconnect();
    }
    for (const q of queues.values()) await q.close().catch(() => undefined);
    connection?.disconnect();
    for (const r of receivers) await r.close();
    await pipeline?.api.close();
    await pipeline?.drop();
  });

  const queue = (name: QueueName): Queue => queues.get(name) as Queue;

  async function runsOf(name: QueueName, match: (run: Run) => boolean): Promise<Run[]> {
    await Promise.all(lookups);
    return (runs.get(name) as Run[]).filter(match);
  }

  async function waitForRuns(name: QueueName, count: number, match: (run: Run) => boolean, what: string): Promise<Run[]> {
    return eventually(async () => {
      const found = await runsOf(name, match);
      return found.length >= count ? found : undefined;
    }, 15_000, what);
  }

  /** What a relay that died between Redis and its commit leaves behind, then the relay's next pass. */
  async function relayAgain(outboxId: string): Promise<void> {
    await ds.query('UPDATE outbox SET sent_at = NULL WHERE id = $1', [outboxId]);
    await worker.relay.drainNow();
    const [row]: { sent: boolean }[] = await ds.query('SELECT sent_at IS NOT NULL AS sent FROM outbox WHERE id = $1', [outboxId]);
    expect(row.sent).toBe(true);
  }

  /** What removeOnComplete does once a completed job is past its age or count. */
  async function removeCompleted(name: QueueName, jobId: string): Promise<void> {
    const removed = await queue(name).clean(0, 10_000, 'completed');
    expect(removed).toContain(jobId);
    expect(await queue(name).getJob(jobId)).toBeUndefined();
  }

  /**
   * Nothing waiting, running or waiting for a retry (a job scheduler's next run, the daily
   * maintenance, is delayed for good): any effect still to come has happened.
   */
  async function settled(name: QueueName): Promise<void> {
    await eventually(async () => {
      const counts = await queue(name).getJobCounts('waiting', 'active', 'prioritized');
      const delayed = (await queue(name).getJobs(['delayed'], 0, 1_000)).filter((j) => j && !j.repeatJobKey);
      return Object.values(counts).every((n) => n === 0) && delayed.length === 0 ? true : undefined;
    }, 15_000, `the ${name} queue to drain`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  async function outboxAttempts(outboxId: string): Promise<number> {
    const [row]: { attempts: number }[] = await ds.query('SELECT attempts FROM outbox WHERE id = $1', [outboxId]);
    return row.attempts;
  }

  it('a rating-changed.v1 row relayed 3 times (the last after its job was removed) reaches each bank once: one delivery, one signed POST, one alert inquiry', async () => {
    const company = await world.factories.company(world.home.consortium.id);
    const member = await world.signIn(await world.factories.user('MEMBER', { companyId: company.id }));
    const banks = [world.banker, world.otherBanker];
    const endpoints: string[] = [];
    for (const [i, banker] of banks.entries()) {
      await grant(member, banker.user.bankId as string, 'RATING');
      await banker.client.ok(WATCH, { c: company.creditCode });
      endpoints.push((await banker.client.ok<{ setWebhookEndpoint: { endpoint: { id: string } } }>(SET_ENDPOINT, { u: receivers[i].url })).setWebhookEndpoint.endpoint.id);
    }
    const previous = await fixtures(pipeline.api).rating(company, { grade: 'BBB', score: 712 });
    const event = await fixtures(pipeline.api).ratingChange(company, previous, { grade: 'BB', score: 655 });
    const eventId = String(event.id);
    // the row the rating computer writes with the event
    await ds.transaction((tx) => new OutboxRepository().add(tx, [{ job: JobName.RATING_CHANGED, payload: { eventId } }]));
    const [{ id: outboxId }]: { id: string }[] = await ds.query(`SELECT id FROM outbox WHERE job_name = $1 AND payload->>'eventId' = $2`, [JobName.RATING_CHANGED, eventId]);
    const ofEvent = (run: Run): boolean => run.name === JobName.RATING_CHANGED && String(run.data.eventId) === eventId;
    const deliveries = async (): Promise<{ id: string; endpoint_id: string; status: string; attempts: number }[]> =>
      ds.query(
        `SELECT d.id, d.endpoint_id, d.status, (SELECT count(*)::int FROM webhook_attempts a WHERE a.delivery_id = d.id) AS attempts
         FROM webhook_deliveries d WHERE d.event_id = $1 ORDER BY d.endpoint_id`,
        [eventId],
      );

    // relay 1: the row as written (the relay takes it on NOTIFY; drainNow makes sure)
    await worker.relay.drainNow();
    const [first] = await waitForRuns(QueueName.DELIVERIES, 1, ofEvent, 'the first fan-out');
    // both webhook jobs seen complete before any is removed: each run is read from its job
    await waitForRuns(QueueName.WEBHOOKS, 2, (r) => r.name === JobName.DELIVER_WEBHOOK, 'both webhook jobs');
    for (const r of receivers) await r.waitFor(1);

    // relay 2, the first job still kept as completed. Its deduplication id (`event-<id>`)
    // was released when it completed, so this is a new job, and the fan-out runs again
    await relayAgain(outboxId);
    expect(await queue(QueueName.DELIVERIES).getJob(first.jobId)).toBeDefined();
    const twice = await waitForRuns(QueueName.DELIVERIES, 2, ofEvent, 'the second fan-out');
    expect(twice[1].jobId).not.toBe(first.jobId);

    // relay 3, after removeOnComplete: the first job (and the webhook jobs) are gone from Redis
    await removeCompleted(QueueName.DELIVERIES, first.jobId);
    await relayAgain(outboxId);
    await waitForRuns(QueueName.DELIVERIES, 3, ofEvent, 'the third fan-out');
    await settled(QueueName.DELIVERIES);

    // three relays, three runs of the fan-out, each a single attempt (not a retry), each seeing both banks
    expect(await outboxAttempts(outboxId)).toBe(3);
    const fanOuts = await runsOf(QueueName.DELIVERIES, ofEvent);
    expect(fanOuts).toHaveLength(3);
    expect(new Set(fanOuts.map((r) => r.jobId)).size).toBe(3);
    expect(fanOuts.map((r) => r.attemptsMade)).toEqual([1, 1, 1]);
    const bankIds = banks.map((b) => b.user.bankId).sort();
    const results = fanOuts.map((r) => r.returnvalue as { banks: string[]; deliveries: string[] });
    expect(results.map((r) => [...r.banks].sort())).toEqual([bankIds, bankIds, bankIds]);
    // only the first created deliveries to send; the others found them delivered
    expect(results.map((r) => r.deliveries.length)).toEqual([2, 0, 0]);

    // the effects, once each: a delivery row per endpoint, one attempt each, one webhook job run each
    const rows = await deliveries();
    expect(rows.map((d) => d.endpoint_id)).toEqual([...endpoints].sort());
    expect(rows.map((d) => [d.status, d.attempts])).toEqual([
      ['DELIVERED', 1],
      ['DELIVERED', 1],
    ]);
    const sends = await runsOf(QueueName.WEBHOOKS, (r) => r.name === JobName.DELIVER_WEBHOOK && rows.some((d) => d.id === r.data.deliveryId));
    expect(sends.map((r) => [r.data.deliveryId, r.returnvalue]).sort()).toEqual(rows.map((d) => [d.id, 'DELIVERED']).sort());
    // one signed POST reached each bank's receiver, for its own delivery
    for (const [i, receiver] of receivers.entries()) {
      expect(receiver.requests).toHaveLength(1);
      const delivery = rows.find((d) => d.endpoint_id === endpoints[i]);
      expect(receiver.requests[0].headers[DELIVERY_HEADER.toLowerCase()]).toBe(delivery?.id);
      expect(JSON.parse(receiver.requests[0].body)).toMatchObject({ id: `evt_${eventId}` });
    }
    // one alert per bank, recorded as the company's inquiry
    const alerts: { bank_id: string }[] = await ds.query(`SELECT bank_id FROM inquiries WHERE event_id = $1 AND channel = 'ALERT' ORDER BY bank_id`, [eventId]);
    expect(alerts.map((a) => a.bank_id)).toEqual(bankIds);
  });

  it('a dispute-deadline.v1 row relayed 3 times: job-id deduplication absorbs the second, the third runs again and raises nothing', async () => {
    const { home } = world;
    // the dispute was opened 21 days ago (the API's clock): both of its timers are due
    const opened = new Date(Date.now() - 21 * DAY_MS);
    const apiClock = movableClock(pipeline.api, opened);
    let recordId: string;
    try {
      recordId = (await reportTrade(home.memberA.client, home.companyB.creditCode)).id;
      await home.memberB.client.ok(DISPUTE, { id: recordId, reason: '金额与合同不符' });
    } finally {
      apiClock.restore();
    }
    const timers: { id: string; stage: string }[] = await ds.query(
      `SELECT id, payload->>'stage' AS stage FROM outbox WHERE job_name = $1 AND payload->>'recordId' = $2 ORDER BY run_at`,
      [JobName.DISPUTE_DEADLINE, recordId],
    );
    expect(timers.map((t) => t.stage)).toEqual(['alert', 'escalate']);
    const outboxId = timers[0].id;
    const jobId = `outbox-${outboxId}`;
    const ofTimer = (run: Run): boolean => run.jobId === jobId;
    const stageEffects = async (): Promise<{ notices: string[]; alertedAudit: number; alertedAt: Date | null }> => {
      const notices: { kind: string }[] = await ds.query('SELECT kind FROM notices WHERE record_id = $1 ORDER BY kind', [recordId]);
      const [dispute]: { id: string; alerted_at: Date | null }[] = await ds.query('SELECT id, alerted_at FROM disputes WHERE record_id = $1', [recordId]);
      const [audit]: { n: number }[] = await ds.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'dispute.alerted' AND (content::jsonb -> 'details' ->> 'disputeId') = $1`,
        [dispute.id],
      );
      return { notices: notices.map((n) => n.kind), alertedAudit: audit.n, alertedAt: dispute.alerted_at };
    };

    // relay 1: both timers run at once
    await worker.relay.drainNow();
    await waitForRuns(QueueName.RECORDS, 1, ofTimer, 'the alert timer');
    await waitForRuns(QueueName.RECORDS, 1, (r) => r.jobId === `outbox-${timers[1].id}`, 'the escalation timer');
    const raised = await stageEffects();
    // the coordinator's three stages, and the filer's notice of the dispute (written when it opened)
    expect(raised).toMatchObject({ notices: ['DISPUTE_ALERT', 'DISPUTE_ESCALATED', 'DISPUTE_OPENED', 'FILING_DISPUTED'], alertedAudit: 1 });
    const kept = await queue(QueueName.RECORDS).getJob(jobId);
    expect(kept?.finishedOn).toBeDefined();

    // relay 2, the job still kept: its id is taken, so BullMQ adds nothing and runs nothing
    await relayAgain(outboxId);
    await eventually(async () => (duplicated.includes(`${QueueName.RECORDS}:${jobId}`) ? true : undefined), 5_000, 'the duplicated event');
    await settled(QueueName.RECORDS);
    expect(await runsOf(QueueName.RECORDS, ofTimer)).toHaveLength(1);
    const same = await queue(QueueName.RECORDS).getJob(jobId);
    expect([same?.finishedOn, same?.attemptsMade]).toEqual([kept?.finishedOn, 1]);

    // relay 3, after removeOnComplete: the id is free, a new job with it runs the handler again
    await removeCompleted(QueueName.RECORDS, jobId);
    await relayAgain(outboxId);
    await waitForRuns(QueueName.RECORDS, 2, ofTimer, 'the alert timer run again');
    await settled(QueueName.RECORDS);

    expect(await outboxAttempts(outboxId)).toBe(3);
    const alertRuns = await runsOf(QueueName.RECORDS, ofTimer);
    expect(alertRuns.map((r) => [r.name, r.attemptsMade, r.returnvalue])).toEqual([
      [JobName.DISPUTE_DEADLINE, 1, 'raised'],
      [JobName.DISPUTE_DEADLINE, 1, 'already-raised'],
    ]);
    // one notice per stage, one audit entry, the alert's time unchanged
    expect(await stageEffects()).toEqual(raised);
  });
});
