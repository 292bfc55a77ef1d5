import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API processes keep verified API keys in memory (apps/api/src/auth/api-key-cache.ts); a
 * revocation must reach all of them at once. A key whose `revoked_at` or hash changes, or
 * that is deleted, is announced on the `api_key_revoked` channel with its id, at the commit
 * of the change, whichever code path made it.
 */
export class ApiKeyRevocationSignal1764900000000 implements MigrationInterface {
  name = 'ApiKeyRevocationSignal1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION api_keys_signal_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('api_key_revoked', OLD.id::text);
        RETURN NULL;
      END $$;
      CREATE TRIGGER api_keys_revoked AFTER UPDATE OF revoked_at, key_hash ON api_keys
        FOR EACH ROW WHEN (NEW.revoked_at IS DISTINCT FROM OLD.revoked_at OR NEW.key_hash IS DISTINCT FROM OLD.key_hash)
        EXECUTE FUNCTION api_keys_signal_revocation();
      CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys
        FOR EACH ROW EXECUTE FUNCTION api_keys_signal_revocation();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER api_keys_deleted ON api_keys;
      DROP TRIGGER api_keys_revoked ON api_keys;
      DROP FUNCTION api_keys_signal_revocation();
    `);
  }
}
