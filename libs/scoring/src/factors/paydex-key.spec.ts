import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { paydexKey, paydexKeyThirds } from './paydex-key';

describe('the PAYDEX key of PRODUCT.md', () => {
  it.each([
    [-30, 100],
    [0, 80],
    [15, 70],
    [30, 50],
    [60, 40],
    [90, 30],
    [120, 20],
  ])('%i days beyond terms is %i', (days, index) => {
    expect(paydexKey(days)).toBe(index);
  });

  it('interpolates linearly between the points', () => {
    // 7.5 days: halfway from (0, 80) to (15, 70) -> 75
    expect(paydexKey(7.5)).toBe(75);
    // 22 days: 70 - 20 x 7/15 = 60.667 (D&B's chart says 60 for 22 days: close)
    expect(paydexKey(22)).toBeCloseTo(60.6667, 4);
    // 15 days early: halfway from (-30, 100) to (0, 80) -> 90
    expect(paydexKey(-15)).toBe(90);
    // 75 days: halfway from (60, 40) to (90, 30) -> 35
    expect(paydexKey(75)).toBe(35);
  });

  it('is flat at 100 before 30 days early, and goes on to 0 at 180 days late', () => {
    expect(paydexKey(-90)).toBe(100);
    expect(paydexKey(150)).toBe(10); // halfway from (120, 20) to (180, 0)
    expect(paydexKey(180)).toBe(0);
    expect(paydexKey(1000)).toBe(0);
  });

  it('never rises as payment gets later (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -400, max: 400 }), fc.integer({ min: 0, max: 400 }), (d, later) => {
        expect(paydexKey(d + later)).toBeLessThanOrEqual(paydexKey(d));
      }),
    );
  });

  it('in thirds: a whole number for whole days, three times the key (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), (d) => {
        const thirds = paydexKeyThirds(d);
        expect(Number.isInteger(thirds)).toBe(true);
        expect(thirds / 3).toBeCloseTo(paydexKey(d), 10);
      }),
    );
    expect(() => paydexKeyThirds(1.5)).toThrow(RangeError);
  });
});
