import type { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = `'NEGATIVE_INFORMATION', 'DISPUTE_OPENED', 'DISPUTE_ALERT', 'DISPUTE_ESCALATED', 'TRADE_MISMATCH', 'DISPUTE_RESOLVED'`;

/**
 * The member that filed a disputed record hears of the dispute and of its settlement
 * (notices FILING_DISPUTED and FILING_DISPUTE_RESOLVED to the filing company): it is the one
 * who can show the record right or file a correction within the 20 days.
 */
export class FilerDisputeNotices1765001000000 implements MigrationInterface {
  name = 'FilerDisputeNotices1765001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notices DROP CONSTRAINT notices_kind_check;
      ALTER TABLE notices ADD CONSTRAINT notices_kind_check CHECK (kind IN (${BEFORE}, 'FILING_DISPUTED', 'FILING_DISPUTE_RESOLVED'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM notices WHERE kind IN ('FILING_DISPUTED', 'FILING_DISPUTE_RESOLVED');
      ALTER TABLE notices DROP CONSTRAINT notices_kind_check;
      ALTER TABLE notices ADD CONSTRAINT notices_kind_check CHECK (kind IN (${BEFORE}));
    `);
  }
}
