import { BadInputError } from '../errors';
import type { InputContext } from './record-input';

/** What a CSV import files: trade experiences, payment records, or public records. */
export const ImportKind = {
  TRADE_EXPERIENCES: 'TRADE_EXPERIENCES',
  PAYMENT_RECORDS: 'PAYMENT_RECORDS',
  PUBLIC_RECORDS: 'PUBLIC_RECORDS',
} as const;
export type ImportKind = (typeof ImportKind)[keyof typeof ImportKind];

export const ImportStatus = {
  RECEIVING: 'RECEIVING',
  QUEUED: 'QUEUED',
  RUNNING: 'RUNNING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
} as const;
export type ImportStatus = (typeof ImportStatus)[keyof typeof ImportStatus];

/**
 * The columns of each import, by header name (case and surrounding spaces ignored, any
 * order; unknown columns are ignored). A member files as itself: the creditor of its trade
 * experiences, the subject of its payments. A coordinator names them.
 */
export const IMPORT_COLUMNS: Readonly<Record<ImportKind, { readonly required: readonly string[]; readonly optional: readonly string[] }>> = {
  TRADE_EXPERIENCES: {
    required: ['debtor_credit_code', 'invoice_no', 'amount', 'invoice_date', 'due_date'],
    optional: ['paid_date', 'creditor_credit_code', 'debtor_name', 'currency'],
  },
  PAYMENT_RECORDS: {
    required: ['payment_kind', 'reference', 'amount', 'due_date'],
    optional: ['paid_date', 'payee', 'subject_credit_code', 'subject_name', 'currency'],
  },
  PUBLIC_RECORDS: {
    required: ['subject_credit_code', 'public_kind', 'case_no', 'authority', 'event_date'],
    optional: ['ended_on', 'amount', 'subject_name', 'currency'],
  },
};

/** Where each known column is in the file. */
export type ImportHeader = ReadonlyMap<string, number>;

const snakeCache = new Map<string, string>();
const snake = (name: string): string => {
  let s = snakeCache.get(name);
  if (s === undefined) {
    s = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (snakeCache.size < 10_000) snakeCache.set(name, s);
  }
  return s;
};
const camel = (name: string): string => name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Reads the header row; BAD_USER_INPUT naming `header` when a required column is missing or doubled. */
export function parseImportHeader(kind: ImportKind, fields: readonly string[]): ImportHeader {
  const spec = IMPORT_COLUMNS[kind];
  const known = new Set([...spec.required, ...spec.optional]);
  const header = new Map<string, number>();
  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (!known.has(name)) return;
    if (header.has(name)) throw new BadInputError('header', `the column ${name} appears twice in the header row`);
    header.set(name, i);
  });
  const missing = spec.required.filter((c) => !header.has(c));
  if (missing.length > 0) {
    throw new BadInputError('header', `the header row lacks the column(s) ${missing.join(', ')}; a ${kind.toLowerCase().replace('_', ' ')} file has ${spec.required.join(', ')} and optionally ${spec.optional.join(', ')}`);
  }
  return header;
}


/** Validation context of a CSV row: fields are named by their column. */
export function csvInput(today: string): InputContext {
  return { today, field: snake };
}

/** The validators' name of each column of a header, in a form that reads a row fast. */
export function headerProps(header: ImportHeader): readonly (readonly [string, number])[] {
  return [...header].map(([column, index]) => [camel(column), index] as const);
}

/** One data row as the validators' raw input (camelCase names; empty cells are absent). */
export function csvRowValues(header: ImportHeader | readonly (readonly [string, number])[], fields: readonly string[]): Record<string, string> {
  const props = header instanceof Map ? headerProps(header) : (header as readonly (readonly [string, number])[]);
  const values: Record<string, string> = {};
  for (const [prop, index] of props) {
    const cell = fields[index];
    if (cell !== undefined && cell !== '') values[prop] = cell.trim();
  }
  return values;
}
