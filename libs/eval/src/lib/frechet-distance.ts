import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { GaussianStats } from './gaussian-stats.js';

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

/** Row-major Float64Array [n, n] → ml-matrix. */
function toMatrix(a: Float64Array, n: number): Matrix {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, a[i * n + j]);
  return m;
}

/** Symmetric eigendecomposition (JAMA tred2/tql2) of (A + Aᵀ)/2. */
function symmetricEig(A: Matrix): EigenvalueDecomposition {
  const S = A.clone().add(A.transpose()).mul(0.5); // ml-matrix arithmetic is in place
  return new EigenvalueDecomposition(S, { assumeSymmetric: true });
}

/**
 * Tr((S1·S2)^{1/2}) via the symmetric form Tr((√S1·S2·√S1)^{1/2}) (fid-spec §2.4), float64.
 * Negative eigenvalues (rounding, or singular covariances) contribute 0, as the real part of the
 * principal square root does in scipy/torch-fidelity.
 */
export function traceSqrtProduct(sigma1: Float64Array, sigma2: Float64Array, dim: number): number {
  const e1 = symmetricEig(toMatrix(sigma1, dim));
  const V = e1.eigenvectorMatrix; // [dim, dim], columns = eigenvectors
  const sqrtW = e1.realEigenvalues.map((w) => Math.sqrt(Math.max(w, 0)));
  const A = V.clone().mulRowVector(sqrtW).mmul(V.transpose()); // √S1 = V·diag(√w)·Vᵀ
  const M = A.mmul(toMatrix(sigma2, dim)).mmul(A); // √S1·S2·√S1, PSD
  const lambda = symmetricEig(M).realEigenvalues;
  return lambda.reduce((t, l) => t + Math.sqrt(Math.max(l, 0)), 0);
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
