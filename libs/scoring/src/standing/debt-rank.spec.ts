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
    const { debtRank: r, exact } = debtRankPerMember(net);
    expect(Array.from(exact)).toEqual([1, 1, 1]);
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
        for (const r of debtRankPerMember(build(x)).debtRank) {
          expect(r).toBeGreaterThanOrEqual(0);
          expect(r).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('with only some members exact, gives each its full value or a lower bound of it, never more (what the pruning guarantees)', () => {
    fc.assert(
      fc.property(network, fc.nat({ max: 12 }), (x, exactTop) => {
        const net = build(x);
        const full = debtRankPerMember(net, 1e-9, net.ids.length);
        const pruned = debtRankPerMember(net, 1e-9, exactTop);
        for (let i = 0; i < net.ids.length; i += 1) {
          // exact: the full cascade's value; otherwise a bound never above it
          expect(pruned.exact[i] === 0 || pruned.debtRank[i] === full.debtRank[i]).toBe(true);
          expect(pruned.debtRank[i]).toBeLessThanOrEqual(full.debtRank[i] + 1e-12);
        }
        // so the largest value shown never exceeds the true largest (it may fall short of it)
        expect(Math.max(0, ...pruned.debtRank)).toBeLessThanOrEqual(Math.max(0, ...full.debtRank) + 1e-12);
      }),
    );
  });

  it('is 0 for every member without edges', () => {
    fc.assert(
      fc.property(network, (x) => {
        expect(Array.from(debtRankPerMember(build({ ...x, edges: [] })).debtRank)).toEqual(x.members.map(() => 0));
      }),
    );
  });
});

describe('DebtRank of a large cluster: two-round bounds, full cascades at the top', () => {
  it('gives the top members their full value, at least their bound, and ranks them first', () => {
    // a chain m0 -> m1 -> ... -> m9 with W = 0.5 (equity 2, exposure 1 each), sizes equal
    const members = Array.from({ length: 10 }, (_, i) => member(`m${i}`, 2, 1));
    const edges = Array.from({ length: 9 }, (_, i) => ({ from: `m${i}`, to: `m${i + 1}`, amount: 1, kind: 'GUARANTEE' as const }));
    const net = buildContagionNetwork(members, edges);
    const full = debtRankPerMember(net, 1e-12, 10);
    const bounded = debtRankPerMember(net, 1e-12, 1);
    // m0's full cascade: v = 0.1; stress 0.5, 0.25, ..., 0.5^9 -> 0.1 x (1 - 0.5^9) = 0.0998047
    expect(full.debtRank[0]).toBeCloseTo(0.1 * (1 - 0.5 ** 9), 12);
    // two rounds only: 0.1 x (0.5 + 0.25) = 0.075 for everyone with two successors
    expect(bounded.debtRank[5]).toBeCloseTo(0.075, 12);
    expect(bounded.exact[5]).toBe(0);
    // the single exact one is the top by bound (ties by order: m0), with its full value
    expect(bounded.exact[0]).toBe(1);
    expect(bounded.debtRank[0]).toBeCloseTo(full.debtRank[0], 12);
    for (let i = 0; i < 10; i += 1) expect(bounded.debtRank[i]).toBeLessThanOrEqual(full.debtRank[i] + 1e-15);
  });
});
