import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { GRADES, type GuaranteeFund } from '@app/domain/scoring';
import { gradeIndex, pdToGrade } from '../rating/master-scale';
import { consortiumStanding } from '../standing/consortium-standing';
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

  it('lifts a member in the standing\'s own grade within the band, down to its floor', () => {
    // stand-alone 0.9 % = BBB under a BBB standing (fund PD 1 %, W 0.5, rho 0.3):
    // joint = 0.00009 + 0.3 x sqrt(0.009 x 0.991 x 0.01 x 0.99) = 0.00009 + 0.3 x 0.0093967 = 0.0029090
    // supported = 0.5 x 0.009 + 0.5 x 0.0029090 = 0.0059545: still BBB, no notch, PD lowered
    const b = backedRating({ companyId: 'm', pd: 0.009, grade: 'BBB', inDefault: false }, { grade: 'BBB', standingPd: 0.01, guaranteeCoverage: 1 }, fund);
    expect(b).toMatchObject({ grade: 'BBB', notchesUplift: 0, limitedBy: 'NONE' });
    expect(b?.pd).toBeCloseTo(0.0059545, 7);
    // a stronger fund would take it below the band: it stops at the floor, 0.5 %
    const c = backedRating({ companyId: 'm', pd: 0.009, grade: 'BBB', inDefault: false }, { grade: 'BBB', standingPd: 0.001, guaranteeCoverage: 1 }, fund, { supportProbability: 0.9 });
    expect(c).toMatchObject({ grade: 'BBB', pd: 0.005, notchesUplift: 0, limitedBy: 'STANDING_CAP' });
  });

  it('gives a weaker member no better a backed PD than a stronger one (five members, BBB standing)', () => {
    // five members, 1M yuan exposure each, PD 0.9 / 1.2 / 1.5 / 1.1 / 1.3 %: weighted PD 1.2 % (BB);
    // stressed EL = 3 x 0.45 x 1M x 6 % = 81,000 yuan; fund 90,000 yuan -> coverage 1.11, +1: BBB,
    // the standing's PD kept inside BBB: just under 1 %. W = 0.5, rho 0.3.
    const pds = [0.009, 0.012, 0.015, 0.011, 0.013];
    const members = pds.map((pd, i) => ({ companyId: `m${i}`, pd, grade: pdToGrade(pd), exposure: 100_000_000, equity: 1, size: 1 }));
    const cover: GuaranteeFund = { balance: 9_000_000, coverageShare: 0.5, contributions: members.map((m) => ({ companyId: m.companyId, amount: 1 })) };
    const standing = consortiumStanding({ consortiumId: 'k', members, edges: [], fund: cover });
    expect(standing.grade).toBe('BBB');
    expect(standing.standingPd).toBeCloseTo(0.01, 8);
    expect(standing.guaranteeCoverage).toBeCloseTo(1.111111, 6);
    const backed = (pd: number) => backedRating({ companyId: 'm0', pd, grade: pdToGrade(pd), inDefault: false }, standing, cover);
    // 0.99 % (BBB): joint 0.0030543, supported 0.5 x 0.0099 + 0.5 x 0.0030543 = 0.6477 % (was left at 0.990 %)
    // 1.01 % (BB): joint 0.0030857, supported 0.6593 %: BBB, one notch
    // 1.50 % (BB): joint 0.0037783, supported 0.9389 %: BBB, one notch
    const [a, b, c] = [backed(0.0099), backed(0.0101), backed(0.015)];
    expect(a).toMatchObject({ grade: 'BBB', notchesUplift: 0, limitedBy: 'NONE' });
    expect(b).toMatchObject({ grade: 'BBB', notchesUplift: 1, limitedBy: 'NONE' });
    expect(c).toMatchObject({ grade: 'BBB', notchesUplift: 1, limitedBy: 'NONE' });
    expect(a?.pd).toBeCloseTo(0.0064771, 7);
    expect(b?.pd).toBeCloseTo(0.0065928, 7);
    expect(c?.pd).toBeCloseTo(0.0093891, 7);
    expect(a!.pd).toBeLessThanOrEqual(b!.pd);
    expect(b!.pd).toBeLessThanOrEqual(c!.pd);
  });

  it('never gives a higher stand-alone PD a lower backed PD, with the standing and fund fixed (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.0001, max: 0.9999, noNaN: true }),
        fc.double({ min: 0.0001, max: 0.9999, noNaN: true }),
        fc.constantFrom(...GRADES.filter((g) => g !== 'D')),
        fc.double({ min: 0.0001, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (x, y, standingGrade, fundPd, w, rho, coverage) => {
          fc.pre(x !== y);
          const [pa1, pa2] = x < y ? [x, y] : [y, x];
          const standing = { grade: standingGrade, standingPd: fundPd, guaranteeCoverage: coverage };
          const backed = (pd: number) =>
            backedRating({ companyId: 'm', pd, grade: pdToGrade(pd), inDefault: false }, standing, fund, { supportProbability: w, correlation: rho });
          expect(backed(pa1)!.pd).toBeLessThanOrEqual(backed(pa2)!.pd);
        },
      ),
      { numRuns: 2000 },
    );
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
