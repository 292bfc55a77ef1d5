import type { ExposureEdge, StandingMember } from '@app/domain/scoring';

/**
 * DebtRank (Battiston, Puliga, Kaushik, Tasca & Caldarelli, Sci. Rep. 2:541, 2012;
 * credit-anchors §4.2) over the members' contagion network.
 *
 * Impact W_ij = min(1, A_ij / E_j): A_ij is what j loses if i defaults (the guarantee j gave
 * for i's debt, the overdue payable i owes j), E_j is j's equity (no positive equity: any
 * exposure wipes it out, W = 1). Economic weight v_j = size_j / Σ size. Stress h_j in [0, 1];
 * each round h_j += Σ_{i distressed} W_ij h_i (capped at 1); a distressed node becomes
 * inactive the round after, so each node propagates once. DebtRank of a shock =
 * Σ v_j h_j(T) - Σ v_j h_j(1): the additional weighted stress.
 *
 * `tolerance`: stress under it does not make a node distressed (it still counts in h): the
 * paper's own stopping rule is a tolerance, and it keeps a cascade of ever smaller
 * increments from visiting every node of a large network. Error <= tolerance per node.
 */
export const DEFAULT_DEBT_RANK_TOLERANCE = 1e-6;

export interface ContagionNetwork {
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** v_j */
  readonly weight: Float64Array;
  /** CSR: the impacts of node i are targets[start[i]..start[i+1]) with impacts W */
  readonly start: Int32Array;
  readonly targets: Int32Array;
  readonly impact: Float64Array;
}

export function buildContagionNetwork(members: readonly StandingMember[], edges: readonly ExposureEdge[]): ContagionNetwork {
  const n = members.length;
  const index = new Map<string, number>();
  members.forEach((m, i) => index.set(m.companyId, i));
  const totalSize = members.reduce((s, m) => s + Math.max(0, m.size), 0);
  const weight = Float64Array.from(members, (m) => (totalSize > 0 ? Math.max(0, m.size) / totalSize : n > 0 ? 1 / n : 0));
  // sum parallel edges: A_ij is the total i's default costs j
  const amount = new Map<number, number>();
  for (const e of edges) {
    const i = index.get(e.from);
    const j = index.get(e.to);
    if (i === undefined || j === undefined || i === j || e.amount <= 0) continue;
    const key = i * n + j;
    amount.set(key, (amount.get(key) ?? 0) + e.amount);
  }
  const start = new Int32Array(n + 1);
  for (const key of amount.keys()) start[Math.floor(key / n) + 1] += 1;
  for (let i = 0; i < n; i += 1) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  const targets = new Int32Array(amount.size);
  const impact = new Float64Array(amount.size);
  for (const [key, a] of amount) {
    const i = Math.floor(key / n);
    const j = key - i * n;
    const equity = members[j].equity;
    const k = fill[i]++;
    targets[k] = j;
    impact[k] = equity > 0 ? Math.min(1, a / equity) : 1;
  }
  return { ids: members.map((m) => m.companyId), index, weight, start, targets, impact };
}

/** Scratch space reused across runs, so ranking every node allocates once. */
export interface DebtRankWorkspace {
  readonly h: Float64Array;
  readonly inc: Float64Array;
  readonly state: Uint8Array; // 0 undistressed, 1 distressed, 2 inactive
  readonly touched: Int32Array;
  readonly isTouched: Uint8Array;
  readonly frontier: Int32Array;
  readonly next: Int32Array;
}

export function debtRankWorkspace(n: number): DebtRankWorkspace {
  return {
    h: new Float64Array(n),
    inc: new Float64Array(n),
    state: new Uint8Array(n),
    touched: new Int32Array(n),
    isTouched: new Uint8Array(n),
    frontier: new Int32Array(n),
    next: new Int32Array(n),
  };
}

export interface DebtRankRun {
  readonly debtRank: number;
  /** final stress of every node h_j(T) (a copy) */
  readonly stress: Float64Array;
}

/**
 * One DebtRank run from an initial shock (node index -> h(1) in (0, 1]). When `keepStress`
 * is false only the DebtRank is returned (stress is empty) and the workspace is reset.
 */
export function runDebtRank(
  net: ContagionNetwork,
  shock: ReadonlyMap<number, number>,
  ws: DebtRankWorkspace = debtRankWorkspace(net.ids.length),
  tolerance = DEFAULT_DEBT_RANK_TOLERANCE,
  keepStress = true,
): DebtRankRun {
  const { h, inc, state, touched, isTouched } = ws;
  let frontier = ws.frontier;
  let next = ws.next;
  let nTouched = 0;
  const touch = (j: number) => {
    if (isTouched[j] === 0) {
      isTouched[j] = 1;
      touched[nTouched++] = j;
    }
  };
  let initial = 0;
  let size = 0;
  for (const [i, h0] of shock) {
    const v = Math.min(1, Math.max(0, h0));
    if (v <= 0) continue;
    touch(i);
    h[i] = v;
    state[i] = 1;
    frontier[size++] = i;
    initial += net.weight[i] * v;
  }
  const { start, targets, impact } = net;
  while (size > 0) {
    // propagate h(t-1) of the distressed nodes; collect the increments first (synchronous update)
    let nInc = 0;
    for (let f = 0; f < size; f += 1) {
      const i = frontier[f];
      const hi = h[i];
      for (let k = start[i]; k < start[i + 1]; k += 1) {
        const j = targets[k];
        if (inc[j] === 0) next[nInc++] = j; // next[] doubles as the list of nodes with an increment
        inc[j] += impact[k] * hi;
      }
    }
    for (let f = 0; f < size; f += 1) state[frontier[f]] = 2;
    let nextSize = 0;
    const incremented = next;
    const newFrontier = frontier; // frontier is no longer needed: reuse it for the next round
    for (let q = 0; q < nInc; q += 1) {
      const j = incremented[q];
      touch(j);
      h[j] = Math.min(1, h[j] + inc[j]);
      inc[j] = 0;
      if (state[j] === 0 && h[j] >= tolerance) {
        state[j] = 1;
        newFrontier[nextSize++] = j;
      }
    }
    frontier = newFrontier;
    next = incremented;
    size = nextSize;
  }
  let final = 0;
  for (let q = 0; q < nTouched; q += 1) final += net.weight[touched[q]] * h[touched[q]];
  const stress = keepStress ? Float64Array.from(h) : new Float64Array(0);
  for (let q = 0; q < nTouched; q += 1) {
    const j = touched[q];
    h[j] = 0;
    state[j] = 0;
    isTouched[j] = 0;
  }
  return { debtRank: Math.max(0, Math.min(1, final - initial)), stress };
}

/** Every member's DebtRank: the stress its own default alone would add to the cluster. */
export function debtRankPerMember(
  net: ContagionNetwork,
  tolerance = DEFAULT_DEBT_RANK_TOLERANCE,
): Float64Array {
  const n = net.ids.length;
  const out = new Float64Array(n);
  const ws = debtRankWorkspace(n);
  const shock = new Map<number, number>();
  for (let i = 0; i < n; i += 1) {
    if (net.start[i] === net.start[i + 1]) continue; // no one loses when it defaults: 0
    shock.clear();
    shock.set(i, 1);
    out[i] = runDebtRank(net, shock, ws, tolerance, false).debtRank;
  }
  return out;
}
