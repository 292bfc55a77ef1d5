import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Columns every record version has, whatever its kind (docs/records.md). A row is one
 * version; the record's id is derived from its natural key, so the primary key is also the
 * natural key's uniqueness. Only `status`, `is_current` and `change_seq` ever change.
 * No foreign keys on the company and bank ids: their per-row checks cost more than the rest
 * of a bulk import's insert together (docs/benchmarks.md); every id written is resolved
 * from the registry in the writing transaction, and companies and banks are never deleted.
 */
const VERSION_COLUMNS = `
  record_id           uuid NOT NULL,
  version             integer NOT NULL CHECK (version >= 1),
  consortium_id       uuid NOT NULL,
  subject_id          uuid NOT NULL,
  reporter_company_id uuid,
  reporter_bank_id    uuid,
  reporter_role       text NOT NULL CHECK (reporter_role IN ('MEMBER', 'COORDINATOR', 'BANK')),
  status              text NOT NULL CHECK (status IN ('PENDING', 'VERIFIED', 'DISPUTED', 'REJECTED')),
  filed_status        text NOT NULL CHECK (filed_status IN ('PENDING', 'VERIFIED')),
  is_current          boolean NOT NULL,
  change_seq          bigint NOT NULL DEFAULT nextval('record_change_seq'),
  row_hash            bytea NOT NULL,
  evidence_sha256     bytea,
  evidence_name       text,
  negative            boolean NOT NULL,
  notice_id           uuid,
  counts_from         timestamptz NOT NULL,
  ended_on            date,
  expires_on          date,
  import_id           uuid,
  filed_by            uuid,
  created_at          timestamptz NOT NULL,
  PRIMARY KEY (record_id, version),
  CHECK ((evidence_sha256 IS NULL) = (evidence_name IS NULL))`;

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

/** The columns of the union view, in order; `counterparty_id` is the creditor of a trade experience. */
const VIEW_COLUMNS = `record_id, version, consortium_id, subject_id, reporter_company_id, reporter_bank_id, reporter_role,
  status, filed_status, is_current, change_seq, row_hash, evidence_sha256, evidence_name, negative, notice_id,
  counts_from, ended_on, expires_on, import_id, filed_by, created_at`;

const VIEW_KINDS: readonly [string, string, string][] = [
  ['TRADE_EXPERIENCE', 'trade_experiences', 'counterparty_id'],
  ['FINANCIAL_STATEMENT', 'financial_statements', 'NULL::uuid'],
  ['PAYMENT_RECORD', 'payment_records', 'NULL::uuid'],
  ['TAX_CREDIT_GRADE', 'tax_credit_grades', 'NULL::uuid'],
  ['LOAN_RECORD', 'loan_records', 'NULL::uuid'],
  ['PUBLIC_RECORD', 'public_records', 'NULL::uuid'],
  ['GUARANTEE', 'guarantees', 'NULL::uuid'],
  ['SOFT_SIGNAL', 'soft_signals', 'NULL::uuid'],
];

/**
 * The verified-records ledger: one table per record kind (rows are versions), status
 * changes, disputes, notices, invoice matches, idempotency keys, and CSV imports.
 * Reviewed SQL; never edit once released (add a new migration instead).
 */
export class CreditRecords1764400000000 implements MigrationInterface {
  name = 'CreditRecords1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- bumped on every change of a record, so a company's data version is one max()
      CREATE SEQUENCE record_change_seq;

      -- Refuses any change to an append-only table.
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;

      -- A record version changes only its status and whether it is the current one.
      CREATE FUNCTION record_version_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND (to_jsonb(NEW) - 'status' - 'is_current' - 'change_seq') = (to_jsonb(OLD) - 'status' - 'is_current' - 'change_seq') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION '% is append-only: a version changes only its status (% refused)', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$;

      -- The owner's written consent to use the owner's personal credit band (Art. 13-14),
      -- kept apart from the company's records.
      CREATE TABLE owner_consents (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        company_id       uuid NOT NULL REFERENCES companies (id),
        owner_name       text NOT NULL,
        document_sha256  bytea NOT NULL,
        document_name    text NOT NULL,
        signed_on        date NOT NULL,
        recorded_by      uuid,
        created_at       timestamptz NOT NULL,
        revoked_at       timestamptz
      );
      CREATE INDEX owner_consents_company_idx ON owner_consents (company_id);

