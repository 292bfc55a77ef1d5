import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { GRADES, type GuaranteeFund } from '@app/domain/scoring';
import { gradeIndex, pdToGrade } from '../rating/master-scale';
import { backedRating } from './backed-rating';
import { jointDefaultProbability, supportedPd } from './joint-default';

const fund: GuaranteeFund = { balance: 1_000_000, coverageShare: 0.5, contributions: [{ companyId: 'm', amount: 10_000 }] };

describe('joint default analysis (Moody\'s JDA)', () => {
  it('computes a joint default by hand', () => {
    // pa 2 %, pb 1 %, rho 0.3: 0.0002 + 0.3 x sqrt(0.02 x 0.98 x 0.01 x 0.99) = 0.0002 + 0.3 x 0.0139298 = 0.0043789
    expect(jointDefaultProbability(0.02, 0.01, 0.3)).toBeCloseTo(0.0043789, 7);
    // supported with W 0.5: 0.5 x 0.02 + 0.5 x 0.0043789 = 0.0121895
    expect(supportedPd(0.02, 0.01, 0.5, 0.3)).toBeCloseTo(0.0121895, 7);
  });

  it('stays within the Fréchet bounds for any rho', () => {
    expect(jointDefaultProbability(0.3, 0.01, 1)).toBe(0.01);
    expect(jointDefaultProbability(0.02, 0.01, 0)).toBeCloseTo(0.0002, 12);
  });
});

describe('the backed rating', () => {
  it('lifts a member by the grades its supported PD gains', () => {
    // stand-alone 2 % = B; supported 1.219 % = BB; standing BBB: 1 notch
    const b = backedRating({ companyId: 'm', pd: 0.02, grade: 'B', inDefault: false }, { grade: 'BBB', standingPd: 0.01, guaranteeCoverage: 1.5 }, fund);
    expect(b).toMatchObject({ grade: 'BB', notchesUplift: 1, limitedBy: 'NONE' });
    expect(b?.pd).toBeCloseTo(0.0121895, 7);
  });

  it('never lifts past the standing', () => {
    // stand-alone 30 % = C; fund PD 0.1 %, W 0.9: 0.0003 + 0.3 x sqrt(0.3 x 0.7 x 0.001 x 0.999) = 0.0046452,
    // above the Fréchet bound min(0.3, 0.001), so joint = 0.001
    // supported = 0.1 x 0.3 + 0.9 x 0.001 = 0.0309 (B), capped at the standing's CCC, PD at its floor 4 %
    const b = backedRating(
      { companyId: 'm', pd: 0.3, grade: 'C', inDefault: false },
      { grade: 'CCC', standingPd: 0.001, guaranteeCoverage: 2 },
      fund,
      { supportProbability: 0.9 },
    );
    expect(b).toMatchObject({ grade: 'CCC', pd: 0.04, notchesUplift: 2, limitedBy: 'STANDING_CAP' });
    expect(b?.supportedPd).toBeCloseTo(0.0309, 12);
  });

  it('leaves a member already above the standing where it is', () => {
    const b = backedRating({ companyId: 'm', pd: 0.003, grade: 'A', inDefault: false }, { grade: 'BB', standingPd: 0.015, guaranteeCoverage: 1 }, fund);
    expect(b).toMatchObject({ grade: 'A', pd: 0.003, notchesUplift: 0, limitedBy: 'ALREADY_AT_OR_ABOVE_STANDING' });
  });

  it('is null without cover, and D stays D', () => {
    expect(backedRating({ companyId: 'x', pd: 0.02, grade: 'B', inDefault: false }, { grade: 'BBB', standingPd: 0.01, guaranteeCoverage: 1 }, fund)).toBeNull();
    expect(backedRating({ companyId: 'm', pd: 1, grade: 'D', inDefault: true }, { grade: 'BBB', standingPd: 0.01, guaranteeCoverage: 1 }, fund)).toMatchObject({ grade: 'D', notchesUplift: 0 });
  });

  it('never raises the PD, never lowers the grade and never lifts past the standing (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.0003, max: 0.99, noNaN: true }),
        fc.double({ min: 0.0003, max: 0.5, noNaN: true }),
        fc.constantFrom(...GRADES.filter((g) => g !== 'D')),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (pd, fundPd, standingGrade, w, rho, coverage) => {
          const grade = pdToGrade(pd);
          const b = backedRating(
            { companyId: 'm', pd, grade, inDefault: false },
            { grade: standingGrade, standingPd: fundPd, guaranteeCoverage: coverage },
            fund,
            { supportProbability: w, correlation: rho },
          );
          if (b === null) throw new Error('covered');
          expect(b.pd).toBeLessThanOrEqual(pd);
          expect(b.notchesUplift).toBeGreaterThanOrEqual(0);
          expect(gradeIndex(b.grade)).toBeLessThanOrEqual(gradeIndex(grade));
          if (gradeIndex(grade) > gradeIndex(standingGrade)) expect(gradeIndex(b.grade)).toBeGreaterThanOrEqual(gradeIndex(standingGrade));
          else expect(b.notchesUplift).toBe(0);
          expect(pdToGrade(b.pd)).toBe(b.grade);
        },
      ),
    );
  });
});
