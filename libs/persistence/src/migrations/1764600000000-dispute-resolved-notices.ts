import type { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = `'NEGATIVE_INFORMATION', 'DISPUTE_OPENED', 'DISPUTE_ALERT', 'DISPUTE_ESCALATED', 'TRADE_MISMATCH'`;

/**
 * The written answer to a dispute (征信业管理条例 Art. 25: the result is answered to the one
 * who disputed): a notice of kind DISPUTE_RESOLVED to the record's subject.
 */
export class DisputeResolvedNotices1764600000000 implements MigrationInterface {
  name = 'DisputeResolvedNotices1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notices DROP CONSTRAINT notices_kind_check;
      ALTER TABLE notices ADD CONSTRAINT notices_kind_check CHECK (kind IN (${BEFORE}, 'DISPUTE_RESOLVED'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM notices WHERE kind = 'DISPUTE_RESOLVED';
      ALTER TABLE notices DROP CONSTRAINT notices_kind_check;
      ALTER TABLE notices ADD CONSTRAINT notices_kind_check CHECK (kind IN (${BEFORE}));
    `);
  }
}
