import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recompute pipeline (docs/pipeline.md): full recompute runs walked in chunks (so
 * several workers share one and a crashed one is resumed, not restarted), and each
 * consortium's mutual guarantee fund, which the standing and the backed ratings read.
 */
export class Pipeline1764500000000 implements MigrationInterface {
  name = 'Pipeline1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE full_recompute_runs (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- SCHEDULE (the nightly job scheduler) or ADMIN (the startFullRecompute mutation)
        trigger        text NOT NULL CHECK (trigger IN ('SCHEDULE', 'ADMIN')),
        requested_by   uuid REFERENCES users (id),
        as_of          date NOT NULL,
        status         text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'DONE')),
        chunk_size     integer NOT NULL CHECK (chunk_size > 0),
        total_chunks   integer NOT NULL DEFAULT 0,
        total_companies integer NOT NULL DEFAULT 0,
        -- companies that got a new rating (the others were already current)
        ratings_written integer NOT NULL DEFAULT 0,
        started_at     timestamptz NOT NULL DEFAULT now(),
        finished_at    timestamptz
      );
      -- at most one run at a time: a second request joins the running one
      CREATE UNIQUE INDEX full_recompute_runs_running_key ON full_recompute_runs ((true)) WHERE status = 'RUNNING';

      -- the companies of a run, cut into ranges of ids when the run starts; a chunk is
      -- claimed FOR UPDATE SKIP LOCKED in the transaction that writes its ratings
      CREATE TABLE full_recompute_chunks (
        run_id         uuid NOT NULL REFERENCES full_recompute_runs (id),
        chunk_no       integer NOT NULL,
        first_company  uuid NOT NULL,
        last_company   uuid NOT NULL,
        companies      integer NOT NULL,
        done_at        timestamptz,
        ratings_written integer NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, chunk_no)
      );
      CREATE INDEX full_recompute_chunks_pending_idx ON full_recompute_chunks (run_id, chunk_no) WHERE done_at IS NULL;

      -- the consortium's mutual guarantee fund (PRODUCT.md "The backed rating")
      CREATE TABLE guarantee_funds (
        consortium_id  uuid PRIMARY KEY REFERENCES consortia (id),
        balance        numeric(20, 2) NOT NULL CHECK (balance >= 0),
        -- the share of each covered loss the fund pays
        coverage_share double precision NOT NULL CHECK (coverage_share >= 0 AND coverage_share <= 1),
        updated_at     timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE guarantee_fund_contributions (
        consortium_id  uuid NOT NULL REFERENCES guarantee_funds (consortium_id),
        company_id     uuid NOT NULL REFERENCES companies (id),
        amount         numeric(20, 2) NOT NULL CHECK (amount >= 0),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consortium_id, company_id)
      );

      -- the relay wakes on NOTIFY instead of waiting for its next poll
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox', '');
        RETURN NULL;
      END $$;
      CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

      -- what a member's backed rating reads of its standing, without the whole detail
      ALTER TABLE consortium_standings ADD COLUMN standing_pd double precision, ADD COLUMN parameters jsonb;

      -- ratingHistory and the recompute's "current rating" read by company, newest first
      CREATE INDEX IF NOT EXISTS rating_events_consortium_idx ON rating_events (consortium_id, id DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS rating_events_consortium_idx;
      ALTER TABLE consortium_standings DROP COLUMN standing_pd, DROP COLUMN parameters;
      DROP TRIGGER outbox_notify ON outbox; DROP FUNCTION outbox_notify();
      DROP TABLE guarantee_fund_contributions; DROP TABLE guarantee_funds;
      DROP TABLE full_recompute_chunks; DROP TABLE full_recompute_runs;
    `);
  }
}
