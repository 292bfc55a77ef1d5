import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RatingChanged events: a grade change, or a score move of at least the configured number
 * of points. Written in the transaction of the new rating; subscriptions and bank
 * monitoring read them through the outbox (job rating-changed.v1).
 */
export class RatingEvents1764300200000 implements MigrationInterface {
  name = 'RatingEvents1764300200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rating_events (
        id                  bigserial PRIMARY KEY,
        company_id          uuid NOT NULL REFERENCES companies (id),
        consortium_id       uuid NOT NULL REFERENCES consortia (id),
        rating_id           bigint NOT NULL REFERENCES ratings (id),
        previous_rating_id  bigint REFERENCES ratings (id),
        old_grade           text,
        new_grade           text NOT NULL,
        old_score           integer,
        new_score           integer NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rating_events_rating_key UNIQUE (rating_id)
      );
      CREATE INDEX rating_events_company_idx ON rating_events (company_id, id DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rating_events');
  }
}
