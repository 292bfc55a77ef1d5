import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run's count of ratings written is the sum of its chunks' counts (each written by the
 * transaction that rates the chunk, so it is exact through crashes and retries). The run's
 * own column was never written: every read computed the sum instead, and a reader of the
 * table found 0 there. It goes.
 */
export class FullRecomputeRunsDropRatingsWritten1765000500000 implements MigrationInterface {
  name = 'FullRecomputeRunsDropRatingsWritten1765000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE full_recompute_runs DROP COLUMN ratings_written`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE full_recompute_runs ADD COLUMN ratings_written integer NOT NULL DEFAULT 0`);
  }
}