      CREATE TABLE trade_experiences (${VERSION_COLUMNS},
        side             text NOT NULL CHECK (side IN ('SUPPLIER', 'BUYER')),
        counterparty_id  uuid NOT NULL,
        invoice_no       text NOT NULL,
        amount           numeric(18, 2) NOT NULL CHECK (amount > 0),
        invoice_date     date NOT NULL,
        due_date         date NOT NULL,
        paid_date        date,
        CHECK (due_date >= invoice_date),
        CHECK (paid_date IS NULL OR paid_date >= invoice_date)
      );
      -- the creditor's side: its receivables (whoever filed them), and the buyers' payables to match
      CREATE INDEX trade_experiences_creditor_idx ON trade_experiences (counterparty_id, change_seq) WHERE is_current;
      CREATE INDEX trade_experiences_buyer_side_idx ON trade_experiences (counterparty_id, subject_id, invoice_no) WHERE is_current AND side = 'BUYER';

      CREATE TABLE financial_statements (${VERSION_COLUMNS},
        fiscal_year            integer NOT NULL,
        audited                boolean NOT NULL,
        revenue                numeric(18, 2) NOT NULL CHECK (revenue >= 0),
        net_income             numeric(18, 2) NOT NULL,
        ebit                   numeric(18, 2) NOT NULL,
        total_assets           numeric(18, 2) NOT NULL CHECK (total_assets > 0),
        current_assets         numeric(18, 2) NOT NULL CHECK (current_assets >= 0),
        total_liabilities      numeric(18, 2) NOT NULL CHECK (total_liabilities >= 0),
        current_liabilities    numeric(18, 2) NOT NULL CHECK (current_liabilities >= 0),
        retained_earnings      numeric(18, 2) NOT NULL,
        equity                 numeric(18, 2) NOT NULL,
        cash                   numeric(18, 2),
        receivables            numeric(18, 2),
        inventory              numeric(18, 2),
        fixed_assets           numeric(18, 2),
        short_term_liabilities numeric(18, 2),
        long_term_liabilities  numeric(18, 2),
        share_capital          numeric(18, 2),
        gross_profit           numeric(18, 2),
        operating_profit       numeric(18, 2),
        depreciation           numeric(18, 2),
        interest_expense       numeric(18, 2),
        cost_of_sales          numeric(18, 2),
        operating_expenses     numeric(18, 2),
        prior_year_revenue     numeric(18, 2)
      );

      CREATE TABLE payment_records (${VERSION_COLUMNS},
        payment_kind  text NOT NULL CHECK (payment_kind IN ('TAX', 'SOCIAL_INSURANCE', 'UTILITY', 'RENT')),
        reference     text NOT NULL,
        payee         text,
        amount        numeric(18, 2) NOT NULL CHECK (amount > 0),
        due_date      date NOT NULL,
        paid_date     date
      );

      CREATE TABLE tax_credit_grades (${VERSION_COLUMNS},
        tax_year      integer NOT NULL,
        grade         text NOT NULL CHECK (grade IN ('A', 'B', 'M', 'C', 'D')),
        published_on  date NOT NULL
      );

      CREATE TABLE loan_records (${VERSION_COLUMNS},
        contract_no    text NOT NULL,
        principal      numeric(18, 2) NOT NULL CHECK (principal > 0),
        outstanding    numeric(18, 2) NOT NULL CHECK (outstanding >= 0),
        start_date     date NOT NULL,
        maturity_date  date,
        -- the schedule and what was paid: [{dueDate, amount ("1000.00"), paidDate}]
        repayments     jsonb NOT NULL,
        days_past_due  integer NOT NULL CHECK (days_past_due >= 0),
        defaulted_on   date,
        cured_on       date
      );

      -- ended_on (common) is when the judgment, enforcement, listing or penalty ended
      CREATE TABLE public_records (${VERSION_COLUMNS},
        public_kind  text NOT NULL CHECK (public_kind IN ('JUDGMENT', 'ENFORCEMENT', 'DISHONEST_DEBTOR', 'ADMINISTRATIVE_PENALTY')),
        case_no      text NOT NULL,
        authority    text NOT NULL,
        event_date   date NOT NULL,
        amount       numeric(18, 2) CHECK (amount > 0)
      );

      -- reporter_company_id is the guarantor, subject_id the borrower
      CREATE TABLE guarantees (${VERSION_COLUMNS},
        contract_no  text NOT NULL,
        amount       numeric(18, 2) NOT NULL CHECK (amount > 0),
        start_date   date NOT NULL,
        end_date     date
      );

