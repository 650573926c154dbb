import { cholesky64 } from './dense-float64.js';
import type { GaussianStats } from './gaussian-stats.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** What {@link checkStatsFile} measured on a covariance. */
export interface CovarianceCheck {
  /** max |Σᵢⱼ − Σⱼᵢ| / max |Σᵢⱼ|. */
  asymmetry: number;
  /** Most negative eigenvalue relative to the largest (0 when Σ is positive semi-definite up to jitter). */
  negativeEigen: number;
}

/** Relative asymmetry above which a covariance is refused (float32 round trips stay far below it). */
export const ASYMMETRY_ERROR = 1e-4;
/** Relative asymmetry above which a warning is given. */
export const ASYMMETRY_WARN = 1e-9;
/** Most negative eigenvalue (relative to the largest) that is still rounding of a singular covariance. */
export const NEGATIVE_EIGEN_ERROR = 1e-6;

function relativeAsymmetry(S: Float64Array, n: number): number {
  let asym = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      max = Math.max(max, Math.abs(S[i * n + j]));
      if (j > i) asym = Math.max(asym, Math.abs(S[i * n + j] - S[j * n + i]));
    }
  }
  return max > 0 ? asym / max : 0;
}

/**
 * Checks the statistics read from a file before FID uses them: finite values, a symmetric and positive semi-definite
 * covariance. A tiny asymmetry is reported through `warn`; a large one, or an eigenvalue clearly below zero (measured
 * only when a jittered Cholesky fails), throws naming the file and the measured value.
 */
export function checkStatsFile(s: GaussianStats, file: string, warn: (m: string) => void): CovarianceCheck {
  const n = s.mu.length;
  if (!s.mu.every(Number.isFinite) || !s.sigma.every(Number.isFinite)) throw new Error(`${file}: mu or sigma holds NaN or Infinity; recompute the statistics (pfgm stats)`);
  const asymmetry = relativeAsymmetry(s.sigma, n);
  if (asymmetry > ASYMMETRY_ERROR) throw new Error(`${file}: sigma is not symmetric (max |Σij − Σji| = ${asymmetry.toExponential(2)} of its largest entry); this is not a covariance matrix — recompute the statistics`);
  if (asymmetry > ASYMMETRY_WARN) warn(`${file}: sigma is slightly asymmetric (${asymmetry.toExponential(2)} relative); its symmetric part is used`);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += s.sigma[i * n + i];
  const jitter = Math.max(trace / n, 1e-300) * NEGATIVE_EIGEN_ERROR;
  const J = Float64Array.from(s.sigma, (v, k) => (k % (n + 1) === 0 ? v + jitter : v));
  if (cholesky64(J, n, 0) !== undefined) return { asymmetry, negativeEigen: 0 };
  const values = symmetricEigen(s.sigma, n, { vectors: false }).values;
  const top = Math.max(...values.map(Math.abs), 1e-300);
  const negativeEigen = Math.min(0, ...values) / top;
  if (negativeEigen < -NEGATIVE_EIGEN_ERROR) throw new Error(`${file}: sigma is not positive semi-definite (most negative eigenvalue ${(negativeEigen * top).toExponential(3)}, ${(-negativeEigen).toExponential(2)} of the largest); this is not a covariance matrix — recompute the statistics`);
  return { asymmetry, negativeEigen };
}
