import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Factories, openTestDataSource } from '@app/testing';
import { ratingFixture } from '@app/testing/rating-fixtures';
import type { DataSource } from 'typeorm';
import { RatingRepository, ratingSubstance } from './rating.repository';

describe('RatingRepository: the history and the recompute\'s reads', () => {
  let ds: DataSource;
  const repo = new RatingRepository();

  beforeAll(async () => {
    ds = await openTestDataSource();
  });
  afterAll(async () => ds.destroy());

  it('appends many ratings in one statement, and reads each company\'s newest ones in one statement', async () => {
    const f = new Factories(ds);
    const consortium = await f.consortium();
    const [a, b, none] = [await f.company(consortium.id), await f.company(consortium.id), await f.company(consortium.id)];
    const written = await repo.insertMany(ds.manager, [
      { consortiumId: consortium.id, rating: ratingFixture(a.id, { score: 610 }), backed: null, dataVersion: 'a1' },
      { consortiumId: consortium.id, rating: ratingFixture(b.id, { score: 640 }), backed: null, dataVersion: 'b1' },
    ]);
    expect(written.map((r) => [r.companyId, r.score, r.dataVersion])).toEqual([
      [a.id, 610, 'a1'],
      [b.id, 640, 'b1'],
    ]);
    await repo.insertMany(ds.manager, [{ consortiumId: consortium.id, rating: ratingFixture(a.id, { score: 650 }), backed: null, dataVersion: 'a2' }]);

    const histories = await repo.historyMany(ds.manager, [a.id, b.id, none.id], 5);
    expect(histories.get(a.id)?.map((r) => r.score)).toEqual([650, 610]);
    expect(histories.get(b.id)?.map((r) => r.score)).toEqual([640]);
    expect(histories.get(none.id)).toEqual([]);
    expect((await repo.historyMany(ds.manager, [a.id], 1)).get(a.id)?.map((r) => r.dataVersion)).toEqual(['a2']);

    const current = await repo.currentSummaries(ds.manager, [a.id, b.id, none.id]);
    expect(current.get(a.id)).toMatchObject({ score: 650, dataVersion: 'a2', substance: ratingSubstance(ratingFixture(a.id, { score: 650 }), null) });
    expect(current.has(none.id)).toBe(false);
  });

  it('reads the current rating of each company, one row each, however long its history and however often it is named', async () => {
    const f = new Factories(ds);
    const consortium = await f.consortium();
    const [a, b, none] = [await f.company(consortium.id), await f.company(consortium.id), await f.company(consortium.id)];
    for (let i = 0; i < 30; i++)
      await repo.insertMany(ds.manager, [
        { consortiumId: consortium.id, rating: ratingFixture(a.id, { score: 500 + i }), backed: null, dataVersion: `a${i}` },
        ...(i % 3 === 0 ? [{ consortiumId: consortium.id, rating: ratingFixture(b.id, { score: 700 - i }), backed: null, dataVersion: `b${i}` }] : []),
      ]);
    const named = [a.id, b.id, none.id, a.id, b.id];
    const scores = await repo.currentScores(ds.manager, named);
    expect([...scores.entries()].sort()).toEqual([[a.id, { score: 529, pd: scores.get(a.id)?.pd }], [b.id, { score: 673, pd: scores.get(b.id)?.pd }]].sort());
    const summaries = await repo.currentSummaries(ds.manager, named);
    expect([...summaries.values()].map((r) => [r.companyId, r.dataVersion]).sort()).toEqual([[a.id, 'a29'], [b.id, 'b27']].sort());
    const stored = await repo.current(ds.manager, named);
    expect([...stored.values()].map((r) => [r.companyId, r.dataVersion]).sort()).toEqual([[a.id, 'a29'], [b.id, 'b27']].sort());
  });
});
