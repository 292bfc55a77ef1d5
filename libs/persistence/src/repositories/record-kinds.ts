import type { RecordKind } from '@app/domain';

/** How a payload value is written, read and hashed. */
export type ColumnType = 'text' | 'date' | 'money' | 'int' | 'bool' | 'uuid' | 'jsonb';

export interface PayloadColumn {
  readonly column: string;
  /** the payload property it holds */
  readonly prop: string;
  readonly type: ColumnType;
}

/**
 * One record kind as the ledger stores it: its table (rows are versions), the columns of its
 * payload, and the natural key its record id is derived from (docs/records.md).
 */
export interface KindSpec {
  readonly kind: RecordKind;
  readonly table: string;
  readonly payload: readonly PayloadColumn[];
  /**
   * The columns whose values name the record: the same values give the same record id, so
   * a resubmission finds its record and a correction becomes its next version.
   */
  readonly key: readonly string[];
}

const col = (column: string, type: ColumnType, prop?: string): PayloadColumn => ({
  column,
  type,
  prop: prop ?? column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
});

const STATEMENT_ITEMS = [
  'revenue',
  'net_income',
  'ebit',
  'total_assets',
  'current_assets',
  'total_liabilities',
  'current_liabilities',
  'retained_earnings',
  'equity',
  'cash',
  'receivables',
  'inventory',
  'fixed_assets',
  'short_term_liabilities',
  'long_term_liabilities',
  'share_capital',
  'gross_profit',
  'operating_profit',
  'depreciation',
  'interest_expense',
  'cost_of_sales',
  'operating_expenses',
  'prior_year_revenue',
];

export const KIND_SPECS: Readonly<Record<RecordKind, KindSpec>> = {
  TRADE_EXPERIENCE: {
    kind: 'TRADE_EXPERIENCE',
    table: 'trade_experiences',
    payload: [
      col('side', 'text'),
      col('counterparty_id', 'uuid', 'creditorId'),
      col('invoice_no', 'text'),
      col('amount', 'money'),
      col('invoice_date', 'date'),
      col('due_date', 'date'),
      col('paid_date', 'date'),
    ],
    // the supplier's receivable and the buyer's payable of one invoice are two records
    key: ['side', 'counterparty_id', 'subject_id', 'invoice_no'],
  },
  FINANCIAL_STATEMENT: {
    kind: 'FINANCIAL_STATEMENT',
    table: 'financial_statements',
    payload: [col('fiscal_year', 'int'), col('audited', 'bool'), ...STATEMENT_ITEMS.map((c) => col(c, 'money'))],
    key: ['subject_id', 'fiscal_year'],
  },
  PAYMENT_RECORD: {
    kind: 'PAYMENT_RECORD',
    table: 'payment_records',
    payload: [col('payment_kind', 'text'), col('reference', 'text'), col('payee', 'text'), col('amount', 'money'), col('due_date', 'date'), col('paid_date', 'date')],
    // the company's own filing and the coordinator's official export are separate records
    key: ['reporter_role', 'subject_id', 'payment_kind', 'reference'],
  },
  TAX_CREDIT_GRADE: {
    kind: 'TAX_CREDIT_GRADE',
    table: 'tax_credit_grades',
    payload: [col('tax_year', 'int'), col('grade', 'text'), col('published_on', 'date')],
    key: ['reporter_role', 'subject_id', 'tax_year'],
  },
  LOAN_RECORD: {
    kind: 'LOAN_RECORD',
    table: 'loan_records',
    payload: [
      col('contract_no', 'text'),
      col('principal', 'money'),
      col('outstanding', 'money'),
      col('start_date', 'date'),
      col('maturity_date', 'date'),
      col('repayments', 'jsonb'),
      col('days_past_due', 'int'),
      col('defaulted_on', 'date'),
      col('cured_on', 'date'),
    ],
    key: ['reporter_bank_id', 'subject_id', 'contract_no'],
  },
  PUBLIC_RECORD: {
    kind: 'PUBLIC_RECORD',
    table: 'public_records',
    payload: [col('public_kind', 'text'), col('case_no', 'text'), col('authority', 'text'), col('event_date', 'date'), col('ended_on', 'date'), col('amount', 'money')],
    key: ['subject_id', 'public_kind', 'case_no'],
  },
  GUARANTEE: {
    kind: 'GUARANTEE',
    table: 'guarantees',
    payload: [col('contract_no', 'text'), col('amount', 'money'), col('start_date', 'date'), col('end_date', 'date')],
    key: ['reporter_company_id', 'subject_id', 'contract_no'],
  },
  SOFT_SIGNAL: {
    kind: 'SOFT_SIGNAL',
    table: 'soft_signals',
    payload: [
      col('signal_kind', 'text'),
      col('reference', 'text'),
      col('value', 'int'),
      col('recorded_on', 'date'),
      col('valid_until', 'date'),
      col('owner_consent_id', 'uuid'),
    ],
    key: ['subject_id', 'signal_kind', 'reference'],
  },
};

/** Header columns every kind table has (besides the payload), in insertion order. */
export const HEADER_COLUMNS: readonly { readonly column: string; readonly type: ColumnType | 'timestamptz' | 'bytea' }[] = [
  { column: 'record_id', type: 'uuid' },
  { column: 'version', type: 'int' },
  { column: 'consortium_id', type: 'uuid' },
  { column: 'subject_id', type: 'uuid' },
  { column: 'reporter_company_id', type: 'uuid' },
  { column: 'reporter_bank_id', type: 'uuid' },
  { column: 'reporter_role', type: 'text' },
  { column: 'status', type: 'text' },
  { column: 'filed_status', type: 'text' },
  { column: 'is_current', type: 'bool' },
  { column: 'evidence_sha256', type: 'bytea' },
  { column: 'evidence_name', type: 'text' },
  { column: 'negative', type: 'bool' },
  { column: 'notice_id', type: 'uuid' },
  { column: 'counts_from', type: 'timestamptz' },
  { column: 'ended_on', type: 'date' },
  { column: 'expires_on', type: 'date' },
  { column: 'import_id', type: 'uuid' },
  { column: 'filed_by', type: 'uuid' },
  { column: 'created_at', type: 'timestamptz' },
];

