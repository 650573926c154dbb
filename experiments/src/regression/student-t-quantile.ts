import betaCdf from '@stdlib/stats-base-dists-beta-cdf';

/**
 * Student-t CDF P(T ≤ t) with ν degrees of freedom via the regularized incomplete beta: P(T > |t|) = ½·I_{ν/(ν+t²)}(ν/2, ½)
 * = ½·(1 − I_{t²/(ν+t²)}(½, ν/2)); the second form for t² < ν keeps full precision near t = 0.
 */
export function studentTCdf(t: number, nu: number): number {
  if (!(nu > 0)) throw new RangeError(`studentTCdf: degrees of freedom must be positive, got ${nu}`);
  const t2 = t * t;
  const tail = t2 < nu ? 0.5 * (1 - betaCdf(t2 / (nu + t2), 0.5, nu / 2)) : 0.5 * betaCdf(nu / (nu + t2), nu / 2, 0.5); // P(T > |t|)
  return t >= 0 ? 1 - tail : tail;
}

/** Student-t quantile t_{p, ν} (bisection on {@link studentTCdf} to |Δt| ≤ 1e-12·max(1, |t|)); p in (0, 1). */
export function studentTQuantile(p: number, nu: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: probability must be in (0, 1), got ${p}`);
  if (!(nu > 0)) throw new RangeError(`studentTQuantile: degrees of freedom must be positive, got ${nu}`);
  let hi = 1;
  while (studentTCdf(hi, nu) < p) hi *= 2;
  let lo = -1;
  while (studentTCdf(lo, nu) > p) lo *= 2;
  while (hi - lo > 1e-12 * Math.max(1, Math.abs(hi))) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, nu) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
