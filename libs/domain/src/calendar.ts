/** Calendar dates are `YYYY-MM-DD` strings (the contract's `Date`), compared as text. */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Dates seen recently: an import checks the same few thousand dates a million times. */
const checked = new Map<string, boolean>();

export function isCalendarDate(value: string): boolean {
  const known = checked.get(value);
  if (known !== undefined) return known;
  const valid = checkCalendarDate(value);
  if (checked.size >= 50_000) checked.clear();
  checked.set(value, valid);
  return valid;
}

function checkCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The UTC calendar date of an instant. */
export function toCalendarDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  return toCalendarDate(new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000));
}

export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  // 29 February plus a year lands on 28 February
  const candidate = new Date(Date.UTC(y + years, m - 1, d));
  if (candidate.getUTCMonth() !== m - 1) return toCalendarDate(new Date(Date.UTC(y + years, m - 1, d - 1)));
  return toCalendarDate(candidate);
}