/** The header columns a kind writes: ended_on is a payload column of public records. */
export function headerColumnsOf(spec: KindSpec): typeof HEADER_COLUMNS {
  const payload = new Set(spec.payload.map((p) => p.column));
  return HEADER_COLUMNS.filter((h) => !payload.has(h.column));
}

const SQL_TYPE: Readonly<Record<ColumnType | 'timestamptz' | 'bytea', string>> = {
  text: 'text',
  date: 'date',
  money: 'numeric',
  int: 'integer',
  bool: 'boolean',
  uuid: 'uuid',
  jsonb: 'jsonb',
  timestamptz: 'timestamptz',
  bytea: 'bytea',
};

export function sqlType(type: ColumnType | 'timestamptz' | 'bytea'): string {
  return SQL_TYPE[type];
}

/**
 * A value's bytes for hashing, in PostgreSQL's binary send format (fixed, whatever the
 * session's settings, and cheaper than text); text is length-prefixed and every nullable
 * value is marked present (1) or null (0), so that no two rows give the same bytes.
 */
function hashed(alias: string, column: string, type: ColumnType | 'timestamptz' | 'bytea'): string {
  const ref = `${alias}.${column}`;
  const bytes: Readonly<Record<ColumnType | 'timestamptz' | 'bytea', string>> = {
    text: `int4send(octet_length(${ref})) || convert_to(${ref}, 'UTF8')`,
    date: `date_send(${ref})`,
    timestamptz: `timestamptz_send(${ref})`,
    money: `numeric_send((${ref})::numeric(18, 2))`,
    int: `int4send(${ref})`,
    bool: `boolsend(${ref})`,
    uuid: `uuid_send(${ref})`,
    jsonb: `jsonb_send(${ref})`,
    bytea: `int4send(octet_length(${ref})) || ${ref}`,
  };
  return `coalesce('\\x01'::bytea || ${bytes[type]}, '\\x00'::bytea)`;
}

/**
 * SHA-256 of everything immutable in a version (all but status, is_current, change_seq),
 * over the row `alias`. Computed by PostgreSQL when the version is written and again when
 * the ledger is verified; the audit log keeps what it was at filing.
 */
export function rowHashSql(spec: KindSpec, alias: string): string {
  const parts = [
    ...headerColumnsOf(spec)
      .filter((h) => !['status', 'is_current'].includes(h.column))
      .map((h) => hashed(alias, h.column, h.type)),
    ...spec.payload.map((p) => hashed(alias, p.column, p.type)),
  ];
  return `sha256(${parts.join(' || ')})`;
}

/** The record id of a row `alias`: an MD5 name-based UUID of the kind and its natural key. */
export function recordIdSql(spec: KindSpec, alias: string): string {
  return `md5(concat_ws('|', '${spec.kind}', ${spec.key.map((k) => `${alias}.${k}::text`).join(', ')}))::uuid`;
}

/**
 * Whether a filing (row `filing`, its filed_status what the filer files it as) says what the
 * current version (row `current`) says: an identical resubmission. Payload and evidence are
 * compared; the status the record reached since (confirmed, matched, or the overdue run's
 * version, filed with the status it found) is not the filer's to say again. Only a verified
 * source says more than a version filed pending and not verified since. The API's
 * RecordsService applies the same rule.
 */
export function sameFilingSql(spec: KindSpec, filing: string, current: string): string {
  const columns = [...spec.payload.map((p) => p.column), 'evidence_sha256', 'evidence_name'];
  const status = `(${filing}.filed_status = 'PENDING' OR ${current}.filed_status = 'VERIFIED' OR ${current}.status = 'VERIFIED')`;
  return [status, ...columns.map((c) => `${filing}.${c} IS NOT DISTINCT FROM ${current}.${c}`)].join(' AND ');
}

/** The select list of a version row: dates as text, hashes as hex. */
export function selectListSql(spec: KindSpec, alias: string): string {
  const header = [
    'record_id',
    'version',
    'consortium_id',
    'subject_id',
    'reporter_company_id',
    'reporter_bank_id',
    'reporter_role',
    'status',
    'filed_status',
    'is_current',
    'change_seq',
    'negative',
    'notice_id',
    'counts_from',
    'import_id',
    'filed_by',
    'created_at',
  ].map((c) => `${alias}.${c}`);
  header.push(
    `encode(${alias}.row_hash, 'hex') AS row_hash`,
    `encode(${alias}.evidence_sha256, 'hex') AS evidence_sha256`,
    `${alias}.evidence_name`,
    `to_char(${alias}.ended_on, 'YYYY-MM-DD') AS ended_on`,
    `to_char(${alias}.expires_on, 'YYYY-MM-DD') AS expires_on`,
  );
  const payload = spec.payload
    .filter((p) => p.column !== 'ended_on')
    .map((p) => (p.type === 'date' ? `to_char(${alias}.${p.column}, 'YYYY-MM-DD') AS ${p.column}` : `${alias}.${p.column}`));
  return [...header, ...payload].join(', ');
}
