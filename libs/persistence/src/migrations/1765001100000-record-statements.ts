import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The subject's statement on negative information about it (征信业管理条例 Art. 16: during
 * the retention period the subject may add an explanation, and it must be recorded). A
 * record's latest statement is the one shown, with the record and in bank reports; earlier
 * ones stay for audit. Append-only, like the record versions.
 */
export class RecordStatements1765001100000 implements MigrationInterface {
  name = 'RecordStatements1765001100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE record_statements (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind        text NOT NULL,
        record_id   uuid NOT NULL,
        subject_id  uuid NOT NULL REFERENCES companies (id),
        statement   text NOT NULL CHECK (length(statement) BETWEEN 1 AND 1000),
        made_by     uuid NOT NULL REFERENCES users (id),
        made_at     timestamptz NOT NULL
      );
      CREATE INDEX record_statements_record_idx ON record_statements (record_id, made_at DESC, id DESC);
      CREATE INDEX record_statements_subject_idx ON record_statements (subject_id);
      CREATE TRIGGER record_statements_append_only BEFORE UPDATE OR DELETE ON record_statements
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER record_statements_no_truncate BEFORE TRUNCATE ON record_statements
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE record_statements');
  }
}
