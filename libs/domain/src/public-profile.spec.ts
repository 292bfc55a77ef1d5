import { describe, expect, it } from '@jest/globals';
import { chinaCalendarDay, monthsBefore, nextChinaMidnight } from './partner-checks';
import { BadInputError } from './errors';
import { parseProfileFields, parseProfileSlug } from './public-profile';

describe('profile slugs and fields', () => {
  it('takes 3-40 lowercase letters, digits and single hyphens, not reserved', () => {
    expect(parseProfileSlug('s', ' mingda-shoes-2026 ')).toBe('mingda-shoes-2026');
    for (const bad of ['ab', 'Mingda', '-a1', 'a1-', 'a--b', 'static', 'x'.repeat(41), '明达', 'a b', 7]) {
      expect(() => parseProfileSlug('s', bad)).toThrow(BadInputError);
    }
  });

  it('keeps each known field once, in canonical order', () => {
    expect(parseProfileFields('f', ['GRADE', 'NAME', 'GRADE'], { atLeastOne: true })).toEqual(['NAME', 'GRADE']);
    expect(parseProfileFields('f', [], { atLeastOne: false })).toEqual([]);
    expect(() => parseProfileFields('f', [], { atLeastOne: true })).toThrow(/at least one/);
    expect(() => parseProfileFields('f', ['OWNER_CREDIT_BAND'], { atLeastOne: false })).toThrow(BadInputError);
  });
});

describe('partner-check days and windows', () => {
  it('counts days in China Standard Time', () => {
    expect(chinaCalendarDay(new Date('2026-11-27T15:59:59Z'))).toBe('2026-11-27');
    expect(chinaCalendarDay(new Date('2026-11-27T16:00:00Z'))).toBe('2026-11-28');
    expect(nextChinaMidnight(new Date('2026-11-27T10:00:00Z')).toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(nextChinaMidnight(new Date('2026-11-27T17:00:00Z')).toISOString()).toBe('2026-11-28T16:00:00.000Z');
  });

  it('goes back whole months, clamping to the end of a shorter month', () => {
    expect(monthsBefore(new Date('2026-11-27T08:00:00Z'), 12).toISOString()).toBe('2025-11-27T08:00:00.000Z');
    expect(monthsBefore(new Date('2026-03-31T00:00:00Z'), 1).toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(monthsBefore(new Date('2024-02-29T00:00:00Z'), 12).toISOString()).toBe('2023-02-28T00:00:00.000Z');
  });
});
