import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { gradeBand, pdToGrade } from './master-scale';
import { SCALE_FACTOR, SCALE_OFFSET, pdToScore, rawScore } from './score-scale';

describe('the scale: 600 points at 50:1, 40 points to double the odds', () => {
  it('has factor 40 / ln 2 and offset 600 - factor x ln 50', () => {
    expect(SCALE_FACTOR).toBeCloseTo(57.70780, 5);
    expect(SCALE_OFFSET).toBeCloseTo(374.24575, 5); // 600 - 57.707801 x 3.912023 = 600 - 225.75425
  });

  it('scores odds of 50:1 (PD 1/51) at 600, 100:1 at 640 and 25:1 at 560', () => {
    expect(rawScore(1 / 51)).toBeCloseTo(600, 9);
    expect(pdToScore(1 / 51)).toBe(600);
    expect(pdToScore(1 / 101)).toBe(640);
    expect(pdToScore(1 / 26)).toBe(560);
  });

  it('clamps to 300..900', () => {
    expect(pdToScore(1e-9)).toBe(900); // raw 1570
    expect(pdToScore(0.999)).toBe(300); // raw -24
    expect(pdToScore(1)).toBe(300);
  });

  it('never rises with the PD (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 0.999, noNaN: true }), fc.double({ min: 1e-6, max: 0.999, noNaN: true }), (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(pdToScore(hi)).toBeLessThanOrEqual(pdToScore(lo));
      }),
    );
  });
});

describe('the master scale', () => {
  it.each([
    [0.0003, 'AAA'],
    [0.0005, 'AA'],
    [0.0019, 'AA'],
    [0.003, 'A'],
    [0.0079, 'BBB'],
    [0.01, 'BB'],
    [0.02, 'B'],
    [0.05, 'CCC'],
    [0.2, 'CC'],
    [0.6, 'C'],
    [1, 'D'],
  ])('PD %d is %s', (pd, grade) => {
    expect(pdToGrade(pd)).toBe(grade);
  });

  it('gives D to a company in default whatever its PD', () => {
    expect(pdToGrade(0.001, true)).toBe('D');
  });

  it('puts every PD in the band of its grade (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.999999, noNaN: true }), (pd) => {
        const band = gradeBand(pdToGrade(pd));
        expect(pd).toBeGreaterThanOrEqual(band.minPd);
        expect(pd).toBeLessThan(band.maxPd);
      }),
    );
  });
});
