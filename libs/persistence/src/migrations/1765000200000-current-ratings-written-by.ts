import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `current_ratings.written_by`: the transaction that last wrote each row, so that a reader
 * holding every current score (a lane of a full recompute) reads only what changed since its
 * last read (`RatingRepository.currentScoresChangedSince`) instead of tens of thousands of
 * partners' scores per chunk. And the trigger that keeps the table runs once per statement
 * over the ratings it appended (a chunk appends 500 in one statement), not once per rating.
 */
export class CurrentRatingsWrittenBy1765000200000 implements MigrationInterface {
  name = 'CurrentRatingsWrittenBy1765000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE current_ratings ADD COLUMN written_by xid8 NOT NULL DEFAULT pg_current_xact_id();
      CREATE INDEX current_ratings_written_by_idx ON current_ratings (written_by);

      DROP TRIGGER ratings_keep_current ON ratings;
      DROP FUNCTION ratings_keep_current();
      -- the latest wins whatever the order of commits (recomputes of one company are
      -- serialised by its row lock anyway); a statement appending several ratings of one
      -- company keeps the latest of them
      CREATE FUNCTION ratings_keep_current() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO current_ratings (company_id, rating_id, score, pd)
        SELECT DISTINCT ON (company_id) company_id, id, score, pd FROM appended ORDER BY company_id, id DESC
        ON CONFLICT (company_id) DO UPDATE
          SET rating_id = EXCLUDED.rating_id, score = EXCLUDED.score, pd = EXCLUDED.pd, written_by = EXCLUDED.written_by
          WHERE current_ratings.rating_id < EXCLUDED.rating_id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER ratings_keep_current AFTER INSERT ON ratings REFERENCING NEW TABLE AS appended
        FOR EACH STATEMENT EXECUTE FUNCTION ratings_keep_current();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER ratings_keep_current ON ratings;
      DROP FUNCTION ratings_keep_current();
      CREATE FUNCTION ratings_keep_current() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO current_ratings (company_id, rating_id, score, pd)
        VALUES (NEW.company_id, NEW.id, NEW.score, NEW.pd)
        ON CONFLICT (company_id) DO UPDATE SET rating_id = EXCLUDED.rating_id, score = EXCLUDED.score, pd = EXCLUDED.pd
          WHERE current_ratings.rating_id < EXCLUDED.rating_id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER ratings_keep_current AFTER INSERT ON ratings FOR EACH ROW EXECUTE FUNCTION ratings_keep_current();
      DROP INDEX current_ratings_written_by_idx;
      ALTER TABLE current_ratings DROP COLUMN written_by;
    `);
  }
}
