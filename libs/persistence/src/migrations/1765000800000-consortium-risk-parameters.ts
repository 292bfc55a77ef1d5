import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A consortium's risk parameters (LGD, stress factor, support probability, correlation,
 * distress threshold), set by its coordinator: only those it set, the engine's documented
 * defaults standing for the others (an empty object: every default).
 */
export class ConsortiumRiskParameters1765000800000 implements MigrationInterface {
  name = 'ConsortiumRiskParameters1765000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE consortia ADD COLUMN risk_parameters jsonb NOT NULL DEFAULT '{}'::jsonb
        CONSTRAINT consortia_risk_parameters_check CHECK (jsonb_typeof(risk_parameters) = 'object');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE consortia DROP COLUMN risk_parameters');
  }
}
