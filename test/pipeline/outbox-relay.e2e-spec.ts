import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobName } from '@app/jobs';
import { OutboxRepository } from '@app/persistence';
import { Factories } from '@app/testing';
import type { DataSource } from 'typeorm';
import { type IsolatedPipeline, isolatedPipeline, type RunningWorker } from './pipeline-support';

interface OutboxState {
  readonly id: string;
  readonly sent: boolean;
  readonly attempts: number;
  readonly last_error: string | null;
}

/**
 * Rows the relay cannot relay: a job name this release does not know, as a newer API writes
 * during a rolling deploy (`recompute-company.v2` while the worker knows `.v1`). They are
 * left unsent for a worker that knows them, with their reason, and the rest still flow.
 */
describe('the outbox relay and rows naming a job it does not know', () => {
  let pipeline: IsolatedPipeline;
  let worker: RunningWorker;
  let ds: DataSource;

  beforeAll(async () => {
    // batches of two: three unknown rows are more than a batch
    pipeline = await isolatedPipeline('outbox_relay', { OUTBOX_RELAY_BATCH: '2' });
    ds = pipeline.api.dataSource;
    worker = await pipeline.startWorker();
  });

  afterAll(async () => {
    await worker?.close();
    await pipeline?.api.close();
    await pipeline?.drop();
  });

  const state = async (ids: string[]): Promise<OutboxState[]> =>
    ds.query('SELECT id, sent_at IS NOT NULL AS sent, attempts, last_error FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY id', [ids]);

  it('leaves them unsent with the reason, once, and relays the rows after them', async () => {
    const factories = new Factories(ds);
    const company = await factories.company((await factories.consortium()).id);
    // lower ids than the row the relay knows, and more of them than a batch
    const unknown: { id: string }[] = await ds.query(`INSERT INTO outbox (job_name, payload) SELECT 'x.v9', '{}'::jsonb FROM generate_series(1, 3) RETURNING id`);
    await ds.transaction((tx) => new OutboxRepository().add(tx, [{ job: JobName.RECOMPUTE_COMPANY, payload: { companyId: company.id, reason: 'test' } }]));
    const known: { id: string }[] = await ds.query(`SELECT id FROM outbox WHERE job_name = $1 AND payload->>'companyId' = $2`, [JobName.RECOMPUTE_COMPANY, company.id]);
    expect(known).toHaveLength(1);

    await worker.relay.drainNow();
    expect(await state([known[0].id])).toEqual([{ id: known[0].id, sent: true, attempts: 1, last_error: null }]);
    const held = await state(unknown.map((r) => r.id));
    expect(held.map(({ sent, attempts }) => ({ sent, attempts }))).toEqual([
      { sent: false, attempts: 1 },
      { sent: false, attempts: 1 },
      { sent: false, attempts: 1 },
    ]);
    for (const row of held) expect(row.last_error).toMatch(/has no job x\.v9 .*left unsent for a worker that has it/);

    // later drains leave them as they are: the reason is written once, not at every poll
    await ds.transaction((tx) => new OutboxRepository().add(tx, [{ job: JobName.RECOMPUTE_STANDING, payload: { consortiumId: company.consortiumId } }]));
    await worker.relay.drainNow();
    const standing: { sent: boolean }[] = await ds.query(`SELECT sent_at IS NOT NULL AS sent FROM outbox WHERE job_name = $1 AND payload->>'consortiumId' = $2`, [
      JobName.RECOMPUTE_STANDING,
      company.consortiumId,
    ]);
    expect(standing.length).toBeGreaterThan(0);
    expect(standing.every((r) => r.sent)).toBe(true);
    expect((await state(unknown.map((r) => r.id))).map((r) => r.attempts)).toEqual([1, 1, 1]);
    // and a relay of a release that knows the job may still claim them
    expect((await ds.transaction((tx) => new OutboxRepository().claim(tx, 10, ['x.v9']))).map((r) => r.id)).toEqual(unknown.map((r) => r.id));
  });
});
