#!/usr/bin/env bash
# The roles the API and the worker connect as (docker/compose.yml). The postgres image runs
# this once, on an empty data volume, as POSTGRES_USER (the owner of the tables, a superuser);
# on a volume made before it, run it by hand:
#   docker compose -f docker/compose.yml exec postgres bash /docker-entrypoint-initdb.d/10-app-role.sh
#
# credit_alliance_app: NOLOGIN, the group the migration 1765001200000-app-role grants the
#   application's privileges to (and creates too, when missing: this script only comes first).
# credit_alliance_api: the login, a member of it; neither owner nor superuser, so it cannot
#   drop or disable the append-only triggers, nor set session_replication_role.
# Its password: APP_DB_PASSWORD from the environment (set again on every run of this script).
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="${APP_DB_PASSWORD:-credit_alliance_api}" <<'SQL'
DO $$
BEGIN
  CREATE ROLE credit_alliance_app NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END
$$;
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'credit_alliance_api') AS missing \gset
\if :missing
CREATE ROLE credit_alliance_api LOGIN;
\endif
ALTER ROLE credit_alliance_api WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
GRANT credit_alliance_app TO credit_alliance_api;
SQL
