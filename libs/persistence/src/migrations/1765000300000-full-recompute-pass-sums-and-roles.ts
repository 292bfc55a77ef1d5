import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The trade pass's row of a company keeps the sum of its trade lines' change numbers (the
 * data version's first part is now that sum: docs/pipeline.md, "Recomputing a company").
 * And its partners in two rows per company, one per role, so that the pass writes
 * them with two statements (each a sort of the ledger's lines by company, instead of one
 * hash of every pair of partners regrouped by company: 7 s each against 27 s for both at
 * 10,000,000 lines), which run beside the fingerprint statement on the pass's connections.
 * The rows of a run in progress are dropped and the run prepares its pass again.
 */
export class FullRecomputePassSumsAndRoles1765000300000 implements MigrationInterface {
  name = 'FullRecomputePassSumsAndRoles1765000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE full_recompute_partners;
      -- One row per company and role with trade in the last 12 months: its partners in that
      -- role and their volume in fen (the i-th id and volume; S: the company's suppliers, B:
      -- its buyers). UNLOGGED, as full_recompute_trade.
      CREATE UNLOGGED TABLE full_recompute_partners (
        run_id        uuid NOT NULL,
        company_id    uuid NOT NULL,
        role          text NOT NULL CHECK (role IN ('S', 'B')),
        ids           uuid[] NOT NULL CHECK (cardinality(ids) > 0),
        volumes       bigint[] NOT NULL CHECK (cardinality(volumes) = cardinality(ids)),
        PRIMARY KEY (run_id, company_id, role)
      );
      TRUNCATE full_recompute_trade;
      ALTER TABLE full_recompute_trade RENAME COLUMN change_seq TO change_sum;
      UPDATE full_recompute_runs SET prepared_at = NULL WHERE status = 'RUNNING';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE full_recompute_partners;
      CREATE UNLOGGED TABLE full_recompute_partners (
        run_id        uuid NOT NULL,
        company_id    uuid NOT NULL,
        ids           uuid[] NOT NULL,
        roles         text NOT NULL,
        volumes       bigint[] NOT NULL,
        PRIMARY KEY (run_id, company_id)
      );
      TRUNCATE full_recompute_trade;
      ALTER TABLE full_recompute_trade RENAME COLUMN change_sum TO change_seq;
      UPDATE full_recompute_runs SET prepared_at = NULL WHERE status = 'RUNNING';
    `);
  }
}
