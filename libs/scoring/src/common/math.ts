/** Small numeric helpers shared by the engine. */
export const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export const logit = (p: number): number => Math.log(p / (1 - p));

/** Round half away from zero to an integer (money in fen). */
export const roundFen = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

/** Piecewise-linear interpolation through points sorted by x; flat beyond both ends. */
export function interpolate(points: readonly (readonly [number, number])[], x: number): number {
  const first = points[0];
  if (x <= first[0]) return first[1];
  for (let k = 1; k < points.length; k += 1) {
    const p1 = points[k];
    if (x <= p1[0]) {
      const p0 = points[k - 1];
      return p0[1] + ((p1[1] - p0[1]) * (x - p0[0])) / (p1[0] - p0[0]);
    }
  }
  return points[points.length - 1][1];
}
