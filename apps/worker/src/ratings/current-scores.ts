import { type Db, RatingRepository, type ScoreAndPd } from '@app/persistence';

/**
 * Every company's current score and PD, as one lane of a full recompute keeps them: read
 * whole once, then before each chunk only what changed since the last read
 * (`RatingRepository.currentScoresChangedSince`). A chunk reads its partners' ratings as
 * they stand when it starts, as a fresh read would, without shipping tens of thousands of
 * partners' scores to every chunk (at 100,000 companies a chunk's 500 companies have some
 * 36,000 distinct partners). Memory: one entry per rated company.
 *
 * Refresh on the pool, outside the chunk's transaction: a read inside a transaction that has
 * written ratings would take that transaction as already seen, and miss its writes later.
 */
export class CurrentScores {
  private readonly scores = new Map<string, ScoreAndPd>();
  private snapshot: string | null = null;

  constructor(private readonly ratings: RatingRepository) {}

  async refresh(db: Db): Promise<ReadonlyMap<string, ScoreAndPd>> {
    const { scores, snapshot } = await this.ratings.currentScoresChangedSince(db, this.snapshot);
    for (const [id, score] of scores) this.scores.set(id, score);
    this.snapshot = snapshot;
    return this.scores;
  }

  /**
   * What committed since the last refresh, read in the chunk's own transaction once its
   * companies are locked (a company job that held one of them and read a partner's newer
   * rating has committed by then), without moving the snapshot: the next refresh, on the
   * pool, still takes everything since, this chunk's own ratings included. No second
   * connection: lanes holding theirs while waiting for another would starve a small pool.
   */
  async catchUp(tx: Db): Promise<ReadonlyMap<string, ScoreAndPd>> {
    if (this.snapshot === null) throw new Error('CurrentScores: catchUp needs a refresh first (on the pool, outside the chunk)');
    const { scores } = await this.ratings.currentScoresChangedSince(tx, this.snapshot);
    for (const [id, score] of scores) this.scores.set(id, score);
    return this.scores;
  }
}
