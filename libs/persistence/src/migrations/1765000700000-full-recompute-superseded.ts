import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run still RUNNING when a run of a later day is asked for (a chunk that kept failing, lanes
 * lost with Redis, a run started just before midnight) is SUPERSEDED by the new one: its lanes
 * stop at their next chunk, and it no longer holds the one RUNNING place that every nightly
 * start would otherwise join, rating as of its own, older day.
 */
export class FullRecomputeSuperseded1765000700000 implements MigrationInterface {
  name = 'FullRecomputeSuperseded1765000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE full_recompute_runs DROP CONSTRAINT full_recompute_runs_status_check;
      ALTER TABLE full_recompute_runs ADD CONSTRAINT full_recompute_runs_status_check CHECK (status IN ('RUNNING', 'DONE', 'SUPERSEDED'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // a superseded run ended without finishing: the older schema has only DONE for an ended run
    await q.query(`
      UPDATE full_recompute_runs SET status = 'DONE' WHERE status = 'SUPERSEDED';
      ALTER TABLE full_recompute_runs DROP CONSTRAINT full_recompute_runs_status_check;
      ALTER TABLE full_recompute_runs ADD CONSTRAINT full_recompute_runs_status_check CHECK (status IN ('RUNNING', 'DONE'));
    `);
  }
}
