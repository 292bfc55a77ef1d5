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
      -- (the last change, notice period passed and expiry passed by the run's date), its
      -- trade summary (ScoringInputRepository's TRADE_SUMS text) and its trading partners
      -- with their volume of the last 12 months in fen (the i-th id, role and volume: B a
      -- buyer of the company, S a supplier).
      -- UNLOGGED: a crash of PostgreSQL empties it, and a company missing from it is read
      -- live, so losing it costs time, never a wrong rating.
      CREATE UNLOGGED TABLE full_recompute_trade (
        run_id        uuid NOT NULL,
        company_id    uuid NOT NULL,
        change_seq    bigint NOT NULL,
        counts_from   bigint,
        expires_on    text,
        sums          text,
        partner_ids   uuid[],
        partner_roles text,
        partner_volumes bigint[],
        PRIMARY KEY (run_id, company_id)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE full_recompute_trade;
      ALTER TABLE full_recompute_runs DROP COLUMN prepared_at;
    `);
  }
}
