import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Factories, openTestDataSource } from '@app/testing';
import { ratingFixture } from '@app/testing/rating-fixtures';
import type { DataSource } from 'typeorm';
import { RatingEventRepository } from './rating-event.repository';
import { RatingRepository } from './rating.repository';

describe('RatingEventRepository: RatingChanged events', () => {
  let ds: DataSource;
  const events = new RatingEventRepository();
  const ratings = new RatingRepository();

  beforeAll(async () => {
    ds = await openTestDataSource();
  });
  afterAll(async () => ds.destroy());

  it('appends many events in one statement and answers them in the order given, ids in that order', async () => {
    const f = new Factories(ds);
    const consortium = await f.consortium();
    const companies = [await f.company(consortium.id), await f.company(consortium.id), await f.company(consortium.id)];
    const rate = (score: number) =>
      ratings.insertMany(
        ds.manager,
        companies.map((c, i) => ({ consortiumId: consortium.id, rating: ratingFixture(c.id, { score: score + i }), backed: null, dataVersion: `${score}` })),
      );
    const before = await rate(600);
    const after = await rate(700);
    // given in the reverse order of the ratings, one without a previous rating
    const given = [2, 1, 0].map((i) => ({
      companyId: companies[i].id,
      consortiumId: consortium.id,
      ratingId: after[i].id,
      previousRatingId: i === 1 ? null : before[i].id,
      oldGrade: i === 1 ? null : before[i].grade,
      newGrade: after[i].grade,
      oldScore: i === 1 ? null : before[i].score,
      newScore: after[i].score,
    }));
    const written = await events.insertMany(ds.manager, given);
    expect(written.map(({ id: _id, createdAt: _at, ...rest }) => rest)).toEqual(given);
    const ids = written.map((e) => BigInt(e.id));
    expect(ids[0] < ids[1] && ids[1] < ids[2]).toBe(true);
    for (const event of written) expect(await events.findById(ds.manager, event.id)).toEqual(event);
    expect(await events.insertMany(ds.manager, [])).toEqual([]);
  });
});
