import { BadInputError } from './errors';

export interface TextRule {
  readonly min?: number;
  readonly max: number;
}

/**
 * Trims and checks a free-text input. Lengths count Unicode code points, so a Chinese
 * company name of 40 characters is 40, not 120 bytes. Control characters are refused.
 */
export function parseText(field: string, value: unknown, rule: TextRule): string {
  if (typeof value !== 'string') throw new BadInputError(field, `${field} must be text`);
  // printable ASCII (most codes and numbers of an import) needs no normalising or counting by code point
  const ascii = /^[\x20-\x7e]*$/.test(value);
  // an unpaired surrogate cannot be stored as sent: PostgreSQL's UTF-8 gets U+FFFD in its
  // place, so the same input would no longer equal what was stored
  if (!ascii && !value.isWellFormed()) throw new BadInputError(field, `${field} is not valid Unicode text (an unpaired surrogate)`);
  const text = ascii ? value.trim() : value.normalize('NFC').trim();
  const length = ascii ? text.length : [...text].length;
  const min = rule.min ?? 1;
  if (length < min) throw new BadInputError(field, min === 1 ? `${field} must not be empty` : `${field} must be at least ${min} characters`);
  if (length > rule.max) throw new BadInputError(field, `${field} must be at most ${rule.max} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) throw new BadInputError(field, `${field} contains control characters`);
  return text;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

export function parseEmail(field: string, value: unknown): string {
  const text = parseText(field, value, { max: 254 });
  if (!EMAIL.test(text)) throw new BadInputError(field, `${field} must be an email address`);
  return text.toLowerCase();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name an object, so it is bad input, not NOT_FOUND. */
export function parseId(field: string, value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new BadInputError(field, `${field} must be an id (a UUID)`);
  return value.toLowerCase();
}
