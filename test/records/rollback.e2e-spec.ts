import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Company } from '@app/domain';
import { ALL_QUEUES, JobName, QueueName } from '@app/jobs';
import { OutboxRepository } from '@app/persistence';
import { Factories, type GraphQLErrorShape, type GraphQLResponse } from '@app/testing';
import { type Job, type JobType, Queue } from 'bullmq';
import { WorkerMetrics } from '@worker/health/worker-metrics';
import { OutboxRelay } from '@worker/outbox/outbox-relay.service';
import { type IsolatedPipeline, isolatedPipeline } from '../pipeline/pipeline-support';
import { signIn, type SignedIn } from '../support/world';
import { CONFIRM, DISPUTE, REPORT_TRADE, reportTrade, type RecordShape, tradeInput, unique } from './records-support';

/**
 * Reliability scenario 10 (docs/reliability-anchors.md, "Rollback leaves no trace"): a
 * mutation that fails after its record insert, inside its transaction, leaves no record
 * row, no ledger row, no audit entry, no notice, no idempotency key, no outbox row and no
 * job; the caller gets a generic INTERNAL_SERVER_ERROR with an error id and nothing of the
 * fault itself.
 *
 * The fault is a real PostgreSQL error: a trigger this file adds on the outbox or the audit
 * log, raising only for rows that name this test's own company or record, dropped again in
 * `finally`. The file runs on a database and a Redis prefix of its own (isolatedPipeline), so
 * the counts it compares are the whole database's and every job in its queues is its own.
 *
 * The API runs no relay (STYLE.md: apps/api writes outbox rows, the worker relays them), so
 * this file starts the worker's real OutboxRelay, without the processors: what it relays stays
 * in the queues for the test to read. A retry after the fault is removed shows that the relay
 * does turn a committed change into a job, so "no job" after the fault means something.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FAULT_MESSAGE = 'rollback-probe injected fault';

/** Everything a records mutation may write, over the whole (isolated) database. */
const WRITES = `SELECT
  (SELECT count(*) FROM credit_record_versions)::int AS "recordVersions",
  (SELECT md5(coalesce(string_agg(record_id || ':' || version || ':' || status || ':' || is_current, ',' ORDER BY record_id, version), ''))
     FROM credit_record_versions) AS "versionStates",
  (SELECT count(*) FROM record_status_changes)::int AS "statusChanges",
  (SELECT count(*) FROM disputes)::int AS disputes,
  (SELECT count(*) FROM notices)::int AS notices,
  (SELECT count(*) FROM trade_matches)::int AS "tradeMatches",
  (SELECT count(*) FROM idempotency_keys)::int AS "idempotencyKeys",
  (SELECT count(*) FROM audit_log)::int AS "auditEntries",
  (SELECT max(seq) FROM audit_log) AS "auditHead",
  (SELECT count(*) FROM outbox)::int AS "outboxRows"`;

type Writes = Record<string, unknown>;

/** A creditor and a debtor of one consortium, each with a signed-in member: fresh for each test, so its rows name only it. */
interface Pair {
  readonly creditor: Company;
  readonly debtor: Company;
  readonly supplier: SignedIn;
  readonly buyer: SignedIn;
}

