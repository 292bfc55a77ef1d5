/**
 * Fitting the financial-strength GAM: cyclic gradient boosting of per-ratio step functions
 * (the "explainable boosting" idea of Lou, Caruana & Gehrke 2012, with bins in place of
 * shallow trees), each shape projected after every step onto the monotone functions in
 * the ratio's declared direction (pool-adjacent-violators, Ayer et al. 1955), and the
 * missing bin left free. Deterministic: no randomness at all inside a fit.
 */
import type { PairTerm, ShapeFunction } from '@app/scoring/financial/financial-model';

export interface GamOptions {
  /** most quantile bins per ratio */
  readonly bins: number;
  readonly rounds: number;
  readonly learningRate: number;
  /** L2 penalty on each bin's Newton step */
  readonly lambda: number;
}

export interface GamData {
  /** features[f][i], NaN = missing */
  readonly features: readonly Float64Array[];
  readonly label: Uint8Array;
  /** the file (horizon) of each row: each gets its own intercept */
  readonly source: Uint8Array;
  readonly sources: number;
}

export interface FittedGam {
  readonly intercepts: readonly number[];
  readonly shapes: readonly ShapeFunction[];
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Quantile edges of the present values of the rows in `rows`. */
export function quantileEdges(values: Float64Array, rows: Int32Array, bins: number): number[] {
  const present: number[] = [];
  for (const i of rows) if (!Number.isNaN(values[i])) present.push(values[i]);
  present.sort((a, b) => a - b);
  const edges: number[] = [];
  if (present.length === 0) return edges;
  for (let k = 1; k < bins; k += 1) {
    const q = present[Math.floor((k * present.length) / bins)];
    if (q > present[0] && (edges.length === 0 || q > edges[edges.length - 1])) edges.push(q);
  }
  return edges;
}

function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Weighted isotonic (non-decreasing) regression by pool-adjacent-violators, in place. */
export function isotonicIncreasing(y: Float64Array, w: Float64Array): void {
  const m = y.length;
  const val: number[] = [];
  const wt: number[] = [];
  const len: number[] = [];
  for (let k = 0; k < m; k += 1) {
    val.push(y[k]);
    wt.push(w[k] > 0 ? w[k] : 1e-9);
    len.push(1);
    while (val.length > 1 && val[val.length - 2] > val[val.length - 1]) {
      const w2 = wt.pop() as number;
      const v2 = val.pop() as number;
      const l2 = len.pop() as number;
      const top = val.length - 1;
      const wSum = wt[top] + w2;
      val[top] = (val[top] * wt[top] + v2 * w2) / wSum;
      wt[top] = wSum;
      len[top] += l2;
    }
  }
  let k = 0;
  for (let b = 0; b < val.length; b += 1) for (let t = 0; t < len[b]; t += 1) y[k++] = val[b];
}

export function fitGam(
  data: GamData,
  trainRows: Int32Array,
  names: readonly string[],
  directions: readonly (1 | -1)[],
  opt: GamOptions,
): FittedGam {
  const F = names.length;
  const n = data.label.length;
  const edges = names.map((_, f) => quantileEdges(data.features[f], trainRows, opt.bins));
  // bin index per training row; the last index (edges.length + 1) is the missing bin
  const binIdx = names.map((_, f) => {
    const a = new Uint16Array(n);
    const e = edges[f];
    for (const i of trainRows) {
      const x = data.features[f][i];
      a[i] = Number.isNaN(x) ? e.length + 1 : binOf(e, x);
    }
    return a;
  });
  const values = edges.map((e) => new Float64Array(e.length + 2));
  const counts = edges.map((e, f) => {
    const c = new Float64Array(e.length + 2);
    for (const i of trainRows) c[binIdx[f][i]] += 1;
    return c;
  });

  // per-source intercepts start at the base rate
  const intercepts = new Float64Array(data.sources);
  for (let s = 0; s < data.sources; s += 1) {
    let pos = 0;
    let tot = 0;
    for (const i of trainRows)
      if (data.source[i] === s) {
        tot += 1;
        pos += data.label[i];
      }
    intercepts[s] = tot > 0 && pos > 0 ? Math.log(pos / (tot - pos)) : 0;
  }
  const score = new Float64Array(n);
  for (const i of trainRows) score[i] = intercepts[data.source[i]];

  for (let r = 0; r < opt.rounds; r += 1) {
    for (let f = 0; f < F; f += 1) {
      const m = edges[f].length + 2;
      const G = new Float64Array(m);
      const H = new Float64Array(m);
      const bi = binIdx[f];
      for (const i of trainRows) {
        const p = sigmoid(score[i]);
        G[bi[i]] += p - data.label[i];
        H[bi[i]] += p * (1 - p);
      }
      const old = values[f];
      const next = new Float64Array(m);
      for (let b = 0; b < m; b += 1) next[b] = old[b] - (opt.learningRate * G[b]) / (H[b] + opt.lambda);
      // monotone projection of the ordered bins (not the missing one)
      const ordered = next.subarray(0, m - 1);
      const w = counts[f].subarray(0, m - 1);
      // direction +1 (higher ratio is safer) means the log-odds of bankruptcy fall with the ratio
      if (directions[f] === 1) {
        for (let b = 0; b < ordered.length; b += 1) ordered[b] = -ordered[b];
        isotonicIncreasing(ordered, new Float64Array(w));
        for (let b = 0; b < ordered.length; b += 1) ordered[b] = -ordered[b];
      } else {
        isotonicIncreasing(ordered, new Float64Array(w));
      }
      for (const i of trainRows) score[i] += next[bi[i]] - old[bi[i]];
      values[f] = next;
    }
    // one Newton step on each source's intercept
    for (let s = 0; s < data.sources; s += 1) {
      let g = 0;
      let h = 0;
      for (const i of trainRows)
        if (data.source[i] === s) {
          const p = sigmoid(score[i]);
          g += p - data.label[i];
          h += p * (1 - p);
        }
      const step = h > 0 ? -g / (h + 1e-9) : 0;
      intercepts[s] += step;
      for (const i of trainRows) if (data.source[i] === s) score[i] += step;
    }
  }

  // centre every shape on the training rows, moving the means into the intercepts
  const shapes: ShapeFunction[] = [];
  let shift = 0;
  const total = trainRows.length;
  names.forEach((feature, f) => {
    const v = values[f];
    const c = counts[f];
    let mean = 0;
    for (let b = 0; b < v.length; b += 1) mean += (v[b] * c[b]) / total;
    shift += mean;
    const m = v.length;
    shapes.push({
      feature,
      direction: directions[f],
      edges: edges[f].map((e) => round6(e)),
      values: Array.from(v.subarray(0, m - 1), (x) => round6(x - mean)),
      missing: round6(c[m - 1] > 0 ? v[m - 1] - mean : 0),
    });
  });
  return { intercepts: Array.from(intercepts, (x) => round6(x + shift)), shapes };
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function gamLogit(model: FittedGam, data: GamData, i: number, source: number): number {
  let z = model.intercepts[source];
  model.shapes.forEach((s, f) => {
    const x = data.features[f][i];
    z += Number.isNaN(x) ? s.missing : s.values[binOf(s.edges, x)];
  });
  return z;
}

/** Logistic regression of y on one score, by Newton's method: Platt scaling. */
export function plattScaling(z: readonly number[], y: readonly number[]): { a: number; b: number } {
  let a = 0;
  let b = 1;
  for (let it = 0; it < 50; it += 1) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < z.length; i += 1) {
      const p = sigmoid(a + b * z[i]);
      const w = p * (1 - p);
      ga += p - y[i];
      gb += (p - y[i]) * z[i];
      haa += w;
      hab += w * z[i];
      hbb += w * z[i] * z[i];
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}

/** mulberry32: a small seeded generator, so folds are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = t;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PairOptions {
  /** project every table onto the functions monotone in both ratios' directions */
  readonly monotone: boolean;
  readonly pairs: number;
  readonly pairBins: number;
  readonly rounds: number;
  readonly learningRate: number;
  readonly lambda: number;
}

function cellIndex(edgesA: readonly number[], edgesB: readonly number[], xa: number, xb: number): number {
  const a = Number.isNaN(xa) ? edgesA.length + 1 : binOf(edgesA, xa);
  const b = Number.isNaN(xb) ? edgesB.length + 1 : binOf(edgesB, xb);
  return a * (edgesB.length + 2) + b;
}

/**
 * Pairwise terms on top of fitted main effects (GA2M, Lou et al. 2013): the `pairs` pairs
 * whose table best reduces the loss of the main-effects model (one Newton step, the FAST
 * ranking) are chosen, then boosted with the main effects frozen.
 */
export function fitPairs(
  data: GamData,
  trainRows: Int32Array,
  names: readonly string[],
  directions: readonly (1 | -1 | 0)[],
  base: FittedGam,
  opt: PairOptions,
): (PairTerm & { readonly mean: number })[] {
  const n = data.label.length;
  const score = new Float64Array(n);
  for (const i of trainRows) score[i] = gamLogit(base, data, i, data.source[i]);
  const edges = names.map((_, f) => quantileEdges(data.features[f], trainRows, opt.pairBins));
  const F = names.length;
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  for (const i of trainRows) {
    const p = sigmoid(score[i]);
    g[i] = p - data.label[i];
    h[i] = p * (1 - p);
  }
  const ranked: { a: number; b: number; gain: number }[] = [];
  for (let a = 0; a < F; a += 1)
    for (let b = a + 1; b < F; b += 1) {
      const size = (edges[a].length + 2) * (edges[b].length + 2);
      const G = new Float64Array(size);
      const H = new Float64Array(size);
      for (const i of trainRows) {
        const c = cellIndex(edges[a], edges[b], data.features[a][i], data.features[b][i]);
        G[c] += g[i];
        H[c] += h[i];
      }
      let gain = 0;
      for (let c = 0; c < size; c += 1) gain += (G[c] * G[c]) / (H[c] + opt.lambda);
      ranked.push({ a, b, gain });
    }
  ranked.sort((x, y) => y.gain - x.gain || x.a - y.a || x.b - y.b);
  const chosen = ranked.slice(0, opt.pairs);
  const cells = chosen.map(({ a, b }) => {
    const idx = new Uint16Array(n);
    for (const i of trainRows) idx[i] = cellIndex(edges[a], edges[b], data.features[a][i], data.features[b][i]);
    return idx;
  });
  const tables = chosen.map(({ a, b }) => new Float64Array((edges[a].length + 2) * (edges[b].length + 2)));
  for (let r = 0; r < opt.rounds; r += 1) {
    chosen.forEach((_, t) => {
      const table = tables[t];
      const G = new Float64Array(table.length);
      const H = new Float64Array(table.length);
      const idx = cells[t];
      for (const i of trainRows) {
        const p = sigmoid(score[i]);
        G[idx[i]] += p - data.label[i];
        H[idx[i]] += p * (1 - p);
      }
      const delta = new Float64Array(table.length);
      for (let c = 0; c < table.length; c += 1) delta[c] = (-opt.learningRate * G[c]) / (H[c] + opt.lambda);
      const before = Float64Array.from(table);
      for (let c = 0; c < table.length; c += 1) table[c] += delta[c];
      if (opt.monotone) {
        const { a, b } = chosen[t];
        const counts = new Float64Array(table.length);
        for (const i of trainRows) counts[idx[i]] += 1;
        bimonotone(table, counts, edges[a].length + 2, edges[b].length + 2, directions[a], directions[b]);
      }
      for (let c = 0; c < table.length; c += 1) delta[c] = table[c] - before[c];
      for (const i of trainRows) score[i] += delta[idx[i]];
    });
  }
  // centre each table on the training rows; the caller moves the means into the intercept
  return chosen.map(({ a, b }, t) => {
    const cols = edges[b].length + 2;
    const rows = edges[a].length + 2;
    const wa = new Array<number>(rows).fill(0);
    const wb = new Array<number>(cols).fill(0);
    let mean = 0;
    for (const i of trainRows) {
      const c = cells[t][i];
      wa[Math.floor(c / cols)] += 1 / trainRows.length;
      wb[c % cols] += 1 / trainRows.length;
      mean += tables[t][c] / trainRows.length;
    }
    const values: number[][] = [];
    for (let x = 0; x < rows; x += 1) values.push(Array.from(tables[t].subarray(x * cols, (x + 1) * cols), (v) => round6(v - mean)));
    return {
      features: [names[a], names[b]] as [string, string],
      edges: [edges[a].map(round6), edges[b].map(round6)] as [number[], number[]],
      values,
      axisWeights: [wa.map(round6), wb.map(round6)] as [number[], number[]],
      mean,
    };
  });
}

export function pairLogit(pairs: readonly PairTerm[], data: GamData, names: readonly string[], i: number): number {
  let z = 0;
  for (const p of pairs) {
    const a = names.indexOf(p.features[0]);
    const b = names.indexOf(p.features[1]);
    const c = cellIndex(p.edges[0], p.edges[1], data.features[a][i], data.features[b][i]);
    const cols = p.edges[1].length + 2;
    z += p.values[Math.floor(c / cols)][c % cols];
  }
  return z;
}

/**
 * Projects a table (rows: bins of ratio a then its missing bin; columns: the same for b)
 * onto the tables whose present cells fall (direction +1) or rise (-1) along both ratios,
 * by alternating weighted PAVA along rows and columns until no violation is left
 * (alternating projections onto two convex sets reach a point of their intersection).
 */
export function bimonotone(
  table: Float64Array,
  weights: Float64Array,
  rows: number,
  cols: number,
  dirA: 1 | -1 | 0,
  dirB: 1 | -1 | 0,
): void {
  if (dirA === 0 && dirB === 0) return;
  const pr = rows - 1; // present rows
  const pc = cols - 1;
  const fitLine = (get: (k: number) => number, set: (k: number, v: number) => void, w: (k: number) => number, m: number, dir: 1 | -1 | 0) => {
    if (dir === 0) return;
    const y = new Float64Array(m);
    const ww = new Float64Array(m);
    for (let k = 0; k < m; k += 1) {
      y[k] = dir === 1 ? -get(k) : get(k);
      ww[k] = w(k) + 1e-3;
    }
    isotonicIncreasing(y, ww);
    for (let k = 0; k < m; k += 1) set(k, dir === 1 ? -y[k] : y[k]);
  };
  for (let it = 0; it < 200; it += 1) {
    for (let r = 0; r < pr; r += 1)
      fitLine((k) => table[r * cols + k], (k, v) => (table[r * cols + k] = v), (k) => weights[r * cols + k], pc, dirB);
    for (let c = 0; c < pc; c += 1)
      fitLine((k) => table[k * cols + c], (k, v) => (table[k * cols + c] = v), (k) => weights[k * cols + c], pr, dirA);
    let worst = 0;
    for (let r = 0; r < pr; r += 1)
      for (let c = 0; c + 1 < pc; c += 1) worst = Math.max(worst, dirB * (table[r * cols + c + 1] - table[r * cols + c]));
    if (worst < 1e-9 || dirA === 0 || dirB === 0) break;
  }
  if (dirB === 0) return;
  // the last pass was along columns, so columns are monotone; make rows exactly so with a
  // running max/min, which keeps columns monotone too (max of column-monotone sequences)
  for (let r = 0; r < pr; r += 1)
    for (let c = 1; c < pc; c += 1) {
      const prev = table[r * cols + c - 1];
      const cur = table[r * cols + c];
      table[r * cols + c] = dirB === 1 ? Math.min(prev, cur) : Math.max(prev, cur);
    }
}