      CREATE TABLE soft_signals (${VERSION_COLUMNS},
        signal_kind       text NOT NULL CHECK (signal_kind IN ('CERTIFICATION', 'REPUTATION', 'COMMUNITY_WORK', 'OWNER_CREDIT_BAND')),
        reference         text NOT NULL,
        value             integer NOT NULL CHECK (value BETWEEN 1 AND 5),
        recorded_on       date NOT NULL,
        valid_until       date,
        owner_consent_id  uuid REFERENCES owner_consents (id),
        CHECK ((signal_kind = 'OWNER_CREDIT_BAND') = (owner_consent_id IS NOT NULL))
      );
    `);

    for (const table of KIND_TABLES) {
      // a trade experience's filer is its subject (a payable) or its creditor (a receivable): both indexed already
      const reporterIndex =
        table === 'trade_experiences'
          ? ''
          : `CREATE INDEX ${table}_reporter_idx ON ${table} (reporter_company_id, change_seq) WHERE is_current AND reporter_company_id IS NOT NULL;`;
      await q.query(`
        CREATE INDEX ${table}_subject_idx ON ${table} (subject_id, change_seq) WHERE is_current;
        ${reporterIndex}
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION record_version_is_append_only();
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
      `);
    }

    await q.query(`
      -- Every version of every kind with the columns they share: for lookups by id, the
      -- lists of a company's records and the ledger's checks.
      CREATE VIEW credit_record_versions AS
      ${VIEW_KINDS.map(([kind, table, counterparty]) => `SELECT '${kind}'::text AS kind, ${VIEW_COLUMNS}, ${counterparty} AS counterparty_id FROM ${table}`).join('\n      UNION ALL ')};

      -- Every status change after filing, append-only: with filed_status it replays a version's status.
      CREATE TABLE record_status_changes (
        id           bigserial PRIMARY KEY,
        kind         text NOT NULL,
        record_id    uuid NOT NULL,
        version      integer NOT NULL,
        from_status  text NOT NULL,
        to_status    text NOT NULL,
        action       text NOT NULL CHECK (action IN ('CONFIRM', 'VERIFY', 'MATCH', 'DISPUTE', 'RESOLVE_CONFIRMED', 'RESOLVE_REJECTED')),
        actor_id     uuid,
        import_id    uuid,
        dispute_id   uuid,
        at           timestamptz NOT NULL
      );
      CREATE INDEX record_status_changes_record_idx ON record_status_changes (record_id, version, id);
      CREATE TRIGGER record_status_changes_append_only BEFORE UPDATE OR DELETE ON record_status_changes
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER record_status_changes_no_truncate BEFORE TRUNCATE ON record_status_changes
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

      -- A subject's contest of a record version; the coordinator settles it within 20 days.
      CREATE TABLE disputes (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind           text NOT NULL,
        record_id      uuid NOT NULL,
        version        integer NOT NULL,
        consortium_id  uuid NOT NULL REFERENCES consortia (id),
        subject_id     uuid NOT NULL REFERENCES companies (id),
        reason         text NOT NULL,
        opened_by      uuid NOT NULL,
        opened_at      timestamptz NOT NULL,
        deadline_at    timestamptz NOT NULL,
        alerted_at     timestamptz,
        escalated_at   timestamptz,
        resolved_at    timestamptz,
        resolved_by    uuid,
        resolution     text CHECK (resolution IN ('RECORD_CONFIRMED', 'RECORD_REJECTED')),
        note           text,
        CHECK ((resolved_at IS NULL) = (resolution IS NULL))
      );
      -- at most one open dispute per record
      CREATE UNIQUE INDEX disputes_open_key ON disputes (record_id) WHERE resolved_at IS NULL;
      CREATE INDEX disputes_consortium_idx ON disputes (consortium_id, opened_at);

