import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An uploaded file's chunks compressed with lz4 instead of PostgreSQL's default pglz: pglz
 * compressed a 68 MB CSV at some 20 MB/s, so storing the upload took 3.4 s where lz4 takes
 * 0.4 s (for 37 MB stored instead of 32 MB; docs/benchmarks.md). A server built without lz4
 * keeps pglz.
 */
export class ImportChunksLz41765000600000 implements MigrationInterface {
  name = 'ImportChunksLz41765000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        ALTER TABLE import_chunks ALTER COLUMN data SET COMPRESSION lz4;
      EXCEPTION WHEN feature_not_supported THEN
        RAISE NOTICE 'lz4 is not supported by this server: import chunks keep pglz';
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE import_chunks ALTER COLUMN data SET COMPRESSION default`);
  }
}
