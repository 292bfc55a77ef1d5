import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { member, threeEdges, threeMembers } from '../testing/network.fixture';
import { buildContagionNetwork, debtRankPerMember, runDebtRank } from './debt-rank';

describe('DebtRank on three members', () => {
  const net = buildContagionNetwork(threeMembers, threeEdges);

  it('builds the impact matrix W_ij = min(1, A_ij / E_j)', () => {
    const impacts = [...net.targets].map((t, k) => [net.ids[t], net.impact[k]]);
    expect(impacts).toEqual([
      ['b', 0.5],
      ['c', 0.2],
      ['c', 0.5],
    ]);
  });

  it('propagates a shock once per node and reports the additional weighted stress', () => {
    const run = runDebtRank(net, new Map([[0, 1]]));
    expect(Array.from(run.stress)).toEqual([1, 0.5, 0.45]);
    expect(run.debtRank).toBeCloseTo(0.35, 12);
  });

  it('ranks every member by its own default', () => {
    const r = debtRankPerMember(net);
    expect(r[0]).toBeCloseTo(0.35, 12);
    expect(r[1]).toBeCloseTo(0.25, 12);
    expect(r[2]).toBe(0);
  });

  it('caps an impact at 1 when the exposure exceeds equity, or equity is not positive', () => {
    const n2 = buildContagionNetwork([member('x', 1_000, 1), member('y', 0, 1)], [
      { from: 'x', to: 'y', amount: 5, kind: 'GUARANTEE' },
      { from: 'y', to: 'x', amount: 5_000, kind: 'GUARANTEE' },
    ]);
    expect(Array.from(n2.impact)).toEqual([1, 1]);
  });
});

describe('DebtRank properties', () => {
  const network = fc.integer({ min: 1, max: 12 }).chain((n) =>
    fc.record({
      members: fc.array(
        fc.record({ equity: fc.integer({ min: -1_000, max: 1_000_000 }), size: fc.integer({ min: 0, max: 1_000_000 }) }),
        { minLength: n, maxLength: n },
      ),
      edges: fc.array(
        fc.record({ from: fc.nat({ max: n - 1 }), to: fc.nat({ max: n - 1 }), amount: fc.integer({ min: 1, max: 2_000_000 }) }),
        { maxLength: 40 },
      ),
    }),
  );
  const build = (x: { members: { equity: number; size: number }[]; edges: { from: number; to: number; amount: number }[] }) =>
    buildContagionNetwork(
      x.members.map((m, i) => member(`m${i}`, m.equity, m.size)),
      x.edges.map((e) => ({ from: `m${e.from}`, to: `m${e.to}`, amount: e.amount, kind: 'GUARANTEE' as const })),
    );

  it('stays in [0, 1]', () => {
    fc.assert(
      fc.property(network, (x) => {
        for (const r of debtRankPerMember(build(x))) {
          expect(r).toBeGreaterThanOrEqual(0);
          expect(r).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('is 0 for every member without edges', () => {
    fc.assert(
      fc.property(network, (x) => {
        expect(Array.from(debtRankPerMember(build({ ...x, edges: [] })))).toEqual(x.members.map(() => 0));
      }),
    );
  });
});
