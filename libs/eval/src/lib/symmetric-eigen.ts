/**
 * Symmetric eigendecomposition on flat row-major Float64Arrays: LAPACK dsyevd (OpenBLAS, through @pfgm/native) when
 * that addon is built, else the JAMA/EISPACK tred2 (Householder tridiagonalisation) + tql2 (implicit QL) algorithm
 * that `ml-matrix` runs, ported from its `get`/`set` element calls to typed-array indexing (5–10× faster at
 * n = 2048), with the eigenvector accumulation optional.
 */
import { loadNative, type NativeAddon } from '@pfgm/native';

/** Eigenvalues (ascending) and, when requested, eigenvectors as the columns of V (row-major [n, n]). */
export interface SymmetricEigen {
  values: Float64Array;
  vectors?: Float64Array;
}

/** Householder reduction of V (a copy of A) to tridiagonal form (d, e); accumulates the transform into V if `vectors`. */
function tred2(n: number, V: Float64Array, d: Float64Array, e: Float64Array, vectors: boolean): void {
  for (let j = 0; j < n; j++) d[j] = V[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[j * n + i - 1];
        V[j * n + i] = 0;
        V[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[i * n + j] = f;
        g = e[j] + V[j * n + j] * f;
        const row = j * n;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[row + k] * d[k];
          e[k] += V[row + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const row = j * n;
        for (let k = j; k <= i - 1; k++) V[row + k] -= f * e[k] + g * d[k];
        d[j] = V[row + i - 1];
        V[row + i] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate transformations (needed for the diagonal too: it is moved through column n−1).
  for (let i = 0; i < n - 1; i++) {
    V[i * n + n - 1] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (vectors && h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[(i + 1) * n + k] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[(i + 1) * n + k] * V[j * n + k];
        for (let k = 0; k <= i; k++) V[j * n + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[j * n + n - 1];
    V[j * n + n - 1] = 0;
  }
  V[n * n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e); rotates the rows of V (eigenvectors transposed) if `vectors`. */
function tql2(n: number, V: Float64Array, d: Float64Array, e: Float64Array, vectors: boolean): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (vectors) {
            const a = (i + 1) * n;
            const b = i * n;
            for (let k = 0; k < n; k++) {
              h = V[a + k];
              V[a + k] = s * V[b + k] + c * h;
              V[b + k] = c * V[b + k] - s * h;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** Options of {@link symmetricEigen}. */
export interface SymmetricEigenOptions {
  /** Also compute the eigenvectors. Default true. */
  vectors?: boolean;
  /** Use LAPACK dsyevd (float64) when @pfgm/native is built. Default true; false forces the JS tred2/tql2. */
  lapack?: boolean;
}

/** The addon when LAPACK should be used (built, not disabled by PFGM_NATIVE=0), else null. */
export function lapackAddon(use = true): NativeAddon | null {
  if (!use) return null;
  const s = loadNative();
  return s.available ? s.addon : null;
}

/** LAPACK dsyevd on V (the symmetrised A, overwritten); eigenvectors returned as columns, as the JS path does. */
function symmetricEigenLapack(addon: NativeAddon, V: Float64Array, n: number, vectors: boolean): SymmetricEigen {
  const values = new Float64Array(n);
  const info = addon.dsyevd(n, V, values, vectors);
  if (info !== 0) throw new Error(`symmetricEigen: LAPACK dsyevd failed (info ${info}${info > 0 ? ': no convergence' : ''})`);
  if (!vectors) return { values };
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let r = 0; r < n; r++) out[r * n + k] = V[k * n + r]; // row k of V is vector k
  return { values, vectors: out };
}

/** Eigen-decomposition of the symmetric part of A (row-major [n, n]; A is not modified). Eigenvalues ascending. */
export function symmetricEigen(A: Float64Array, n: number, opts: SymmetricEigenOptions = {}): SymmetricEigen {
  const vectors = opts.vectors ?? true;
  if (A.length !== n * n) throw new Error(`symmetricEigen: expected ${n}×${n} = ${n * n} entries, got ${A.length}`);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) V[i * n + j] = 0.5 * (A[i * n + j] + A[j * n + i]);
  const addon = lapackAddon(opts.lapack ?? true);
  if (addon != null && n > 0) return symmetricEigenLapack(addon, V, n, vectors);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(n, V, d, e, vectors);
  tql2(n, V, d, e, vectors);
  // tql2 rotated rows of V: transpose so eigenvectors are columns (as JAMA/ml-matrix return them)
  const order = Array.from(d.keys()).sort((a, b) => d[a] - d[b]);
  const values = Float64Array.from(order, (k) => d[k]);
  if (!vectors) return { values };
  const out = new Float64Array(n * n);
  order.forEach((k, col) => {
    for (let r = 0; r < n; r++) out[r * n + col] = V[k * n + r];
  });
  return { values, vectors: out };
}