describe('rollback leaves no trace (reliability scenario 10)', () => {
  let pipeline: IsolatedPipeline;
  let factories: Factories;
  let relay: OutboxRelay;
  let queues: Queue[];

  beforeAll(async () => {
    pipeline = await isolatedPipeline(`rollback_${randomBytes(3).toString('hex')}`);
    factories = new Factories(pipeline.api.dataSource);
    relay = new OutboxRelay(pipeline.config, pipeline.api.dataSource, new OutboxRepository(), new WorkerMetrics());
    relay.onApplicationBootstrap();
    queues = ALL_QUEUES.map((name) => new Queue(name, { connection: { url: pipeline.config.redisUrl }, prefix: pipeline.config.queuePrefix }));
  });

  afterAll(async () => {
    await relay?.beforeApplicationShutdown();
    for (const queue of queues ?? []) {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    await pipeline?.api.close();
    await pipeline?.drop();
  });

  async function pair(): Promise<Pair> {
    const consortium = await factories.consortium();
    const creditor = await factories.company(consortium.id);
    const debtor = await factories.company(consortium.id);
    const api = pipeline.api;
    return {
      creditor,
      debtor,
      supplier: await signIn(api, await factories.user('MEMBER', { companyId: creditor.id })),
      buyer: await signIn(api, await factories.user('MEMBER', { companyId: debtor.id })),
    };
  }

  const writes = async (): Promise<Writes> => (await pipeline.api.dataSource.query(WRITES))[0] as Writes;

  async function count(sql: string, params: unknown[]): Promise<number> {
    const rows: { n: string }[] = await pipeline.api.dataSource.query(sql, params);
    return Number(rows[0].n);
  }

  /**
   * A BEFORE INSERT trigger on `table` that raises for rows matching `when` (a trigger WHEN
   * condition on NEW naming this test's ids only). Returns its removal.
   */
  async function injectFault(table: 'outbox' | 'audit_log', when: string): Promise<() => Promise<void>> {
    const name = `rollback_probe_${unique()}`;
    const db = pipeline.api.dataSource;
    await db.query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '${FAULT_MESSAGE} on % (SELECT * FROM %)', TG_TABLE_NAME, TG_TABLE_NAME; END $$`);
    await db.query(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION ${name}()`);
    return async () => {
      await db.query(`DROP TRIGGER IF EXISTS ${name} ON ${table}`);
      await db.query(`DROP FUNCTION IF EXISTS ${name}()`);
    };
  }

  const uuid = (id: string): string => {
    if (!UUID.test(id)) throw new Error(`not a uuid: ${id}`);
    return `'${id}'`;
  };

  /** Relays whatever the outbox holds, then answers every job in this file's queues. */
  async function relayedJobs(): Promise<Job[]> {
    await relay.drainNow();
    expect(await new OutboxRepository().countUnsent(pipeline.api.dataSource.manager)).toBe(0);
    const states: JobType[] = ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'completed', 'failed'];
    return (await Promise.all(queues.map((q) => q.getJobs(states, 0, -1)))).flat().filter((job): job is Job => Boolean(job));
  }

  /** Relays the set-up's rows and empties the queues: every job seen after this comes from the test's own mutation. */
  async function clearQueues(): Promise<void> {
    await relay.drainNow();
    for (const queue of queues) await queue.obliterate({ force: true });
    expect(await relayedJobs()).toEqual([]);
  }

  const naming = (jobs: Job[], id: string): Job[] => jobs.filter((job) => JSON.stringify(job.data).includes(id));

  /** The answer to a call that hit the fault: the generic code and an error id, nothing of SQL, tables, stack or the trigger. */
  function expectGenericInternalError(answer: GraphQLResponse<unknown>, field: string): string {
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors).toHaveLength(1);
    const error = (answer.errors as readonly GraphQLErrorShape[])[0];
    const errorId = error.extensions?.errorId as string;
    expect(errorId).toMatch(UUID);
    expect(error).toEqual({ message: `Unexpected error (reference ${errorId})`, path: [field], extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } });
    const body = JSON.stringify(answer);
    for (const leak of [
      FAULT_MESSAGE,
      'rollback_probe',
      'SELECT',
      'INSERT',
      'UPDATE',
      'unnest',
      'outbox',
      'audit_log',
      'trade_experiences',
      'record_status_changes',
      'idempotency_keys',
      'P0001',
      'QueryFailedError',
      'stack',
      '.ts:',
      '.js:',
    ]) {
      expect(body).not.toContain(leak);
    }
    expect(body).not.toMatch(/\bat \S+ \(/);
    return errorId;
  }

  it('reportTradeExperience: an outbox fault after the record, notice and audit inserts rolls all back; the same idempotency key then succeeds once', async () => {
    const { creditor, debtor, supplier } = await pair();
    // 39 days beyond terms: negative information, so the filing also writes a notice to the debtor
    const input = tradeInput(debtor.creditCode, { paidDate: '2025-03-20' });
    const key = `rollback-${unique()}`;
    await clearQueues();
    const before = await writes();

    // the outbox insert is the filing's last write: the record version, the notice, the audit entry and the idempotency key precede it
    const removeFault = await injectFault('outbox', `NEW.payload->>'companyId' = ${uuid(debtor.id)}`);
    try {
      const firstId = expectGenericInternalError(await supplier.client.request(REPORT_TRADE, { input, key }), 'reportTradeExperience');
      expect(await writes()).toEqual(before);
      // Sent again while the fault lasts, it fails again, with an id of its own to find its log line. Had the
      // version survived the first failure, this call would "succeed" as an identical resubmission that writes
      // nothing, so the filing's recompute would never be queued.
      const againId = expectGenericInternalError(await supplier.client.request(REPORT_TRADE, { input, key }), 'reportTradeExperience');
      expect(againId).not.toBe(firstId);
    } finally {
      await removeFault();
    }

    expect(await writes()).toEqual(before);
    expect(await count('SELECT count(*) AS n FROM trade_experiences WHERE invoice_no = $1', [input.invoiceNo])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM notices WHERE company_id = $1', [debtor.id])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM idempotency_keys WHERE actor_id = $1', [supplier.user.id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE company_id = $1`, [debtor.id])).toBe(0);
    expect(await relayedJobs()).toEqual([]);

    // the fault gone, the retry with the same key is a new request: it files the record once, with everything that goes with it
    const retried = await supplier.client.ok<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, { input, key });
    expect(retried.reportTradeExperience).toMatchObject({ status: 'PENDING', version: 1, negative: true, subject: { id: debtor.id } });
    const replay = await supplier.client.ok<{ reportTradeExperience: RecordShape }>(REPORT_TRADE, { input, key });
    expect(replay.reportTradeExperience).toEqual(retried.reportTradeExperience);
    expect(await count('SELECT count(*) AS n FROM trade_experiences WHERE invoice_no = $1', [input.invoiceNo])).toBe(1);
    expect(await count('SELECT count(*) AS n FROM notices WHERE company_id = $1', [debtor.id])).toBe(1);
    expect(await count('SELECT count(*) AS n FROM idempotency_keys WHERE actor_id = $1 AND key = $2', [supplier.user.id, key])).toBe(1);
    const after = await writes();
    expect(after).toMatchObject({
      recordVersions: (before.recordVersions as number) + 1,
      notices: (before.notices as number) + 1,
      idempotencyKeys: (before.idempotencyKeys as number) + 1,
      auditEntries: (before.auditEntries as number) + 1,
      // a recompute of the debtor and of the creditor
      outboxRows: (before.outboxRows as number) + 2,
    });
    // the relay does turn a committed filing into jobs: the empty queue above was no accident
    const jobs = await relayedJobs();
    expect(naming(jobs, debtor.id).map((j) => j.name)).toEqual([JobName.RECOMPUTE_COMPANY]);
    expect(naming(jobs, creditor.id).map((j) => j.name)).toEqual([JobName.RECOMPUTE_COMPANY]);
    expect(jobs.every((j) => j.queueName === QueueName.RATINGS)).toBe(true);
  });

  it('confirmRecord: an audit fault after the status update and the status-change insert rolls both back; the same key then confirms once', async () => {
    const { debtor, supplier, buyer } = await pair();
    const record = await reportTrade(supplier.client, debtor.creditCode);
    const key = `rollback-${unique()}`;
    await clearQueues();
    const before = await writes();
    const changesOf = (): Promise<number> => count('SELECT count(*) AS n FROM record_status_changes WHERE record_id = $1', [record.id]);

    // only the status entry of this record's subject: the filing's own audit entry above went through
    const removeFault = await injectFault('audit_log', `NEW.company_id = ${uuid(debtor.id)} AND NEW.action = 'record.status'`);
    try {
      expectGenericInternalError(await buyer.client.request(CONFIRM, { id: record.id, key }), 'confirmRecord');
    } finally {
      await removeFault();
    }

    expect(await writes()).toEqual(before);
    expect(await changesOf()).toBe(0);
    const state: { status: string; is_current: boolean }[] = await pipeline.api.dataSource.query('SELECT status, is_current FROM trade_experiences WHERE record_id = $1', [record.id]);
    expect(state).toEqual([{ status: 'PENDING', is_current: true }]);
    expect(await count('SELECT count(*) AS n FROM idempotency_keys WHERE actor_id = $1', [buyer.user.id])).toBe(0);
    expect(await relayedJobs()).toEqual([]);

    const confirmed = await buyer.client.ok<{ confirmRecord: RecordShape }>(CONFIRM, { id: record.id, key });
    expect(confirmed.confirmRecord).toMatchObject({ id: record.id, status: 'VERIFIED', version: 1 });
    expect(await changesOf()).toBe(1);
    expect(await count('SELECT count(*) AS n FROM idempotency_keys WHERE actor_id = $1 AND key = $2', [buyer.user.id, key])).toBe(1);
    expect(await writes()).toMatchObject({
      statusChanges: (before.statusChanges as number) + 1,
      auditEntries: (before.auditEntries as number) + 1,
      idempotencyKeys: (before.idempotencyKeys as number) + 1,
      outboxRows: (before.outboxRows as number) + 2,
    });
    expect(naming(await relayedJobs(), debtor.id).map((j) => j.name)).toEqual([JobName.RECOMPUTE_COMPANY]);
  });

  it('disputeRecord: a fault on its last outbox row rolls back the dispute, the status change, the notice, the audit entries and the rows before it', async () => {
    const { debtor, supplier, buyer } = await pair();
    const record = await reportTrade(supplier.client, debtor.creditCode);
    await clearQueues();
    const before = await writes();
    const reason = `发票金额有误 ${unique()}`;

    // the outbox insert writes the recompute rows first, then the two deadline timers: fail on the last one, the escalation
    const removeFault = await injectFault('outbox', `NEW.job_name = '${JobName.DISPUTE_DEADLINE}' AND NEW.payload->>'recordId' = ${uuid(record.id)} AND NEW.payload->>'stage' = 'escalate'`);
    try {
      expectGenericInternalError(await buyer.client.request(DISPUTE, { id: record.id, reason }), 'disputeRecord');
    } finally {
      await removeFault();
    }

    expect(await writes()).toEqual(before);
    expect(await count('SELECT count(*) AS n FROM disputes WHERE record_id = $1', [record.id])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM notices WHERE record_id = $1', [record.id])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM record_status_changes WHERE record_id = $1', [record.id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM outbox WHERE payload->>'recordId' = $1`, [record.id])).toBe(0);
    expect(await relayedJobs()).toEqual([]);

    // a dispute still opens afterwards: nothing half-written (an open dispute, a DISPUTED status) stands in its way
    const disputed = await buyer.client.ok<{ disputeRecord: RecordShape }>(DISPUTE, { id: record.id, reason });
    expect(disputed.disputeRecord).toMatchObject({ id: record.id, status: 'DISPUTED', dispute: { reason } });
    expect(await count('SELECT count(*) AS n FROM disputes WHERE record_id = $1', [record.id])).toBe(1);
    const jobs = await relayedJobs();
    expect(naming(jobs, record.id).map((j) => (j.data as { stage: string }).stage).sort()).toEqual(['alert', 'escalate']);
  });
});
