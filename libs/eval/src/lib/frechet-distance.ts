import { cholesky64, congruenceLower64, matMul64, transpose64 } from './dense-float64.js';
import type { GaussianStats } from './gaussian-stats.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** Options of {@link frechetDistance}. */
export interface FrechetOptions {
  /**
   * What to do when a side has N ≤ dim samples (its covariance is singular; references print NaN or
   * "Imaginary component" there, TTUR#4). Default `'error'`; `'warn'` computes the (biased, finite) value
   * with negative eigenvalues clamped to 0 and calls `onWarning`.
   */
  fewSamples?: 'error' | 'warn';
  /** Receives warnings (default `console.warn`). */
  onWarning?: (message: string) => void;
}

/** Σ √max(λᵢ, 0) over the eigenvalues of a symmetric PSD matrix M [n, n] (eigenvalues only). */
function traceSqrtPsd(M: Float64Array, n: number): number {
  return symmetricEigen(M, n, { vectors: false }).values.reduce((t, l) => t + Math.sqrt(Math.max(l, 0)), 0);
}

/**
 * Tr((S1·S2)^{1/2}) in float64 (fid-spec §2.2–2.4). S1·S2 shares its eigenvalues with symmetric PSD matrices:
 * Lᵀ·S2·L with S1 = L·Lᵀ (Cholesky; one eigenvalue-only decomposition), or Lᵀ·S1·L with S2 = L·Lᵀ (S2·S1 is
 * similar to S1·S2), or — both singular — Bᵀ·S2·B with B = V·diag(√w) from S1 = V·diag(w)·Vᵀ (= Vᵀ·√S1·S2·√S1·V,
 * the spec's path). Negative eigenvalues (rounding, singular covariances) contribute 0, as the real part of the
 * principal square root does in scipy/torch-fidelity.
 */
export function traceSqrtProduct(sigma1: Float64Array, sigma2: Float64Array, dim: number, path: 'auto' | 'eig' = 'auto'): number {
  const n = dim;
  if (path === 'auto') {
    const L1 = cholesky64(sigma1, n);
    if (L1) return traceSqrtPsd(congruenceLower64(sigma2, L1, n), n); // L1ᵀ·S2·L1
    const L2 = cholesky64(sigma2, n);
    if (L2) return traceSqrtPsd(congruenceLower64(sigma1, L2, n), n); // L2ᵀ·S1·L2
  }
  const { values: w, vectors } = symmetricEigen(sigma1, n);
  const V = vectors as Float64Array;
  const B = V.map((v, k) => v * Math.sqrt(Math.max(w[k % n], 0))); // V·diag(√w)
  return traceSqrtPsd(matMul64(transpose64(B, n, n), matMul64(sigma2, B, n, n, n), n, n, n), n);
}

function checkStats(s: GaussianStats, name: string): number {
  const D = s.mu.length;
  if (s.sigma.length !== D * D) {
    throw new Error(`frechetDistance: ${name}.sigma has ${s.sigma.length} entries, expected ${D}×${D} = ${D * D} for mu of length ${D}`);
  }
  return D;
}

function trace(a: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[i * n + i];
  return t;
}

/**
 * Fréchet distance between Gaussians (Heusel et al. 2017, Eq. 6; fid-spec §2.2):
 * ‖mu1 − mu2‖² + Tr(S1) + Tr(S2) − 2·Tr((S1·S2)^{1/2}).
 */
export function frechetDistance(a: GaussianStats, b: GaussianStats, opts: FrechetOptions = {}): number {
  const { fewSamples = 'error', onWarning = (m: string) => console.warn(m) } = opts;
  const D = checkStats(a, 'a');
  if (checkStats(b, 'b') !== D) throw new Error(`frechetDistance: feature dimensions differ (${D} vs ${b.mu.length})`);
  for (const [s, name] of [[a, 'a'], [b, 'b']] as const) {
    if (s.n > 0 && s.n <= D) {
      const msg =
        `frechetDistance: ${name} has N = ${s.n} samples for ${D}-dimensional features; its covariance is singular ` +
        `(rank ≤ N−1), so FID is biased and the reference implementations give NaN/complex values. ` +
        `Use N > ${D} (≥ 10,000 recommended; 50,000 is standard).`;
      if (fewSamples === 'error') throw new Error(msg);
      onWarning(msg);
    }
  }
  let dmu = 0;
  for (let i = 0; i < D; i++) dmu += (a.mu[i] - b.mu[i]) ** 2;
  const fid = dmu + trace(a.sigma, D) + trace(b.sigma, D) - 2 * traceSqrtProduct(a.sigma, b.sigma, D);
  if (!Number.isFinite(fid)) throw new Error(`frechetDistance: result is ${fid}; the statistics contain non-finite values`);
  return fid;
}
