/**
 * Rank and calibration metrics of a PD model: AUC (Mann-Whitney, ties count half), KS (the
 * largest gap between the cumulative shares of defaulters and non-defaulters), Gini = 2 AUC - 1
 * and the Brier score. Higher PD must mean riskier. Pure; `pd[i]` goes with `defaulted[i]`.
 */
export interface DiscriminationMetrics {
  readonly n: number;
  readonly positives: number;
  readonly auc: number;
  readonly ks: number;
  readonly gini: number;
  readonly brier: number;
}

export function discriminationMetrics(pd: readonly number[], defaulted: readonly boolean[]): DiscriminationMetrics {
  if (pd.length !== defaulted.length) throw new RangeError('pd and defaulted differ in length');
  const n = pd.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pd[a] - pd[b]);
  let positives = 0;
  for (const d of defaulted) if (d) positives += 1;
  const negatives = n - positives;
  let brier = 0;
  for (let i = 0; i < n; i += 1) brier += (pd[i] - (defaulted[i] ? 1 : 0)) ** 2;
  brier = n === 0 ? 0 : brier / n;
  if (positives === 0 || negatives === 0) return { n, positives, auc: 0.5, ks: 0, gini: 0, brier };

  // Walk ties as one group: the sum of positives' ranks (average rank within ties) gives AUC;
  // the cumulative shares after each group give KS.
  let rankSumPositives = 0;
  let seenPos = 0;
  let seenNeg = 0;
  let ks = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    let groupPos = 0;
    while (j < n && pd[order[j]] === pd[order[i]]) {
      if (defaulted[order[j]]) groupPos += 1;
      j += 1;
    }
    const averageRank = (i + 1 + j) / 2; // ranks i+1..j
    rankSumPositives += groupPos * averageRank;
    seenPos += groupPos;
    seenNeg += j - i - groupPos;
    ks = Math.max(ks, Math.abs(seenNeg / negatives - seenPos / positives));
    i = j;
  }
  const auc = (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
  return { n, positives, auc, ks, gini: 2 * auc - 1, brier };
}
