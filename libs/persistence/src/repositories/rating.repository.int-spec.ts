import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Factories, openTestDataSource, withOwnTransaction } from '@app/testing';
import { backedFixture, ratingFixture } from '@app/testing/rating-fixtures';
import type { StoredRating } from '@app/domain/ratings';
import type { CreditRating } from '@app/domain/scoring';
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

  it('reads the current scores changed since a snapshot, a transaction that commits after a later one included', async () => {
    const f = new Factories(ds);
    const consortium = await f.consortium();
    const [a, b, c] = [await f.company(consortium.id), await f.company(consortium.id), await f.company(consortium.id)];
    const rate = (db: DataSource['manager'], companyId: string, score: number) =>
      repo.insertMany(db, [{ consortiumId: consortium.id, rating: ratingFixture(companyId, { score }), backed: null, dataVersion: `${score}` }]);
    await rate(ds.manager, a.id, 600);
    const first = await repo.currentScoresChangedSince(ds.manager, null);
    expect(first.scores.get(a.id)?.score).toBe(600);
    expect(first.scores.has(b.id)).toBe(false);

    // the earlier transaction (the lower id) writes first and commits last
    await withOwnTransaction(ds, async (early) => {
      await rate(early.manager, b.id, 610);
      await rate(ds.manager, c.id, 620);
      const second = await repo.currentScoresChangedSince(ds.manager, first.snapshot);
      expect([...second.scores.keys()]).toEqual([c.id]);
      await early.commitTransaction();
      const third = await repo.currentScoresChangedSince(ds.manager, second.snapshot);
      expect([...third.scores.entries()]).toEqual([[b.id, { score: 610, pd: third.scores.get(b.id)?.pd }]]);

      // a rating appended later replaces the current one; an unchanged table answers nothing
      await rate(ds.manager, a.id, 630);
      const fourth = await repo.currentScoresChangedSince(ds.manager, third.snapshot);
      expect([...fourth.scores.entries()]).toEqual([[a.id, { score: 630, pd: fourth.scores.get(a.id)?.pd }]]);
      expect((await repo.currentScoresChangedSince(ds.manager, fourth.snapshot)).scores.size).toBe(0);
    });
  });

  it('keeps the latest of several ratings of one company appended in one statement as its current one', async () => {
    const f = new Factories(ds);
    const consortium = await f.consortium();
    const a = await f.company(consortium.id);
    const written = await repo.insertMany(ds.manager, [
      { consortiumId: consortium.id, rating: ratingFixture(a.id, { score: 700 }), backed: null, dataVersion: 'x' },
      { consortiumId: consortium.id, rating: ratingFixture(a.id, { score: 710 }), backed: null, dataVersion: 'y' },
    ]);
    const rows: { rating_id: string; score: number }[] = await ds.query('SELECT rating_id, score FROM current_ratings WHERE company_id = $1', [a.id]);
    expect(rows).toEqual([{ rating_id: written[1].id, score: 710 }]);
  });

  it('stores the engine\'s answer once (its fields in columns, the factor results in detail) and reads it back whole, older rows alike', async () => {
    const f = new Factories(ds);
    const consortium = await f.consortium();
    const [a, b, old] = [await f.company(consortium.id), await f.company(consortium.id), await f.company(consortium.id)];
    const factorResults: CreditRating['factorResults'] = [
      { factor: 'PAYMENT_BEHAVIOUR', status: 'SCORED', subScore: 70, reasonCode: 'PAYMENT_DELAYS', figures: { paydexIndex: 71.5, trend: null }, records: 40 },
      { factor: 'FINANCIAL_STRENGTH', status: 'INSUFFICIENT_DATA', reasonCode: 'NO_FINANCIAL_STATEMENT', why: 'no verified statement', records: 0 },
    ];
    const ratingA = ratingFixture(a.id, { score: 655, pd: 0.0345, inDefault: true, confidence: 0.62, verifiedRecords: 41, asOf: '2026-10-31', factorResults });
    const ratingB = ratingFixture(b.id, { factorResults });
    const backed = backedFixture();
    await repo.insertMany(ds.manager, [{ consortiumId: consortium.id, rating: ratingA, backed, dataVersion: 'a' }]);
    const single = await repo.insert(ds.manager, consortium.id, ratingB, null, 'b');
    // a row as written before the answer was stored once: the whole answer in detail
    const ratingOld = ratingFixture(old.id, { score: 580, factorResults });
    await ds.query(
      `INSERT INTO ratings (company_id, consortium_id, score, grade, pd, in_default, confidence, verified_records, model_version, data_version, reasons, factors, detail, as_of)
       VALUES ($1, $2, $3, $4, $5, false, $6, $7, $8, 'old', $9, $10, $11, $12)`,
      [old.id, consortium.id, 580, ratingOld.grade, ratingOld.pd, ratingOld.confidence, ratingOld.verifiedRecords, ratingOld.modelVersion,
       JSON.stringify(ratingOld.reasons), JSON.stringify(ratingOld.factors), JSON.stringify(ratingOld), ratingOld.asOf],
    );

    const details: { company_id: string; detail: object }[] = await ds.query('SELECT company_id, detail FROM ratings WHERE company_id = ANY($1::uuid[])', [[a.id, b.id]]);
    expect(details.map((d) => d.detail)).toEqual([{ factorResults }, { factorResults }]);
    const stored = await repo.current(ds.manager, [a.id, b.id, old.id]);
    const whole = (id: string) => {
      const { id: _id, consortiumId, backed: storedBacked, dataVersion, computedAt, ...answer } = stored.get(id) as StoredRating;
      expect(consortiumId).toBe(consortium.id);
      expect(computedAt).toBeInstanceOf(Date);
      return { answer, backed: storedBacked, dataVersion };
    };
    expect(whole(a.id)).toEqual({ answer: ratingA, backed, dataVersion: 'a' });
    expect(whole(b.id)).toEqual({ answer: ratingB, backed: null, dataVersion: 'b' });
    expect(whole(old.id)).toEqual({ answer: ratingOld, backed: null, dataVersion: 'old' });
    expect(single).toEqual(stored.get(b.id));
    expect((await repo.history(ds.manager, a.id))[0]).toEqual(stored.get(a.id));
    expect((await repo.historyMany(ds.manager, [old.id], 1)).get(old.id)).toEqual([stored.get(old.id)]);
  });
});
