import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner checks (give to get) and the public credit profile (docs/partners.md).
 * Reviewed SQL; never edit once released (add a new migration instead).
 */
export class PartnersAndProfiles1764300500000 implements MigrationInterface {
  name = 'PartnersAndProfiles1764300500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- A consortium's own give-to-get rules; without a row it uses the platform's defaults.
      CREATE TABLE partner_check_rules (
        consortium_id               uuid PRIMARY KEY REFERENCES consortia (id),
        contribution_window_months  integer NOT NULL CHECK (contribution_window_months BETWEEN 1 AND 60),
        min_trade_lines             integer NOT NULL CHECK (min_trade_lines BETWEEN 1 AND 10000),
        daily_check_limit           integer NOT NULL CHECK (daily_check_limit BETWEEN 1 AND 10000),
        updated_by                  uuid NOT NULL,
        updated_at                  timestamptz NOT NULL
      );

      -- Every successful partner check: the checked company sees who checked it and when.
      -- Append-only; the audit log holds the same fact, hash-chained.
      CREATE TABLE partner_checks (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        consortium_id       uuid NOT NULL REFERENCES consortia (id),
        checker_company_id  uuid NOT NULL REFERENCES companies (id),
        checked_by          uuid NOT NULL,
        partner_company_id  uuid NOT NULL REFERENCES companies (id),
        at                  timestamptz NOT NULL,
        CHECK (checker_company_id <> partner_company_id)
      );
      CREATE INDEX partner_checks_partner_idx ON partner_checks (partner_company_id, at DESC);
      CREATE INDEX partner_checks_checker_idx ON partner_checks (checker_company_id, at);

      CREATE FUNCTION partner_checks_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'partner_checks is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER partner_checks_no_change BEFORE UPDATE OR DELETE ON partner_checks
        FOR EACH ROW EXECUTE FUNCTION partner_checks_is_append_only();

      -- Checks per member company per China calendar day: the daily limit is one atomic
      -- upsert on this row, so concurrent checks cannot pass it.
      CREATE TABLE partner_check_days (
        checker_company_id  uuid NOT NULL REFERENCES companies (id),
        day                 date NOT NULL,
        checks              integer NOT NULL CHECK (checks >= 0),
        PRIMARY KEY (checker_company_id, day)
      );

      -- A company's public profile. The slug is fixed when first published and kept after
      -- unpublishing, so that no one else can take over the address its badges link to;
      -- a company may choose its fields before it has one.
      CREATE TABLE public_profiles (
        company_id    uuid PRIMARY KEY REFERENCES companies (id),
        slug          text,
        fields        text[] NOT NULL DEFAULT '{}',
        published     boolean NOT NULL DEFAULT false,
        published_at  timestamptz,
        updated_by    uuid NOT NULL,
        updated_at    timestamptz NOT NULL,
        created_at    timestamptz NOT NULL,
        CONSTRAINT public_profiles_slug_key UNIQUE (slug),
        CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$'),
        CHECK (fields <@ ARRAY['NAME', 'CREDIT_CODE', 'CONSORTIUM', 'GRADE', 'CERTIFICATIONS', 'COMMUNITY_WORK', 'YEARS_IN_ALLIANCE']::text[]),
        CHECK (published = (published_at IS NOT NULL)),
        CHECK (slug IS NOT NULL OR NOT published)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE public_profiles;
      DROP TABLE partner_check_days;
      DROP TABLE partner_checks;
      DROP FUNCTION partner_checks_is_append_only();
      DROP TABLE partner_check_rules;
    `);
  }
}