      -- What the platform tells a company (negative information before it counts) or a
      -- coordinator (disputes, their deadlines, invoice mismatches).
      CREATE TABLE notices (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind             text NOT NULL CHECK (kind IN ('NEGATIVE_INFORMATION', 'DISPUTE_OPENED', 'DISPUTE_ALERT', 'DISPUTE_ESCALATED', 'TRADE_MISMATCH')),
        consortium_id    uuid NOT NULL REFERENCES consortia (id),
        company_id       uuid REFERENCES companies (id),
        record_id        uuid,
        dispute_id       uuid REFERENCES disputes (id),
        import_id        uuid,
        record_count     integer NOT NULL DEFAULT 1,
        message          text NOT NULL,
        created_at       timestamptz NOT NULL,
        waiting_until    timestamptz,
        acknowledged_at  timestamptz,
        acknowledged_by  uuid
      );
      CREATE INDEX notices_company_idx ON notices (company_id, created_at DESC) WHERE company_id IS NOT NULL;
      CREATE INDEX notices_coordinator_idx ON notices (consortium_id, created_at DESC) WHERE company_id IS NULL;
      -- a dispute's alert and escalation are raised once each, however often their timer fires
      CREATE UNIQUE INDEX notices_dispute_stage_key ON notices (dispute_id, kind) WHERE dispute_id IS NOT NULL;

      -- The two sides of one invoice compared: MATCHED verified both, MISMATCHED flagged both.
      CREATE TABLE trade_matches (
        id                  bigserial PRIMARY KEY,
        supplier_record_id  uuid NOT NULL,
        supplier_version    integer NOT NULL,
        buyer_record_id     uuid NOT NULL,
        buyer_version       integer NOT NULL,
        outcome             text NOT NULL CHECK (outcome IN ('MATCHED', 'MISMATCHED')),
        differences         text[] NOT NULL DEFAULT '{}',
        at                  timestamptz NOT NULL
      );
      CREATE INDEX trade_matches_supplier_idx ON trade_matches (supplier_record_id, supplier_version);
      CREATE INDEX trade_matches_buyer_idx ON trade_matches (buyer_record_id, buyer_version);

      -- Idempotency keys, per caller: the first answer is replayed, other input is a conflict.
      CREATE TABLE idempotency_keys (
        actor_id      uuid NOT NULL,
        key           text NOT NULL,
        operation     text NOT NULL,
        request_hash  bytea NOT NULL,
        result        jsonb NOT NULL,
        created_at    timestamptz NOT NULL,
        PRIMARY KEY (actor_id, key)
      );

      CREATE TABLE imports (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind            text NOT NULL CHECK (kind IN ('TRADE_EXPERIENCES', 'PAYMENT_RECORDS', 'PUBLIC_RECORDS')),
        consortium_id   uuid NOT NULL REFERENCES consortia (id),
        -- the importing member's company; null for a coordinator's import
        company_id      uuid REFERENCES companies (id),
        actor_role      text NOT NULL CHECK (actor_role IN ('MEMBER', 'COORDINATOR')),
        created_by      uuid NOT NULL,
        status          text NOT NULL CHECK (status IN ('RECEIVING', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')),
        file_bytes      bigint NOT NULL DEFAULT 0,
        file_sha256     bytea,
        processed_bytes bigint NOT NULL DEFAULT 0,
        total_rows      integer NOT NULL DEFAULT 0,
        accepted_rows   integer NOT NULL DEFAULT 0,
        unchanged_rows  integer NOT NULL DEFAULT 0,
        rejected_rows   integer NOT NULL DEFAULT 0,
        attempts        integer NOT NULL DEFAULT 0,
        error           text,
        created_at      timestamptz NOT NULL,
        started_at      timestamptz,
        finished_at     timestamptz
      );
      CREATE INDEX imports_consortium_idx ON imports (consortium_id, created_at DESC);

      -- The uploaded file, in pieces, until it is processed: API and worker share only PostgreSQL.
      CREATE TABLE import_chunks (
        import_id  uuid NOT NULL REFERENCES imports (id),
        seq        integer NOT NULL,
        data       bytea NOT NULL,
        PRIMARY KEY (import_id, seq)
      );

      CREATE TABLE import_rejections (
        import_id  uuid NOT NULL REFERENCES imports (id),
        line       integer NOT NULL,
        field      text,
        reason     text NOT NULL,
        PRIMARY KEY (import_id, line)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE import_rejections;
      DROP TABLE import_chunks;
      DROP TABLE imports;
      DROP TABLE idempotency_keys;
      DROP TABLE trade_matches;
      DROP TABLE notices;
      DROP TABLE disputes;
      DROP TABLE record_status_changes;
      DROP VIEW credit_record_versions;
      DROP TABLE ${KIND_TABLES.join(', ')};
      DROP TABLE owner_consents;
      DROP FUNCTION record_version_is_append_only();
      DROP FUNCTION refuse_change();
      DROP SEQUENCE record_change_seq;
    `);
  }
}
