import { describe, expect, it } from '@jest/globals';
import type { StandingInput, StandingMember } from '@app/domain/scoring';
import fc from 'fast-check';
import { formatFen } from '../common/money';
import { backedRating } from '../backing/backed-rating';
import { consortiumStanding, stressTest } from './consortium-standing';
import { threeEdges, threeMembers } from '../testing/network.fixture';

describe('the consortium standing', () => {
  // exposures 10M, 20M, 70M fen at PD 1 %, 2 %, 5 %; LGD 0.45
  // weighted PD = (0.1 + 0.4 + 3.5) / 100 = 4 %
  // EL = 10M x 0.01 x 0.45 + 20M x 0.02 x 0.45 + 70M x 0.05 x 0.45 = 45,000 + 180,000 + 1,575,000 = 1,800,000 fen
  // stressed (x3): 135,000 + 540,000 + 4,725,000 = 5,400,000; fund 6,000,000 -> coverage 1.1111
  // HHI = 0.1^2 + 0.2^2 + 0.7^2 = 0.54
  // grade: 4 % is CCC; +1 fund covers stressed loss (B); -1 HHI > 0.25 (CCC); no edges -> no systemic notch
  const input: StandingInput = {
    consortiumId: 'k',
    members: [
      { companyId: 'a', pd: 0.01, grade: 'BB', exposure: 10_000_000, equity: 10_000_000, size: 1 },
      { companyId: 'b', pd: 0.02, grade: 'B', exposure: 20_000_000, equity: 10_000_000, size: 1 },
      { companyId: 'c', pd: 0.05, grade: 'CCC', exposure: 70_000_000, equity: 20_000_000, size: 2 },
    ],
    edges: [],
    fund: { balance: 6_000_000, coverageShare: 0.5, contributions: [] },
  };
  const s = consortiumStanding(input);

  it('has the figures worked out by hand', () => {
    expect(s.weightedPd).toBeCloseTo(0.04, 12);
    expect(s.expectedLoss).toBe(1_800_000);
    expect(formatFen(s.expectedLoss)).toBe('18000.00');
    expect(s.stressedExpectedLoss).toBe(5_400_000);
    expect(s.guaranteeCoverage).toBeCloseTo(1.111111, 6);
    expect(s.concentrationHhi).toBeCloseTo(0.54, 12);
    expect(s.gradeDistribution.filter((g) => g.count > 0)).toEqual([
      { grade: 'BB', count: 1 },
      { grade: 'B', count: 1 },
      { grade: 'CCC', count: 1 },
    ]);
    expect(s.gradeDistribution).toHaveLength(10);
  });

  it('grades itself by the documented rule', () => {
    expect(s.notches).toEqual(['+1 FUND_COVERS_STRESSED_LOSS', '-1 CONCENTRATED_EXPOSURE']);
    expect(s.grade).toBe('CCC');
    expect(s.standingPd).toBeCloseTo(0.04, 12);
    expect(s.systemicRisk.every((r) => r.debtRank === 0)).toBe(true);
  });

  it('uses the consortium LGD', () => {
    expect(consortiumStanding({ ...input, parameters: { lgd: 0.6 } }).expectedLoss).toBe(2_400_000);
  });

  it('ranks members by DebtRank over guarantees and overdue payables', () => {
    const withEdges = consortiumStanding({ ...input, members: threeMembers, edges: threeEdges });
    expect(withEdges.systemicRisk.map((r) => r.companyId)).toEqual(['a', 'b', 'c']);
    expect(withEdges.systemicRisk[0].debtRank).toBeCloseTo(0.35, 12);
    expect(withEdges.notches).toContain('-1 SYSTEMIC_MEMBER'); // 0.35 > 0.30
  });
});

