/**
 * Joint default of two parties with default correlation rho (Moody's joint default analysis,
 * credit-anchors §5.2): P(A and B) = pa·pb + rho·sqrt(pa(1-pa)·pb(1-pb)), bounded by the
 * Fréchet limits max(0, pa + pb - 1) <= P <= min(pa, pb) so it stays a probability for any rho.
 */
export function jointDefaultProbability(pa: number, pb: number, rho: number): number {
  const raw = pa * pb + rho * Math.sqrt(pa * (1 - pa) * pb * (1 - pb));
  return Math.min(Math.min(pa, pb), Math.max(Math.max(0, pa + pb - 1), raw));
}

/** The supported PD with support probability W: (1 - W)·PD + W·P(company and supporter both default). */
export function supportedPd(pd: number, supporterPd: number, supportProbability: number, rho: number): number {
  return (1 - supportProbability) * pd + supportProbability * jointDefaultProbability(pd, supporterPd, rho);
}
