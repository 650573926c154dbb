/** Small dense float64 kernels on row-major Float64Arrays (the FID path; cache-friendly i-k-j loops). */

/** C = A·B for A [n, k], B [k, m]. */
export function matMul64(A: Float64Array, B: Float64Array, n: number, k: number, m: number): Float64Array {
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const ci = i * m;
    for (let p = 0; p < k; p++) {
      const a = A[i * k + p];
      if (a === 0) continue;
      const bp = p * m;
      for (let j = 0; j < m; j++) C[ci + j] += a * B[bp + j];
    }
  }
  return C;
}

/**
 * Lower Cholesky factor L (A = L·Lᵀ) of a symmetric [n, n] matrix, or undefined when A is not (numerically) positive
 * definite: a pivot ≤ `relTol`·A_jj (default 1e-10, i.e. condition ≳ 1e10) counts as singular.
 */
export function cholesky64(A: Float64Array, n: number, relTol = 1e-10): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const lj = j * n;
    let s = A[lj + j];
    for (let k = 0; k < j; k++) s -= L[lj + k] * L[lj + k];
    if (!(s > relTol * A[lj + j])) return undefined;
    const djj = Math.sqrt(s);
    L[lj + j] = djj;
    for (let i = j + 1; i < n; i++) {
      const li = i * n;
      let t = A[li + j];
      for (let k = 0; k < j; k++) t -= L[li + k] * L[lj + k];
      L[li + j] = t / djj;
    }
  }
  return L;
}

/** Aᵀ for A [n, m]. */
export function transpose64(A: Float64Array, n: number, m: number): Float64Array {
  const T = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) T[j * n + i] = A[i * m + j];
  return T;
}

/** Lᵀ·S·L for S [n, n] and lower-triangular L [n, n] (uses the zeros of L: half the work of two full products). */
export function congruenceLower64(S: Float64Array, L: Float64Array, n: number): Float64Array {
  const X = new Float64Array(n * n); // X = S·L: X[i, j] = Σ_{k ≥ j} S[i, k]·L[k, j]
  for (let i = 0; i < n; i++) {
    const xi = i * n;
    for (let k = 0; k < n; k++) {
      const a = S[i * n + k];
      const lk = k * n;
      for (let j = 0; j <= k; j++) X[xi + j] += a * L[lk + j];
    }
  }
  const M = new Float64Array(n * n); // M = Lᵀ·X: M[i, j] = Σ_{k ≥ i} L[k, i]·X[k, j]
  for (let k = 0; k < n; k++) {
    const xk = k * n;
    for (let i = 0; i <= k; i++) {
      const a = L[k * n + i];
      if (a === 0) continue;
      const mi = i * n;
      for (let j = 0; j < n; j++) M[mi + j] += a * X[xk + j];
    }
  }
  return M;
}
