/** Small numeric helpers shared by the engine. */
export const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export const logit = (p: number): number => Math.log(p / (1 - p));

/** Round half away from zero to an integer (money in fen). */
export const roundFen = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

/** Piecewise-linear interpolation through points sorted by x; flat beyond both ends. */
export function interpolate(points: readonly (readonly [number, number])[], x: number): number {
  if (x <= points[0][0]) return points[0][1];
  const last = points[points.length - 1];
  if (x >= last[0]) return last[1];
  for (let k = 1; k < points.length; k += 1) {
    const [x1, y1] = points[k];
    if (x <= x1) {
      const [x0, y0] = points[k - 1];
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return last[1];
}