describe('the fund with nothing at stake', () => {
  // five B members at PD 3 %: weighted PD 3 % is B. No bank has lent them anything yet (a new
  // cluster), so the stressed loss is 0 fen: the fund covers nothing, whatever its balance.
  const members = (exposure: number): StandingMember[] =>
    ['a', 'b', 'c', 'd', 'e'].map((companyId) => ({ companyId, pd: 0.03, grade: 'B', exposure, equity: 1000, size: 1000 }));
  const standing = (exposure: number, balance: number) =>
    consortiumStanding({ consortiumId: 'k', members: members(exposure), edges: [], fund: { balance, coverageShare: 0.5, contributions: [] } });

  it('gives an empty fund no coverage and no notch when no member has exposure', () => {
    const s = standing(0, 0);
    expect(s.stressedExpectedLoss).toBe(0);
    expect(s.guaranteeCoverage).toBe(0);
    expect(s.notches).toEqual([]);
    expect(s.grade).toBe('B');
  });

  it('treats exposures whose stressed loss rounds to 0 fen the same way', () => {
    // 3 fen x min(1, 0.09) x 0.45 = 0.12 fen -> 0 fen per member
    const s = standing(3, 0);
    expect(s.stressedExpectedLoss).toBe(0);
    expect(s.guaranteeCoverage).toBe(0);
    expect(s.notches).toEqual([]);
    expect(s.grade).toBe('B');
  });

  it('does not lift a full fund either, nor the backed rating of a contributing member', () => {
    const s = standing(0, 10_000_000);
    expect(s.guaranteeCoverage).toBe(0);
    expect(s.notches).toEqual([]);
    const fund = { balance: 10_000_000, coverageShare: 0.5, contributions: [{ companyId: 'x', amount: 1_000 }] };
    const b = backedRating({ companyId: 'x', pd: 0.05, grade: 'CCC', inDefault: false }, s, fund);
    expect(b).toMatchObject({ grade: 'CCC', supportProbability: 0, notchesUplift: 0 });
  });

  it('still notches up a fund that covers a real stressed loss', () => {
    // 1M fen each x 0.09 x 0.45 = 40,500 fen; x 5 = 202,500 fen; fund 202,500 -> coverage 1
    const s = standing(1_000_000, 202_500);
    expect(s.stressedExpectedLoss).toBe(202_500);
    expect(s.guaranteeCoverage).toBe(1);
    expect(s.notches).toEqual(['+1 FUND_COVERS_STRESSED_LOSS']);
    expect(s.grade).toBe('BB');
  });

  it('notches up for the fund only when it covers a stressed loss that is there (property)', () => {
    const member = fc.record({
      pd: fc.double({ min: 0.0003, max: 0.5, noNaN: true }),
      exposure: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 1e9 })),
    });
    fc.assert(
      fc.property(fc.array(member, { minLength: 1, maxLength: 8 }), fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1e9 })), (ms, balance) => {
        const s = consortiumStanding({
          consortiumId: 'k',
          members: ms.map((m, i) => ({ companyId: `m${i}`, pd: m.pd, grade: 'B', exposure: m.exposure, equity: 1, size: 1 })),
          edges: [],
          fund: { balance, coverageShare: 0.5, contributions: [] },
        });
        const covers = s.stressedExpectedLoss > 0 && balance >= s.stressedExpectedLoss;
        expect(s.notches.includes('+1 FUND_COVERS_STRESSED_LOSS')).toBe(covers);
        expect(s.stressedExpectedLoss > 0 || s.guaranteeCoverage === 0).toBe(true);
        expect(Number.isFinite(s.guaranteeCoverage)).toBe(true);
      }),
    );
  });
});

describe('the stress test', () => {
  it('says who is pushed into distress and what it costs', () => {
    // shock a (see debt-rank.spec): h = (1, 0.5, 0.45). Distress threshold 0.5: b only.
    // equity lost: 0.5 x 10M + 0.45 x 20M = 14M fen
    // credit loss (exposure 10M each, PD 1 %, LGD 0.45): a 4,500,000; b PD' = 0.01 + 0.5 x 0.99 = 0.505
    // -> 2,272,500; c PD' = 0.01 + 0.45 x 0.99 = 0.4555 -> 2,049,750. Total 8,822,250.
    // the fund pays half, up to its balance 3,000,000.
    const r = stressTest(
      { consortiumId: 'k', members: threeMembers, edges: threeEdges, fund: { balance: 3_000_000, coverageShare: 0.5, contributions: [] } },
      ['a'],
    );
    expect(r.distressed).toEqual([{ companyId: 'b', stress: 0.5, equityLoss: 5_000_000 }]);
    expect(r.additionalDefaults).toEqual([]);
    expect(r.equityLoss).toBe(14_000_000);
    expect(r.creditLoss).toBe(8_822_250);
    expect(r.fundPays).toBe(3_000_000);
    expect(r.debtRank).toBeCloseTo(0.35, 12);
  });
});
