import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A full recompute reads the trade ledger once, sequentially, at the start of its run (the
 * trade pass), instead of reaching every company's trade lines by index chunk after chunk:
 * each company's trade fingerprint and summed payment experiences, and each pair of trading
 * partners' volume of the last 12 months, as of the run's date. Chunks read their companies'
 * rows; a company whose trade changed after the pass is read live (docs/pipeline.md, "The full
 * recompute"). The rows serve one run and are emptied when the next run prepares its own.
 */
export class FullRecomputeTradePass1765000000000 implements MigrationInterface {
  name = 'FullRecomputeTradePass1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE full_recompute_runs ADD COLUMN prepared_at timestamptz;

      -- One row per company with a current trade line: its trade part of the data version
      -- (the last change, notice period passed and expiry passed by the run's date) and its
      -- trade summary (ScoringInputRepository's TRADE_SUMS text).
      -- UNLOGGED, as full_recompute_partners: a crash of PostgreSQL empties them, and a
      -- company missing from them is read live, so losing them costs time, never a wrong
      -- rating.
      CREATE UNLOGGED TABLE full_recompute_trade (
        run_id        uuid NOT NULL,
        company_id    uuid NOT NULL,
        change_seq    bigint NOT NULL,
        counts_from   bigint,
        expires_on    text,
        sums          text,
        PRIMARY KEY (run_id, company_id)
      );

      -- One row per company with trade in the last 12 months: its partners and their
      -- volume in fen (the i-th id, role and volume: B a buyer of the company, S a supplier).
      CREATE UNLOGGED TABLE full_recompute_partners (
        run_id        uuid NOT NULL,
        company_id    uuid NOT NULL,
        ids           uuid[] NOT NULL,
        roles         text NOT NULL,
        volumes       bigint[] NOT NULL,
        PRIMARY KEY (run_id, company_id)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE full_recompute_partners;
      DROP TABLE full_recompute_trade;
      ALTER TABLE full_recompute_runs DROP COLUMN prepared_at;
    `);
  }
}
