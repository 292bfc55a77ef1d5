import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bank access: consents and consent requests, inquiries (every bank read, sealed into the
 * audit log in batches), the banks' watchlists, and webhook endpoints, deliveries and
 * attempts. Reviewed SQL; never edit once released.
 */
export class BankAccess1764300400000 implements MigrationInterface {
  name = 'BankAccess1764300400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- A bank's request for a company's consent (how a loan application starts); the
      -- company's MEMBERs accept or decline it. At most one pending per company, bank, scope.
      CREATE TABLE consent_requests (
        id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        company_id            uuid NOT NULL REFERENCES companies (id),
        consortium_id         uuid NOT NULL REFERENCES consortia (id),
        bank_id               uuid NOT NULL REFERENCES banks (id),
        scope                 text NOT NULL CHECK (scope IN ('RATING', 'REPORT')),
        purpose               text NOT NULL CHECK (purpose IN ('LOAN_APPLICATION', 'ACCOUNT_REVIEW', 'MONITORING')),
        message               text,
        requested_expires_at  timestamptz,
        requested_by_user     uuid REFERENCES users (id),
        requested_by_api_key  uuid REFERENCES api_keys (id),
        requested_at          timestamptz NOT NULL,
        status                text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'ACCEPTED', 'DECLINED')),
        decided_at            timestamptz,
        decided_by            uuid REFERENCES users (id),
        decline_reason        text,
        CONSTRAINT consent_requests_requester_check CHECK (num_nonnulls(requested_by_user, requested_by_api_key) = 1),
        CONSTRAINT consent_requests_decision_check CHECK ((status = 'PENDING') = (decided_at IS NULL))
      );
      CREATE UNIQUE INDEX consent_requests_pending_key ON consent_requests (company_id, bank_id, scope) WHERE status = 'PENDING';
      CREATE INDEX consent_requests_company_idx ON consent_requests (company_id, requested_at DESC);
      CREATE INDEX consent_requests_bank_idx ON consent_requests (bank_id, requested_at DESC);

      -- A company's grant to one bank, for a scope, until it expires or is revoked. Rows are
      -- never deleted: the history of who could read what is kept. A new grant for the same
      -- bank and scope supersedes the active one (revoke_reason SUPERSEDED).
      CREATE TABLE consents (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        company_id     uuid NOT NULL REFERENCES companies (id),
        consortium_id  uuid NOT NULL REFERENCES consortia (id),
        bank_id        uuid NOT NULL REFERENCES banks (id),
        scope          text NOT NULL CHECK (scope IN ('RATING', 'REPORT')),
        granted_by     uuid NOT NULL REFERENCES users (id),
        granted_at     timestamptz NOT NULL,
        expires_at     timestamptz,
        revoked_at     timestamptz,
        revoked_by     uuid REFERENCES users (id),
        revoke_reason  text CHECK (revoke_reason IN ('REVOKED', 'SUPERSEDED')),
        request_id     uuid REFERENCES consent_requests (id),
        CONSTRAINT consents_expiry_check CHECK (expires_at IS NULL OR expires_at > granted_at),
        CONSTRAINT consents_revocation_check CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL))
      );
      -- the consent check of every bank read
      CREATE INDEX consents_read_idx ON consents (company_id, bank_id) WHERE revoked_at IS NULL;
      CREATE INDEX consents_company_idx ON consents (company_id, granted_at DESC);
      CREATE INDEX consents_bank_idx ON consents (bank_id, granted_at DESC);
      ALTER TABLE consent_requests ADD COLUMN consent_id uuid REFERENCES consents (id);

      -- One row per successful bank read (Art. 22: who, when, what, why), inserted by the
      -- same statement that checks the consent and reads the data. The sealing step chains
      -- them into audit_log in batches and sets audit_seq, so reads never queue on the
      -- audit log's append lock. No foreign keys: an append-only log that every read writes
      -- should not take share locks on the bank, company and consent rows it names.
      CREATE TABLE inquiries (
        id             bigserial PRIMARY KEY,
        company_id     uuid NOT NULL,
        consortium_id  uuid NOT NULL,
        bank_id        uuid NOT NULL,
        consent_id     uuid NOT NULL,
        user_id        uuid,
        api_key_id     uuid,
        purpose        text NOT NULL CHECK (purpose IN ('LOAN_APPLICATION', 'ACCOUNT_REVIEW', 'MONITORING')),
        scope          text NOT NULL CHECK (scope IN ('RATING', 'REPORT')),
        -- ALERT: a RatingChanged alert sent to the bank's monitoring (a read made by the
        -- platform on the bank's behalf, under its consent, so the company sees it too)
        channel        text NOT NULL CHECK (channel IN ('GRAPHQL', 'REST', 'ALERT')),
        at             timestamptz NOT NULL,
        -- the RatingChanged event an ALERT reported: one inquiry per bank and event
        event_id       bigint,
        audit_seq      bigint,
        CONSTRAINT inquiries_reader_check CHECK (
          CASE WHEN channel = 'ALERT' THEN num_nonnulls(user_id, api_key_id) = 0 AND event_id IS NOT NULL
               ELSE num_nonnulls(user_id, api_key_id) = 1 AND event_id IS NULL END
        )
      );
      CREATE INDEX inquiries_company_idx ON inquiries (company_id, at DESC);
      CREATE UNIQUE INDEX inquiries_alert_key ON inquiries (bank_id, event_id) WHERE event_id IS NOT NULL;
      CREATE INDEX inquiries_unsealed_idx ON inquiries (id) WHERE audit_seq IS NULL;

      -- Inquiries are append-only: the only change allowed is sealing (audit_seq set once).
      CREATE FUNCTION inquiries_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.audit_seq IS NULL AND NEW.audit_seq IS NOT NULL
           AND (to_jsonb(NEW) - 'audit_seq') = (to_jsonb(OLD) - 'audit_seq') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'inquiries are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER inquiries_no_change BEFORE UPDATE OR DELETE ON inquiries
        FOR EACH ROW EXECUTE FUNCTION inquiries_are_append_only();
      CREATE TRIGGER inquiries_no_truncate BEFORE TRUNCATE ON inquiries
        FOR EACH STATEMENT EXECUTE FUNCTION inquiries_are_append_only();

      -- A bank's monitored companies; only companies with an active consent may be added,
      -- and a revoked consent ends the watch at once (removed_reason CONSENT_REVOKED).
      CREATE TABLE watchlist (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        bank_id           uuid NOT NULL REFERENCES banks (id),
        company_id        uuid NOT NULL REFERENCES companies (id),
        added_by_user     uuid REFERENCES users (id),
        added_by_api_key  uuid REFERENCES api_keys (id),
        added_at          timestamptz NOT NULL,
        removed_at        timestamptz,
        removed_reason    text CHECK (removed_reason IN ('REMOVED', 'CONSENT_REVOKED')),
        CONSTRAINT watchlist_adder_check CHECK (num_nonnulls(added_by_user, added_by_api_key) = 1),
        CONSTRAINT watchlist_removal_check CHECK ((removed_at IS NULL) = (removed_reason IS NULL))
      );
      CREATE UNIQUE INDEX watchlist_active_key ON watchlist (bank_id, company_id) WHERE removed_at IS NULL;
      CREATE INDEX watchlist_company_idx ON watchlist (company_id) WHERE removed_at IS NULL;

      -- Where a bank receives its alerts. The secret signs every delivery (HMAC-SHA256); it
      -- must be readable to sign, so it is stored as is and shown to the bank only once.
      -- After a rotation the previous secret signs too until previous_secret_until.
      CREATE TABLE webhook_endpoints (
        id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        bank_id                uuid NOT NULL REFERENCES banks (id),
        url                    text NOT NULL,
        secret                 text NOT NULL,
        previous_secret        text,
        previous_secret_until  timestamptz,
        created_at             timestamptz NOT NULL,
        disabled_at            timestamptz
      );
      CREATE UNIQUE INDEX webhook_endpoints_active_key ON webhook_endpoints (bank_id) WHERE disabled_at IS NULL;

      -- One event for one endpoint. The body is fixed when the delivery is created, so every
      -- attempt signs the same bytes; UNIQUE (endpoint, event) makes the fan-out idempotent.
      CREATE TABLE webhook_deliveries (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id    uuid NOT NULL REFERENCES webhook_endpoints (id),
        bank_id        uuid NOT NULL REFERENCES banks (id),
        company_id     uuid NOT NULL REFERENCES companies (id),
        event_id       bigint NOT NULL REFERENCES rating_events (id),
        event_type     text NOT NULL,
        body           text NOT NULL,
        status         text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED')),
        attempt_count  integer NOT NULL DEFAULT 0,
        created_at     timestamptz NOT NULL,
        delivered_at   timestamptz,
        status_reason  text,
        CONSTRAINT webhook_deliveries_event_key UNIQUE (endpoint_id, event_id)
      );
      CREATE INDEX webhook_deliveries_bank_idx ON webhook_deliveries (bank_id, created_at DESC);
      CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (bank_id, company_id) WHERE status = 'PENDING';

      -- Every attempt, automatic or by hand, with the receiver's answer: visible to the bank.
      CREATE TABLE webhook_attempts (
        id           bigserial PRIMARY KEY,
        delivery_id  uuid NOT NULL REFERENCES webhook_deliveries (id),
        attempt      integer NOT NULL,
        trigger      text NOT NULL CHECK (trigger IN ('AUTOMATIC', 'MANUAL')),
        at           timestamptz NOT NULL,
        status_code  integer,
        error        text,
        duration_ms  integer NOT NULL
      );
      CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE webhook_attempts;
      DROP TABLE webhook_deliveries;
      DROP TABLE webhook_endpoints;
      DROP TABLE watchlist;
      DROP TABLE inquiries;
      DROP FUNCTION inquiries_are_append_only();
      ALTER TABLE consent_requests DROP COLUMN consent_id;
      DROP TABLE consents;
      DROP TABLE consent_requests;
    `);
  }
}
