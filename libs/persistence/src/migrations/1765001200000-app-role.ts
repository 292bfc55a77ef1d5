import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The role the API and the worker run as: `credit_alliance_app`, a NOLOGIN group that owns
 * no table of the ledger, so it can neither drop the append-only triggers nor disable them.
 * A deployment logs in as a member of it (docker/postgres-init/10-app-role.sh); migrations
 * keep running as the owner. Its grants follow what the repositories do, no more:
 *
 * - SELECT and INSERT on every table but `migrations` (SELECT only on the view
 *   `credit_record_versions`);
 * - UPDATE on the tables the application updates, locks (FOR UPDATE, FOR NO KEY UPDATE) or
 *   upserts into (ON CONFLICT DO UPDATE), the `ratings` trigger's `current_ratings` included;
 * - on the eight kind tables of the ledger, UPDATE of `status`, `is_current` and `change_seq`
 *   only (the other columns are refused by privilege, and by the trigger besides); on
 *   `inquiries`, UPDATE of `audit_seq` only (sealing);
 * - DELETE only where the application deletes;
 * - none of UPDATE, DELETE or TRUNCATE on `audit_log`, `record_status_changes`,
 *   `partner_checks`, `record_statements`, `ratings`, `rating_events`, `trade_matches`,
 *   `consortium_standings`, `import_rejections`, `webhook_attempts` or `banks`;
 * - USAGE and SELECT on the sequences (nextval, currval; not setval);
 * - the full recompute's scratch tables are its own: the worker TRUNCATEs and ANALYZEs them,
 *   and in PostgreSQL 15 only the owner may ANALYZE (anyone else's is skipped, with a WARNING).
 *
 * Functions keep PostgreSQL's default EXECUTE for PUBLIC; TEMP on the database (the import's
 * staging tables) is granted explicitly, as is USAGE on the schema. Tables and sequences later
 * migrations create get the plain DML grants by default privileges; a migration adding an
 * append-only table revokes UPDATE, DELETE and TRUNCATE from the role (README.md here).
 *
 * Roles are cluster-wide and tests migrate many databases at once: the role is created in a
 * block that takes another migrator's concurrent CREATE ROLE as success.
 */
const APP_ROLE = 'credit_alliance_app';

/** The ledger's version tables (KIND_SPECS): only their status may move. */
const KIND_TABLES = [
  'trade_experiences',
  'financial_statements',
  'payment_records',
  'tax_credit_grades',
  'loan_records',
  'public_records',
  'guarantees',
  'soft_signals',
] as const;

/** Tables the application updates, locks for update, or upserts into with DO UPDATE. */
const UPDATED_TABLES = [
  'api_keys',
  'companies', // locked FOR NO KEY UPDATE, which needs UPDATE
  'consent_requests',
  'consents',
  'consortia',
  'current_ratings', // ratings_keep_current(), which runs as the inserting role
  'disputes',
  'full_recompute_chunks',
  'full_recompute_runs',
  'guarantee_fund_contributions',
  'guarantee_funds',
  'idempotency_keys',
  'imports',
  'login_failures',
  'notices',
  'outbox',
  'owner_consents',
  'partner_check_days',
  'partner_check_rules',
  'public_profiles',
  'rating_models',
  'refresh_tokens',
  'sessions',
  'users',
  'watchlist',
  'webhook_deliveries',
  'webhook_endpoints',
] as const;

/** Tables the application deletes from: cancelled or finished imports' chunks, reset sign-in counters, a fund's contributions, sent outbox rows. */
const DELETED_TABLES = ['guarantee_fund_contributions', 'import_chunks', 'imports', 'login_failures', 'outbox'] as const;

/** The full recompute's scratch tables: TRUNCATEd and ANALYZEd by the worker each run. */
const SCRATCH_TABLES = ['full_recompute_trade', 'full_recompute_partners'] as const;

const list = (tables: readonly string[]): string => tables.join(', ');

export class AppRole1765001200000 implements MigrationInterface {
  name = 'AppRole1765001200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
          CREATE ROLE ${APP_ROLE} NOLOGIN;
        END IF;
      EXCEPTION
        -- another database of the cluster, migrating at the same moment, created it first
        WHEN duplicate_object OR unique_violation THEN NULL;
      END
      $$;
      DO $$
      BEGIN
        EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO ${APP_ROLE}', current_database());
      END
      $$;
      GRANT USAGE ON SCHEMA public TO ${APP_ROLE};
      GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO ${APP_ROLE};
      REVOKE ALL ON TABLE migrations FROM ${APP_ROLE};
      REVOKE INSERT ON credit_record_versions FROM ${APP_ROLE}; -- a view: read only
      GRANT UPDATE ON ${list(UPDATED_TABLES)} TO ${APP_ROLE};
      GRANT UPDATE (status, is_current, change_seq) ON ${list(KIND_TABLES)} TO ${APP_ROLE};
      GRANT UPDATE (audit_seq) ON inquiries TO ${APP_ROLE};
      GRANT DELETE ON ${list(DELETED_TABLES)} TO ${APP_ROLE};
      GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE};
      REVOKE ALL ON SEQUENCE migrations_id_seq FROM ${APP_ROLE};
      ${SCRATCH_TABLES.map((t) => `ALTER TABLE ${t} OWNER TO ${APP_ROLE};`).join('\n      ')}
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE};
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${APP_ROLE};
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM ${APP_ROLE};
      ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM ${APP_ROLE};
      ${SCRATCH_TABLES.map((t) => `ALTER TABLE ${t} OWNER TO CURRENT_USER;`).join('\n      ')}
      REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${APP_ROLE};
      REVOKE UPDATE (audit_seq) ON inquiries FROM ${APP_ROLE};
      REVOKE UPDATE (status, is_current, change_seq) ON ${list(KIND_TABLES)} FROM ${APP_ROLE};
      REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${APP_ROLE};
      REVOKE USAGE ON SCHEMA public FROM ${APP_ROLE};
      DO $$
      BEGIN
        EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM ${APP_ROLE}', current_database());
      END
      $$;
    `);
  }
}
