import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each company's current score and PD in a narrow table of one row per company, kept by a
 * trigger on every rating appended. The network factor reads the current ratings of tens of
 * thousands of partners per chunk of a full recompute: from the rating history (wide rows
 * with their JSON detail, one more per company every night) each was a probe of a large,
 * uncached table; here it is a probe of a small one that stays in memory.
 */
export class CurrentRatings1765000100000 implements MigrationInterface {
  name = 'CurrentRatings1765000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE current_ratings (
        company_id  uuid PRIMARY KEY REFERENCES companies (id),
        -- the latest rating (the highest id) of the company; emptied with the history
        rating_id   bigint NOT NULL REFERENCES ratings (id) ON DELETE CASCADE,
        score       integer NOT NULL,
        pd          double precision NOT NULL
      );

      INSERT INTO current_ratings (company_id, rating_id, score, pd)
      SELECT DISTINCT ON (company_id) company_id, id, score, pd FROM ratings ORDER BY company_id, id DESC;

      -- the latest wins whatever the order of commits (recomputes of one company are
      -- serialised by its row lock anyway)
      CREATE FUNCTION ratings_keep_current() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO current_ratings (company_id, rating_id, score, pd)
        VALUES (NEW.company_id, NEW.id, NEW.score, NEW.pd)
        ON CONFLICT (company_id) DO UPDATE SET rating_id = EXCLUDED.rating_id, score = EXCLUDED.score, pd = EXCLUDED.pd
          WHERE current_ratings.rating_id < EXCLUDED.rating_id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER ratings_keep_current AFTER INSERT ON ratings FOR EACH ROW EXECUTE FUNCTION ratings_keep_current();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER ratings_keep_current ON ratings;
      DROP FUNCTION ratings_keep_current();
      DROP TABLE current_ratings;
    `);
  }
}
