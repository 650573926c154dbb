import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { nativeSpecGate } from '@pfgm/native';
import { describe, expect, it } from 'vitest';
import { Rng } from '@pfgm/tensor';
import { expectClose } from '@pfgm/tensor/testing';
import { cholesky64, congruenceLower64, matMul64, transpose64 } from './dense-float64.js';
import { symmetricEigen } from './symmetric-eigen.js';

function randomSymmetric(rng: Rng, n: number): Float64Array {
  const R = rng.normalArray(n * n);
  return Float64Array.from({ length: n * n }, (_, k) => R[k] + R[(k % n) * n + Math.floor(k / n)]);
}

const gate = nativeSpecGate();

describe('symmetricEigen on LAPACK dsyevd (@pfgm/native)', () => {
  it('the addon is built (set PFGM_NATIVE_UNAVAILABLE=1 only where libopenblas-dev cannot be installed)', () => {
    if (gate.missing != null) throw new Error(gate.missing);
  });

  // Skipped only with PFGM_NATIVE_UNAVAILABLE=1 (no libopenblas-dev); otherwise the case above fails when the addon is missing.
  it.skipIf(!gate.available)('agrees with tred2/tql2: eigenvalues to 1e-12, A·V = V·diag(w), VᵀV = I, A untouched', () => {
    const n = 53;
    const A = randomSymmetric(new Rng(10), n);
    A[1] += 1e-3; // not exactly symmetric: both paths use the symmetric part
    const copy = Float64Array.from(A);
    const js = symmetricEigen(A, n, { lapack: false });
    const { values, vectors } = symmetricEigen(A, n, { lapack: true });
    expect(A).toEqual(copy);
    expectClose(values, js.values, { rtol: 1e-12, atol: 1e-12 });
    const V = vectors as Float64Array;
    const S = Float64Array.from(A, (v, k) => 0.5 * (v + A[(k % n) * n + Math.floor(k / n)]));
    expectClose(matMul64(S, V, n, n, n), V.map((v, k) => v * values[k % n]), { rtol: 0, atol: 1e-11 });
    const I = matMul64(transpose64(V, n, n), V, n, n, n);
    expectClose(I, Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0)), { rtol: 0, atol: 1e-12 });
    expectClose(symmetricEigen(A, n, { vectors: false, lapack: true }).values, values, { rtol: 0, atol: 1e-12 });
  });
});

describe('symmetricEigen (flat-array tred2/tql2)', () => {
  it('matches ml-matrix (JAMA) eigenvalues and satisfies A·V = V·diag(w), VᵀV = I', () => {
    const n = 37;
    const A = randomSymmetric(new Rng(9), n);
    const { values, vectors } = symmetricEigen(A, n, { lapack: false });
    const ref = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, i * n + n)))), { assumeSymmetric: true });
    expectClose(values, ref.realEigenvalues, { rtol: 1e-12, atol: 1e-12 });
    const V = vectors as Float64Array;
    const AV = matMul64(A, V, n, n, n);
    const VW = V.map((v, k) => v * values[k % n]);
    expectClose(AV, VW, { rtol: 0, atol: 1e-11 });
    const I = matMul64(transpose64(V, n, n), V, n, n, n);
    expectClose(I, Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0)), { rtol: 0, atol: 1e-12 });
    expectClose(symmetricEigen(A, n, { vectors: false, lapack: false }).values, values, { rtol: 0, atol: 1e-12 });
  });

  it('handles repeated eigenvalues, zeros and 1×1', () => {
    const n = 6;
    const I2 = new Float64Array(n * n).map((_, k) => (k % (n + 1) === 0 ? (k < 3 * (n + 1) ? 2 : 0) : 0));
    for (const lapack of [false, true]) {
      expect(Array.from(symmetricEigen(I2, n, { vectors: false, lapack }).values)).toEqual([0, 0, 0, 2, 2, 2]);
      expect(Array.from(symmetricEigen(Float64Array.of(-3), 1, { lapack }).values)).toEqual([-3]);
    }
  });

  it('cholesky64 factors SPD matrices and refuses indefinite ones', () => {
    const n = 5;
    const L = cholesky64(Float64Array.from([4, 2, 0, 0, 0, 2, 5, 1, 0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2]), n) as Float64Array;
    expectClose(matMul64(L, transpose64(L, n, n), n, n, n), [4, 2, 0, 0, 0, 2, 5, 1, 0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2], { rtol: 1e-14, atol: 1e-14 });
    expect(cholesky64(Float64Array.of(1, 2, 2, 1), 2)).toBeUndefined();
    const S = Float64Array.from({ length: n * n }, (_, k) => Math.sin(k) + Math.sin((k % n) * n + Math.floor(k / n)));
    expectClose(congruenceLower64(S, L, n), matMul64(transpose64(L, n, n), matMul64(S, L, n, n, n), n, n, n), { rtol: 1e-13, atol: 1e-13 });
  });
});
