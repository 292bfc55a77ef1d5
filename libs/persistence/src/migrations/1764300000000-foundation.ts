import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity, tenancy, sessions, API keys and the hash-chained audit log.
 * Reviewed SQL; never edit once released (add a new migration instead).
 */
export class Foundation1764300000000 implements MigrationInterface {
  name = 'Foundation1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consortia (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name        text NOT NULL,
        region      text NOT NULL,
        industry    text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX consortia_name_key ON consortia (name);

      CREATE TABLE banks (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name        text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX banks_name_key ON banks (name);

      CREATE TABLE companies (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        consortium_id  uuid NOT NULL REFERENCES consortia (id),
        credit_code    char(18) NOT NULL,
        name           text NOT NULL,
        joined_on      date NOT NULL DEFAULT current_date,
        created_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT companies_credit_code_key UNIQUE (credit_code)
      );
      CREATE INDEX companies_consortium_idx ON companies (consortium_id, name);

      CREATE TABLE users (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email          text NOT NULL,
        password_hash  text NOT NULL,
        role           text NOT NULL CHECK (role IN ('ADMIN', 'COORDINATOR', 'MEMBER', 'BANK')),
        company_id     uuid REFERENCES companies (id),
        consortium_id  uuid REFERENCES consortia (id),
        bank_id        uuid REFERENCES banks (id),
        created_at     timestamptz NOT NULL DEFAULT now(),
        disabled_at    timestamptz,
        -- each role belongs to exactly the tenant it works for
        CONSTRAINT users_tenant_check CHECK (
             (role = 'ADMIN'       AND company_id IS NULL     AND consortium_id IS NULL     AND bank_id IS NULL)
          OR (role = 'COORDINATOR' AND company_id IS NULL     AND consortium_id IS NOT NULL AND bank_id IS NULL)
          OR (role = 'MEMBER'      AND company_id IS NOT NULL AND consortium_id IS NULL     AND bank_id IS NULL)
          OR (role = 'BANK'        AND company_id IS NULL     AND consortium_id IS NULL     AND bank_id IS NOT NULL)
        )
      );
      CREATE UNIQUE INDEX users_email_key ON users (lower(email));
      CREATE INDEX users_company_idx ON users (company_id) WHERE company_id IS NOT NULL;

      -- One row per sign-in. Refresh tokens rotate inside a session; presenting a used one
      -- again revokes the session (reuse detection, RFC 6819 5.2.2.3).
      CREATE TABLE sessions (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id         uuid NOT NULL REFERENCES users (id),
        created_at      timestamptz NOT NULL DEFAULT now(),
        expires_at      timestamptz NOT NULL,
        revoked_at      timestamptz,
        revoked_reason  text
      );
      CREATE INDEX sessions_user_idx ON sessions (user_id);

      CREATE TABLE refresh_tokens (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id  uuid NOT NULL REFERENCES sessions (id),
        token_hash  bytea NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        used_at     timestamptz
      );
      CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

      -- Banks' systems: the key is shown once; only its SHA-256 is kept (a 256-bit random
      -- key needs no slow hash).
      CREATE TABLE api_keys (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        bank_id       uuid NOT NULL REFERENCES banks (id),
        name          text NOT NULL,
        prefix        text NOT NULL,
        key_hash      bytea NOT NULL,
        created_by    uuid NOT NULL REFERENCES users (id),
        created_at    timestamptz NOT NULL DEFAULT now(),
        revoked_at    timestamptz,
        last_used_at  timestamptz,
        CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
      );
      CREATE INDEX api_keys_bank_idx ON api_keys (bank_id);

      -- Failed sign-ins per account and per address, in fixed windows.
      CREATE TABLE login_failures (
        key              text PRIMARY KEY,
        window_start     timestamptz NOT NULL,
        failures         integer NOT NULL
      );

      -- The tamper-evident log: hash = SHA-256(prev_hash || content), appends serialised by
      -- an advisory lock so the chain cannot fork; content is the canonical JSON that was
      -- hashed, kept verbatim so that verification needs no re-serialisation.
      CREATE TABLE audit_log (
        seq            bigint PRIMARY KEY,
        at             timestamptz NOT NULL,
        action         text NOT NULL,
        actor_id       uuid,
        consortium_id  uuid,
        company_id     uuid,
        content        text NOT NULL,
        prev_hash      bytea NOT NULL,
        hash           bytea NOT NULL
      );
      CREATE INDEX audit_log_company_idx ON audit_log (company_id, seq) WHERE company_id IS NOT NULL;

      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_log;
      DROP FUNCTION audit_log_is_append_only();
      DROP TABLE login_failures;
      DROP TABLE api_keys;
      DROP TABLE refresh_tokens;
      DROP TABLE sessions;
      DROP TABLE users;
      DROP TABLE companies;
      DROP TABLE banks;
      DROP TABLE consortia;
    `);
  }
}
