import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, addMonths, dayNumber, fromDayNumber } from './calendar-date';

describe('calendar dates', () => {
  it('counts days since 1970-01-01', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('2000-03-01')).toBe(11017);
    expect(dayNumber('2026-06-30') - dayNumber('2026-02-28')).toBe(122);
  });

  it('agrees with Date.UTC for any date (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -700000, max: 2900000 }), (day) => {
        const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
        expect(dayNumber(iso)).toBe(day);
        expect(fromDayNumber(day)).toBe(iso);
      }),
    );
  });

  it('rejects what is not a calendar date', () => {
    for (const bad of ['2025-02-29', '2025-13-01', '2025-0:-15', '20250115', '2025-1-15', 'abcd-ef-gh']) expect(() => dayNumber(bad)).toThrow(RangeError);
  });

  it('moves by months, clamped to the month end', () => {
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-06-30', -24)).toBe('2024-06-30');
    expect(addDays('2026-06-30', 1)).toBe('2026-07-01');
  });
});
