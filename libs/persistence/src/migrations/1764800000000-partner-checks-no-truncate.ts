import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The partner-check log (who checked whom, shown to the partner and its coordinator) refused
 * UPDATE and DELETE but not TRUNCATE, which empties a table without firing row triggers; it
 * now refuses it as every other append-only table does.
 */
export class PartnerChecksNoTruncate1764800000000 implements MigrationInterface {
  name = 'PartnerChecksNoTruncate1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TRIGGER partner_checks_no_truncate BEFORE TRUNCATE ON partner_checks
        FOR EACH STATEMENT EXECUTE FUNCTION partner_checks_is_append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER partner_checks_no_truncate ON partner_checks');
  }
}
