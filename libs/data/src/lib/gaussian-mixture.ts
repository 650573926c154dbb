import type { Rng } from '@pfgm/tensor';

/** A 2-D Gaussian mixture Σ_k w_k N(μ_k, Σ_k) with closed-form density (likelihood checks). */
export interface GaussianMixture2d {
  /** Mixture weights w_k (sum to 1). */
  weights: readonly number[];
  /** Means μ_k as [x, y]. */
  means: readonly (readonly [number, number])[];
  /** Covariances Σ_k as [s_xx, s_xy, s_yy] (symmetric positive definite). */
  covs: readonly (readonly [number, number, number])[];
}

/** Checks weights sum to 1 and each Σ_k is positive definite. */
export function checkMixture(m: GaussianMixture2d): void {
  const K = m.weights.length;
  if (K === 0 || m.means.length !== K || m.covs.length !== K) throw new Error('mixture: weights, means and covs must have the same length K ≥ 1');
  const total = m.weights.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-12 || m.weights.some((w) => !(w > 0))) throw new Error(`mixture: weights must be positive and sum to 1, got sum ${total}`);
  for (const [a, b, c] of m.covs) {
    if (!(a > 0 && a * c - b * b > 0)) throw new Error(`mixture: covariance [${a}, ${b}, ${c}] is not positive definite`);
  }
}

/** Draws n points [n, 2] (float64): component by weight, then μ_k + L_k g with Σ_k = L_k L_kᵀ (Cholesky). */
export function sampleMixture(m: GaussianMixture2d, n: number, rng: Rng): Float64Array {
  const out = new Float64Array(2 * n);
  const cdf: number[] = [];
  m.weights.reduce((acc, w, k) => (cdf[k] = acc + w), 0);
  for (let i = 0; i < n; i++) {
    const u = rng.next() * cdf[cdf.length - 1];
    let k = 0;
    while (k < cdf.length - 1 && u >= cdf[k]) k++;
    const [a, b, c] = m.covs[k];
    const l11 = Math.sqrt(a);
    const l21 = b / l11;
    const l22 = Math.sqrt(c - l21 * l21);
    const g1 = rng.nextNormal();
    const g2 = rng.nextNormal();
    out[2 * i] = m.means[k][0] + l11 * g1;
    out[2 * i + 1] = m.means[k][1] + l21 * g1 + l22 * g2;
  }
  return out;
}

/** log p(x) = log Σ_k w_k N(x; μ_k, Σ_k) for points [n, 2], in float64 with log-sum-exp. */
export function mixtureLogDensity(m: GaussianMixture2d, x: ArrayLike<number>): Float64Array {
  const n = Math.floor(x.length / 2);
  const K = m.weights.length;
  const terms = new Float64Array(K);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      const [a, b, c] = m.covs[k];
      const det = a * c - b * b;
      const dx = x[2 * i] - m.means[k][0];
      const dy = x[2 * i + 1] - m.means[k][1];
      const maha = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det; // (x−μ)ᵀ Σ⁻¹ (x−μ)
      terms[k] = Math.log(m.weights[k]) - Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * maha;
      if (terms[k] > max) max = terms[k];
    }
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(terms[k] - max);
    out[i] = max + Math.log(s);
  }
  return out;
}
