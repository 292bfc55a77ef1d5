import type { IsoDate } from '@app/domain/scoring';

/**
 * Calendar-date arithmetic on `YYYY-MM-DD` strings, as whole days since 1970-01-01 (UTC, so
 * no time zone or daylight saving can shift a day). The engine never reads the clock.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dayNumber(date: IsoDate): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

export function fromDayNumber(day: number): IsoDate {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export const daysBetween = (from: IsoDate, to: IsoDate): number => dayNumber(to) - dayNumber(from);

export const addDays = (date: IsoDate, days: number): IsoDate => fromDayNumber(dayNumber(date) + days);

/** The same day `months` months later (earlier when negative), clamped to the month's end. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(Number(m[3]), lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export const yearOf = (date: IsoDate): number => Number(date.slice(0, 4));
