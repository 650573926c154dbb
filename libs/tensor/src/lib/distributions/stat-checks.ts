// Test-only statistics for the sampler specs (not exported from the barrel).
import gammaCdfStdlib from '@stdlib/stats-base-dists-gamma-cdf';
import kstest from '@stdlib/stats-kstest';

/** Rejection level for every KS test in the sampler specs: a correct sampler at a fixed seed passes, a wrong one fails. */
export const KS_ALPHA = 1e-3;

/** Two-sided one-sample Kolmogorov–Smirnov test of `sample` against the exact `cdf` (stdlib, exact p-value). */
export function ksTest(sample: ArrayLike<number>, cdf: (x: number) => number): { statistic: number; pValue: number } {
  const r = kstest(Array.from(sample), (x: number) => cdf(x));
  return { statistic: r.statistic, pValue: r.pValue };
}

/** Sample mean, (biased) variance and fourth central moment, in float64. */
export function moments(x: ArrayLike<number>): { n: number; mean: number; variance: number; m4: number } {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const mean = s / n;
  let v = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d2 = (x[i] - mean) ** 2;
    v += d2;
    m4 += d2 * d2;
  }
  return { n, mean, variance: v / n, m4: m4 / n };
}

/**
 * z-scores of the sample mean and variance against exact values: (m̂ − μ)/√(σ²/n) and
 * (σ̂² − σ²)/√((μ̂₄ − σ̂⁴)/n) (the large-sample standard error of the variance).
 */
export function momentZScores(x: ArrayLike<number>, mean: number, variance: number): { zMean: number; zVar: number } {
  const m = moments(x);
  return {
    zMean: (m.mean - mean) / Math.sqrt(variance / m.n),
    zVar: (m.variance - variance) / Math.sqrt((m.m4 - m.variance ** 2) / m.n),
  };
}

/**
 * Exact Gamma(k, 1) CDF P(k, x). stdlib's gamma-cdf 0.3.1 is used for k < 100; for larger k it is wrong by up to
 * 0.03 (at k = 1536, x = 1490 it gives 0.0872 where scipy gives 0.1196 — its Temme large-shape branch), so large
 * k uses the classic series / continued fraction (Numerical Recipes §6.2) with a Stirling lnΓ, checked against
 * stdlib at k ∈ [20, 200] in stat-checks.spec.ts.
 */
export function gammaCdf(x: number, k: number): number {
  if (k < 100) return gammaCdfStdlib(x, k, 1);
  return regularizedGammaP(k, x);
}

/** P(k, x) = γ(k, x)/Γ(k) for k ≥ 10: series for x < k + 1, Lentz continued fraction for Q = 1 − P otherwise. */
export function regularizedGammaP(k: number, x: number): number {
  if (!(k >= 10)) throw new Error(`regularizedGammaP: k = ${k} must be ≥ 10 (Stirling lnΓ)`);
  if (x <= 0) return 0;
  const logPrefix = -x + k * Math.log(x) - lnGammaStirling(k); // ln(x^k e^{−x}/Γ(k))
  if (x < k + 1) {
    let term = 1 / k;
    let sum = term;
    for (let n = 1; n < 100_000; n++) {
      term *= x / (k + n);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return Math.exp(logPrefix) * sum;
  }
  const tiny = 1e-300;
  let b = x + 1 - k;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - k);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 - Math.exp(logPrefix) * h;
}

/** lnΓ(k) by Stirling's series to k^{−7} (absolute error < 1e−12 for k ≥ 10). */
export function lnGammaStirling(k: number): number {
  const k2 = k * k;
  return (
    (k - 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) +
    (1 / (12 * k)) * (1 - (1 / (30 * k2)) * (1 - (2 / (7 * k2)) * (1 - 3 / (4 * k2))))
  );
}
