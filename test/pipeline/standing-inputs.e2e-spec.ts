import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobName } from '@app/jobs';
import { OutboxRepository } from '@app/persistence';
import { createWorld, type World } from '../support/world';
import { FILE_LOAN, loanInput } from '../records/records-support';
import { eventually, type IsolatedPipeline, isolatedPipeline, type RunningWorker } from './pipeline-support';

/**
 * The standing reads more of a member than its rating: its loans' outstanding, its balance
 * sheet, the guarantee and overdue-payable edges between members. A change to those that
 * leaves the member's rating as it was still reaches the standing (docs/pipeline.md).
 */
describe("a consortium's standing follows its members' data, not only their new ratings", () => {
  let pipeline: IsolatedPipeline;
  let worker: RunningWorker;
  let world: World;

  beforeAll(async () => {
    pipeline = await isolatedPipeline('standing-inputs');
    worker = await pipeline.startWorker();
    world = await createWorld(pipeline.api);
  });

  afterAll(async () => {
    await worker?.close();
    await pipeline?.api.close();
    await pipeline?.drop();
  });

  it("a loan's outstanding corrected by an amount that leaves the member's rating equal queues the standing, which takes the new exposure", async () => {
    const { home } = world;
    const ds = pipeline.api.dataSource;
    const settled = () => eventually(async () => ((await new OutboxRepository().countUnsent(ds.manager)) === 0 ? true : undefined), 20_000, 'the outbox drained');
    const latestRating = async (): Promise<string | undefined> =>
      ((await ds.query('SELECT id FROM ratings WHERE company_id = $1 ORDER BY id DESC LIMIT 1', [home.companyA.id])) as { id: string }[])[0]?.id;
    const latestStanding = async (): Promise<{ id: string; exposure: number } | undefined> =>
      (
        (await ds.query(`SELECT id, (detail->>'totalExposure')::bigint AS exposure FROM consortium_standings WHERE consortium_id = $1 ORDER BY id DESC LIMIT 1`, [
          home.consortium.id,
        ])) as { id: string; exposure: string }[]
      ).map((r) => ({ id: r.id, exposure: Number(r.exposure) }))[0];

    const loan = loanInput(home.companyA.creditCode);
    await world.banker.client.ok(FILE_LOAN, { input: loan });
    const first = await eventually(async () => {
      const s = await latestStanding();
      return s?.exposure === 25_000_000 ? s : undefined;
    }, 20_000, 'the standing with the loan');
    await settled();
    // give a straggling debounced standing its 2 s
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const ratingBefore = await latestRating();
    expect(ratingBefore).toBeDefined();
    const standingBefore = await latestStanding();
    expect(standingBefore?.exposure).toBe(first.exposure);
    const marker = ((await ds.query('SELECT coalesce(max(id), 0) AS id FROM outbox')) as { id: string }[])[0].id;

    // the bank corrects the outstanding by one fen: a new version of the loan, a new data version of A, the same rating
    await world.banker.client.ok(FILE_LOAN, { input: { ...loan, outstanding: '249999.99' } });
    const standingAfter = await eventually(async () => {
      const s = await latestStanding();
      return s && s.id !== standingBefore?.id ? s : undefined;
    }, 20_000, 'a new standing');
    expect(standingAfter.exposure).toBe(24_999_999);
    await settled();
    // the member's rating stayed as it was: the standing was queued by the recompute that read the change
    expect(await latestRating()).toBe(ratingBefore);
    const queued: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE id > $1 AND job_name = $2 AND payload->>'consortiumId' = $3`, [
      marker,
      JobName.RECOMPUTE_STANDING,
      home.consortium.id,
    ]);
    expect(queued[0].n).toBeGreaterThanOrEqual(1);
  });
});
