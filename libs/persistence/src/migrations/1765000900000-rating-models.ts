import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A consortium's rating models (issue 4, model governance): a refit from its own history is
 * PROPOSED with its backtest beside the live model's; its coordinator activates it (the one
 * ACTIVE before is RETIRED). Without an ACTIVE model the consortium is rated with the shipped
 * one. Rows are never deleted: the model behind every rating stays readable.
 */
export class RatingModels1765000900000 implements MigrationInterface {
  name = 'RatingModels1765000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rating_models (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        consortium_id uuid NOT NULL REFERENCES consortia (id),
        version       text NOT NULL,
        spec          jsonb NOT NULL,
        based_on      text NOT NULL,
        status        text NOT NULL CHECK (status IN ('PROPOSED', 'ACTIVE', 'RETIRED')),
        backtest      jsonb NOT NULL,
        proposed_by   uuid REFERENCES users (id),
        proposed_at   timestamptz NOT NULL,
        activated_by  uuid REFERENCES users (id),
        activated_at  timestamptz,
        CONSTRAINT rating_models_version_key UNIQUE (consortium_id, version),
        CONSTRAINT rating_models_activation_check CHECK ((status = 'PROPOSED') = (activated_at IS NULL))
      );
      CREATE UNIQUE INDEX rating_models_one_active ON rating_models (consortium_id) WHERE status = 'ACTIVE';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rating_models');
  }
}
