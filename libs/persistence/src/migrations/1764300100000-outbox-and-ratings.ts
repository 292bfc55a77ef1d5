import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox, and the rating history: company ratings and consortium
 * standings are appended, never updated; the current one is the latest.
 */
export class OutboxAndRatings1764300100000 implements MigrationInterface {
  name = 'OutboxAndRatings1764300100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Written in the transaction of the change that needs the job; the worker's relay moves
      -- rows to BullMQ (SELECT ... FOR UPDATE SKIP LOCKED) and marks them sent.
      CREATE TABLE outbox (
        id            bigserial PRIMARY KEY,
        job_name      text NOT NULL,
        payload       jsonb NOT NULL,
        -- run no earlier than this (dispute timers); the relay adds it as a delayed job
        run_at        timestamptz NOT NULL DEFAULT now(),
        created_at    timestamptz NOT NULL DEFAULT now(),
        sent_at       timestamptz,
        attempts      integer NOT NULL DEFAULT 0,
        last_error    text
      );
      CREATE INDEX outbox_unsent_idx ON outbox (id) WHERE sent_at IS NULL;

      CREATE TABLE ratings (
        id               bigserial PRIMARY KEY,
        company_id       uuid NOT NULL REFERENCES companies (id),
        consortium_id    uuid NOT NULL REFERENCES consortia (id),
        score            integer NOT NULL CHECK (score BETWEEN 300 AND 900),
        grade            text NOT NULL,
        pd               double precision NOT NULL CHECK (pd >= 0 AND pd <= 1),
        in_default       boolean NOT NULL DEFAULT false,
        confidence       double precision NOT NULL,
        verified_records integer NOT NULL,
        model_version    text NOT NULL,
        -- the data the rating was computed from: a recompute that finds it unchanged does nothing
        data_version     text NOT NULL,
        reasons          jsonb NOT NULL,
        factors          jsonb NOT NULL,
        backed           jsonb,
        -- the engine's whole answer (every factor, its figures), for reports and audit
        detail           jsonb NOT NULL,
        as_of            date NOT NULL,
        computed_at      timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX ratings_company_idx ON ratings (company_id, id DESC);
      CREATE INDEX ratings_consortium_idx ON ratings (consortium_id, id DESC);

      CREATE TABLE consortium_standings (
        id                 bigserial PRIMARY KEY,
        consortium_id      uuid NOT NULL REFERENCES consortia (id),
        grade              text NOT NULL,
        weighted_pd        double precision NOT NULL,
        expected_loss      numeric(20, 2) NOT NULL,
        concentration_hhi  double precision NOT NULL,
        guarantee_coverage double precision NOT NULL,
        grade_distribution jsonb NOT NULL,
        systemic_risk      jsonb NOT NULL,
        detail             jsonb NOT NULL,
        data_version       text NOT NULL,
        model_version      text NOT NULL,
        computed_at        timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX consortium_standings_idx ON consortium_standings (consortium_id, id DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consortium_standings; DROP TABLE ratings; DROP TABLE outbox;`);
  }
}
