/**
 * Benchmark: the consortium standing with DebtRank for 10,000 members and 100,000 edges
 * (guarantees and overdue payables), and one stress test. Target: well under a second.
 * Run: node -r @swc-node/register bench/standing.bench.ts
 */
import { cpuUsage, hrtime } from 'node:process';
import type { ExposureEdge, StandingInput, StandingMember } from '@app/domain/scoring';
import { consortiumStanding, pdToGrade, stressTest } from '@app/scoring';

const MEMBERS = 10_000;
const EDGES = 100_000;
// mulberry32: a seeded generator, the same figures on every run
let seed = 42;
const rand = (): number => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let x = seed;
  x = Math.imul(x ^ (x >>> 15), x | 1);
  x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};

// Sizes are heavy-tailed (a few large firms, many small ones), as in cluster data; a guarantee
// or payable is a few percent of the creditor's equity, sometimes more (W up to 1).
const members: StandingMember[] = Array.from({ length: MEMBERS }, (_, i) => {
  const size = Math.round(1_000_000 * Math.exp(3 * rand()) * 100);
  const pd = 0.002 + 0.1 * rand() ** 3;
  return {
    companyId: `m${i}`,
    pd,
    grade: pdToGrade(pd),
    exposure: Math.round(size * 0.4),
    equity: Math.round(size * (0.2 + 0.4 * rand())),
    size,
  };
});
const makeEdges = (share: number): ExposureEdge[] => Array.from({ length: EDGES }, () => {
  const from = Math.floor(rand() * MEMBERS);
  let to = Math.floor(rand() * MEMBERS);
  if (to === from) to = (to + 1) % MEMBERS;
  return {
    from: `m${from}`,
    to: `m${to}`,
    amount: Math.round(members[to].equity * share * rand() ** 2) + 1,
    kind: rand() < 0.6 ? 'GUARANTEE' : 'OVERDUE_PAYABLE',
  };
});
const fund = { balance: 5_000_000_000, coverageShare: 0.5, contributions: [] };

function time<T>(f: () => T): { result: T; wallMs: number; cpuMs: number } {
  const c0 = cpuUsage();
  const t0 = hrtime.bigint();
  const result = f();
  const wallMs = Number(hrtime.bigint() - t0) / 1e6;
  const c = cpuUsage(c0);
  return { result, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

// typical: a guarantee or payable up to 5 % of the creditor's equity; severe: up to 60 %
const tol = 1e-6; // DEFAULT_DEBT_RANK_TOLERANCE
for (const [scenario, share] of [
  ['typical (A/E up to 0.05)', 0.05],
  ['severe (A/E up to 0.6)', 0.6],
] as const) {
  const input: StandingInput = { consortiumId: 'bench', members, edges: makeEdges(share), fund };
  consortiumStanding({ ...input, members: members.slice(0, 500), edges: input.edges.slice(0, 5000) }); // warm-up
  const standing = time(() => consortiumStanding(input, tol));
  const stress = time(() => stressTest(input, standing.result.systemicRisk.slice(0, 10).map((r) => r.companyId)));
  console.log(
    JSON.stringify({
      bench: 'consortiumStanding',
      scenario,
      members: MEMBERS,
      edges: EDGES,
      wallMs: Math.round(standing.wallMs),
      cpuMs: Math.round(standing.cpuMs),
      grade: standing.result.grade,
      topDebtRank: Number(standing.result.systemicRisk[0].debtRank.toFixed(4)),
      meanDebtRank: Number(standing.result.meanDebtRank.toFixed(5)),
      targetMs: 1000,
    }),
  );
  console.log(
    JSON.stringify({
      bench: 'stressTest(10 highest DebtRank default)',
      scenario,
      wallMs: Number(stress.wallMs.toFixed(1)),
      distressed: stress.result.distressed.length,
      additionalDefaults: stress.result.additionalDefaults.length,
      debtRank: Number(stress.result.debtRank.toFixed(4)),
    }),
  );
}
