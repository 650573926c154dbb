import type { NativeAddon } from '@pfgm/native';
import { cholesky64, congruenceLower64, matMul64, transpose64 } from './dense-float64.js';
import type { GaussianStats } from './gaussian-stats.js';
import { lapackAddon, symmetricEigen } from './symmetric-eigen.js';

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
  /** Use OpenBLAS/LAPACK (float64) when @pfgm/native is built. Default true; false forces the JS path. */
  lapack?: boolean;
}

/**
 * The float64 dense operations of {@link traceSqrtProduct}: in JS (dense-float64.ts, tred2/tql2), or with LAPACK
 * dpotrf / BLAS dgemm / LAPACK dsyevd. Both make the same decisions (the same Cholesky pivot test) and agree to
 * rounding (≈ 1e-12 relative on the FID).
 */
interface Dense {
  cholesky(A: Float64Array, n: number): Float64Array | undefined;
  /** Lᵀ·S·L. */
  congruence(S: Float64Array, L: Float64Array, n: number): Float64Array;
  /** Aᵀ·S·A. */
  sandwich(S: Float64Array, A: Float64Array, n: number): Float64Array;
  eigen(A: Float64Array, n: number, vectors: boolean): { values: Float64Array; vectors?: Float64Array };
}

/** cholesky64's pivot test: column j is accepted while its pivot s > relTol·A[j, j]. */
const CHOLESKY_REL_TOL = 1e-10;

const jsDense: Dense = {
  cholesky: (A, n) => cholesky64(A, n, CHOLESKY_REL_TOL),
  congruence: congruenceLower64,
  sandwich: (S, A, n) => matMul64(transpose64(A, n, n), matMul64(S, A, n, n, n), n, n, n),
  eigen: (A, n, vectors) => symmetricEigen(A, n, { vectors, lapack: false }),
};

function lapackDense(addon: NativeAddon): Dense {
  const gemm = (ta: boolean, A: Float64Array, B: Float64Array, n: number) => {
    const C = new Float64Array(n * n);
    addon.dgemm(ta, false, n, n, n, 1, A, 0, n, B, 0, n, 0, C, 0, n);
    return C;
  };
  return {
    cholesky(A, n) {
      const L = Float64Array.from(A);
      if (addon.dpotrf(n, L) !== 0) return undefined;
      for (let j = 0; j < n; j++) {
        const row = j * n;
        // s = L[j, j]² is cholesky64's pivot; the same acceptance test keeps both paths on the same branch.
        if (!(L[row + j] * L[row + j] > CHOLESKY_REL_TOL * A[row + j])) return undefined;
        L.fill(0, row + j + 1, row + n); // dpotrf leaves the strict upper triangle as it was
      }
      return L;
    },
    congruence: (S, L, n) => gemm(true, L, gemm(false, S, L, n), n),
    sandwich: (S, A, n) => gemm(true, A, gemm(false, S, A, n), n),
    eigen: (A, n, vectors) => symmetricEigen(A, n, { vectors, lapack: true }),
  };
}

function dense(lapack: boolean): Dense {
  const addon = lapackAddon(lapack);
  return addon != null ? lapackDense(addon) : jsDense;
}

/** Σ √max(λᵢ, 0) over the eigenvalues of a symmetric PSD matrix M [n, n] (eigenvalues only). */
function traceSqrtPsd(d: Dense, M: Float64Array, n: number): number {
  return d.eigen(M, n, false).values.reduce((t, l) => t + Math.sqrt(Math.max(l, 0)), 0);
}

/**
 * Tr((S1·S2)^{1/2}) in float64 (fid-spec §2.2–2.4). S1·S2 shares its eigenvalues with symmetric PSD matrices:
 * Lᵀ·S2·L with S1 = L·Lᵀ (Cholesky; one eigenvalue-only decomposition), or Lᵀ·S1·L with S2 = L·Lᵀ (S2·S1 is
 * similar to S1·S2), or — both singular — Bᵀ·S2·B with B = V·diag(√w) from S1 = V·diag(w)·Vᵀ (= Vᵀ·√S1·S2·√S1·V,
 * the spec's path). Negative eigenvalues (rounding, singular covariances) contribute 0, as the real part of the
 * principal square root does in scipy/torch-fidelity. With `lapack` (default) and @pfgm/native built, the dense
 * float64 work runs on LAPACK/OpenBLAS (D = 2048: seconds instead of minutes).
 */
export function traceSqrtProduct(sigma1: Float64Array, sigma2: Float64Array, dim: number, path: 'auto' | 'eig' = 'auto', lapack = true): number {
  const n = dim;
  const d = dense(lapack);
  if (path === 'auto') {
    const L1 = d.cholesky(sigma1, n);
    if (L1) return traceSqrtPsd(d, d.congruence(sigma2, L1, n), n); // L1ᵀ·S2·L1
    const L2 = d.cholesky(sigma2, n);
    if (L2) return traceSqrtPsd(d, d.congruence(sigma1, L2, n), n); // L2ᵀ·S1·L2
  }
  const { values: w, vectors } = d.eigen(sigma1, n, true);
  const V = vectors as Float64Array;
  const B = V.map((v, k) => v * Math.sqrt(Math.max(w[k % n], 0))); // V·diag(√w)
  return traceSqrtPsd(d, d.sandwich(sigma2, B, n), n);
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
  const { fewSamples = 'error', onWarning = (m: string) => console.warn(m), lapack = true } = opts;
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
  const fid = dmu + trace(a.sigma, D) + trace(b.sigma, D) - 2 * traceSqrtProduct(a.sigma, b.sigma, D, 'auto', lapack);
  if (!Number.isFinite(fid)) throw new Error(`frechetDistance: result is ${fid}; the statistics contain non-finite values`);
  return fid;
}
