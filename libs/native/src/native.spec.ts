import { describe, expect, it } from 'vitest';
import { Activation, convGeometry, loadNative, nativeSpecGate, poolGeometry, requireNative, symmetricEigenNative } from './index.js';

const gate = nativeSpecGate();

/** Deterministic values in [-1, 1). */
function fill(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Float64 reference of op(A)·op(B), row-major. */
function refGemm(ta: boolean, tb: boolean, M: number, N: number, K: number, A: ArrayLike<number>, B: ArrayLike<number>): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[ta ? k * M + i : i * K + k] * B[tb ? j * K + k : k * N + j];
      C[i * N + j] = s;
    }
  return C;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > tol * Math.max(1, scale)) {
      throw new Error(`element ${i}: ${actual[i]} vs ${expected[i]}`);
    }
  }
}

describe('@pfgm/native', () => {
  it('the addon is built and loads (set PFGM_NATIVE_UNAVAILABLE=1 only where libopenblas-dev cannot be installed)', () => {
    if (gate.missing != null) throw new Error(gate.missing);
    const s = loadNative();
    if (s.available) expect(s.blas).toMatch(/OpenBLAS/);
  });

  describe.skipIf(!gate.available)('on OpenBLAS', () => {
    it.each([
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ])('sgemm transA=%s transB=%s matches a float64 reference, at offsets into one shared buffer', (ta, tb) => {
      const addon = requireNative();
      const [M, N, K] = [7, 5, 9];
      const heap = new Float32Array(new SharedArrayBuffer(4 * 400));
      const A = fill(M * K, 1);
      const B = fill(K * N, 2);
      heap.set(A, 3);
      heap.set(B, 100);
      addon.sgemm(ta, tb, M, N, K, 1, heap, 3, ta ? M : K, heap, 100, tb ? K : N, 0, heap, 200, N);
      expectClose(heap.subarray(200, 200 + M * N), refGemm(ta, tb, M, N, K, A, B));
    });

    it('dgemm with α, β and a leading dimension wider than the matrix', () => {
      const addon = requireNative();
      const A = Float64Array.from(fill(2 * 4, 3)); // [2, 3] inside ld 4
      const B = Float64Array.from(fill(3 * 2, 4));
      const C = new Float64Array([1, 1, 1, 1]);
      addon.dgemm(false, false, 2, 2, 3, 2, A, 0, 4, B, 0, 2, 0.5, C, 0, 2);
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++) {
          let s = 0;
          for (let k = 0; k < 3; k++) s += A[i * 4 + k] * B[k * 2 + j];
          expect(C[i * 2 + j]).toBeCloseTo(2 * s + 0.5, 12);
        }
    });

    it('sgemmBatch computes each entry; NaN and Inf propagate', () => {
      const addon = requireNative();
      const [M, N, K] = [3, 4, 2];
      const A = fill(2 * M * K, 5);
      const B = fill(K * N, 6);
      A[0] = NaN;
      A[M * K] = Infinity;
      const C = new Float32Array(2 * M * N);
      addon.sgemmBatch(false, false, M, N, K, A, Float64Array.of(0, M * K), B, Float64Array.of(0, 0), C, Float64Array.of(0, M * N));
      const r0 = refGemm(false, false, M, N, K, A.subarray(0, M * K), B);
      const r1 = refGemm(false, false, M, N, K, A.subarray(M * K), B);
      expect(Number.isNaN(C[0])).toBe(true);
      expect(Math.abs(C[M * N + 1])).toBe(Infinity);
      expectClose(C.subarray(N, M * N), r0.subarray(N));
      expectClose(C.subarray(M * N + N), r1.subarray(N));
    });

    it('rejects operands shorter than their shapes (no write outside an array)', () => {
      const addon = requireNative();
      const a = new Float32Array(4);
      expect(() => addon.sgemm(false, false, 2, 2, 2, 1, a, 0, 2, a, 0, 2, 0, new Float32Array(3), 0, 2)).toThrow(RangeError);
      expect(() => addon.sgemm(false, false, 2, 2, 2, 1, a, 1, 2, a, 0, 2, 0, new Float32Array(4), 0, 2)).toThrow(RangeError);
      expect(() => addon.sgemm(false, false, 2, 2, 2, 1, a, 0, 1, a, 0, 2, 0, new Float32Array(4), 0, 2)).toThrow(RangeError);
      expect(() => addon.dsyevd(3, new Float64Array(8), new Float64Array(3))).toThrow(RangeError);
    });

    it.each([
      { name: 'stride (2, 1), dilation (1, 2), asymmetric padding: col2im input gradient', sh: 2, sw: 1, dh: 1, dw: 2, pt: 1, pl: 0, co: 4 },
      { name: "stride 1, 'same' padding: input gradient as a flipped-filter forward conv", sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 0, co: 4 },
      { name: 'stride 1, one output channel', sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, co: 1 },
    ])('conv2d forward/backward match direct sums ($name)', ({ sh, sw, dh, dw, pt, pl, co }) => {
      const addon = requireNative();
      const [n, h, w, ci, kh, kw] = [2, 7, 6, 3, 3, 2];
      const ho = Math.floor((h + pt + 1 - (dh * (kh - 1) + 1)) / sh) + 1; // pad bottom 1
      const wo = Math.floor((w + pl + 1 - (dw * (kw - 1) + 1)) / sw) + 1; // pad right 1
      const g = convGeometry({
        batch: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co,
        filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop: pt, padLeft: pl,
      });
      const x = fill(n * h * w * ci, 7);
      const f = fill(kh * kw * ci * co, 8);
      const dy = fill(n * ho * wo * co, 9);
      const y = new Float32Array(n * ho * wo * co);
      const dx = new Float32Array(x.length).fill(NaN); // overwritten, not accumulated into
      const df = new Float32Array(f.length).fill(NaN);
      addon.conv2d(g, x, 0, f, 0, y, 0);
      addon.conv2dBackpropInput(g, dy, 0, f, 0, dx, 0);
      addon.conv2dBackpropFilter(g, x, 0, dy, 0, df, 0);
      const yRef = new Float64Array(y.length);
      const dxRef = new Float64Array(x.length);
      const dfRef = new Float64Array(f.length);
      for (let b = 0; b < n; b++)
        for (let i = 0; i < ho; i++)
          for (let j = 0; j < wo; j++)
            for (let a = 0; a < kh; a++)
              for (let c = 0; c < kw; c++) {
                const yy = i * sh + a * dh - pt;
                const xx = j * sw + c * dw - pl;
                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                for (let p = 0; p < ci; p++)
                  for (let q = 0; q < co; q++) {
                    const xi = ((b * h + yy) * w + xx) * ci + p;
                    const fi = ((a * kw + c) * ci + p) * co + q;
                    const yi = ((b * ho + i) * wo + j) * co + q;
                    yRef[yi] += x[xi] * f[fi];
                    dxRef[xi] += dy[yi] * f[fi];
                    dfRef[fi] += x[xi] * dy[yi];
                  }
              }
      expectClose(y, yRef);
      expectClose(dx, dxRef);
      expectClose(df, dfRef);
    });

    it('biasActivate adds a row bias and applies relu6', () => {
      const addon = requireNative();
      const y = Float32Array.of(-1, 2, 7, NaN);
      addon.biasActivate(y, 0, 2, 2, Float32Array.of(0.5, 1), 0, Activation.relu6, 0);
      expect(Array.from(y.subarray(0, 3))).toEqual([0, 3, 6]);
      expect(Number.isNaN(y[3])).toBe(true);
    });

    it('dsyevd: A = V diag(λ) Vᵀ to 1e-12, eigenvalues ascending, input untouched', () => {
      const n = 6;
      const r = fill(n * n, 11);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += r[i * n + k] * r[j * n + k];
      const copy = Float64Array.from(a);
      const { values, vectors } = symmetricEigenNative(a, n);
      expect(a).toEqual(copy);
      for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += vectors[k * n + i] * values[k] * vectors[k * n + j];
          expect(Math.abs(s - a[i * n + j])).toBeLessThan(1e-12);
        }
    });

    it('dpotrf: L·Lᵀ = A in the lower triangle; info > 0 for an indefinite matrix', () => {
      const addon = requireNative();
      const A = Float64Array.of(4, 2, 0, 2, 5, 1, 0, 1, 3);
      const L = Float64Array.from(A);
      expect(addon.dpotrf(3, L)).toBe(0);
      for (let i = 0; i < 3; i++)
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k <= j; k++) s += L[i * 3 + k] * L[j * 3 + k];
          expect(s).toBeCloseTo(A[i * 3 + j], 12);
        }
      expect(addon.dpotrf(2, Float64Array.of(1, 2, 2, 1))).toBeGreaterThan(0);
    });

    it('binary broadcasts with strides; concat interleaves rows; both reject arrays shorter than their shapes', () => {
      const addon = requireNative();
      const out = new Float32Array(6);
      // [2, 3] * [3] (b broadcast over rows)
      addon.binary(2, Float64Array.of(2, 3), Float32Array.of(1, 2, 3, 4, 5, 6), Float64Array.of(3, 1), Float32Array.of(10, 100, 1000), Float64Array.of(0, 1), out);
      expect(Array.from(out)).toEqual([10, 200, 3000, 40, 500, 6000]);
      addon.concat(out, 2, Float64Array.of(1, 2), Float32Array.of(1, 2), Float32Array.of(3, 4, 5, 6));
      expect(Array.from(out)).toEqual([1, 3, 4, 2, 5, 6]);
      expect(() => addon.binary(0, Float64Array.of(2, 3), new Float32Array(5), Float64Array.of(3, 1), new Float32Array(1), Float64Array.of(0, 0), out)).toThrow(RangeError);
      expect(() => addon.concat(new Float32Array(5), 2, Float64Array.of(1, 2), Float32Array.of(1, 2), Float32Array.of(3, 4, 5, 6))).toThrow(RangeError);
    });

    it('thread count can be set and read back', () => {
      const addon = requireNative();
      const before = addon.getThreads();
      addon.setThreads(1);
      expect(addon.getThreads()).toBe(1);
      addon.setThreads(before);
    });
  });
});

// Skipped only where the addon is absent: this file's gate test then fails, naming why, unless PFGM_NATIVE_UNAVAILABLE=1.
describe.skipIf(!gate.available)('@pfgm/native optimizer updates (optimizer.c)', () => {
  const f32 = Math.fround;

  it('adam matches the float32 composite step by step (bit-identical), sizes 1, 7 and 37', () => {
    const addon = requireNative();
    for (const n of [1, 7, 37]) {
      const [w, g, m, v] = [fill(n, 1), fill(n, 2), fill(n, 3), fill(n, 4).map(Math.abs)];
      const out = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
      const [b1, b2, s, eh] = [0.9, 0.999, 1e-3, 1e-8 * Math.sqrt(1 - 0.999 ** 3)];
      addon.adam(w, g, m, v, out[0], out[1], out[2], b1, b2, s, eh);
      for (let i = 0; i < n; i++) {
        const mn = f32(f32(m[i] * f32(b1)) + f32(g[i] * f32(1 - b1)));
        const vn = f32(f32(v[i] * f32(b2)) + f32(f32(g[i] * g[i]) * f32(1 - b2)));
        const wn = f32(w[i] - f32(f32(s) * f32(mn / f32(f32(Math.sqrt(vn)) + f32(eh)))));
        expect([out[0][i], out[1][i], out[2][i]]).toEqual([wn, mn, vn]);
      }
    }
  });

  it('ema, scale and sumSquares (float64); arrays shorter than the first throw', () => {
    const addon = requireNative();
    const [e, w, o] = [fill(19, 5), fill(19, 6), new Float32Array(19)];
    addon.ema(e, w, o, 0.999);
    for (let i = 0; i < 19; i++) expect(o[i]).toBe(f32(f32(e[i] * f32(0.999)) + f32(w[i] * f32(1 - 0.999))));
    addon.scale(w, o, 0.3);
    for (let i = 0; i < 19; i++) expect(o[i]).toBe(f32(w[i] * f32(0.3)));
    let ref = 0;
    for (let i = 0; i < 19; i++) ref += w[i] * w[i];
    expect(addon.sumSquares(w)).toBeCloseTo(ref, 14);
    expect(() => addon.ema(e, new Float32Array(3), o, 0.9)).toThrow(RangeError);
    expect(() => addon.adam(e, w, w, w, o, o, new Float32Array(2), 0.9, 0.999, 1, 1e-8)).toThrow(RangeError);
  });
});

// The memory-bound kernels (issue 13): GroupNorm threaded over samples, split, pooling. Their tfjs parity is in
// @pfgm/tensor (native-pool.spec.ts, native-split.spec.ts) and @pfgm/networks (group-norm-native.spec.ts).
// Skipped only where the addon is absent: this file's gate test then fails, naming why, unless PFGM_NATIVE_UNAVAILABLE=1.
describe.skipIf(!gate.available)('@pfgm/native memory-bound kernels', () => {
  /** Forward and backward of GroupNorm + SiLU at [B, HW, C] with G groups on `threads` threads. */
  function groupNormRun(threads: number, B: number, HW: number, C: number, G: number) {
    const addon = requireNative();
    const before = addon.getThreads();
    addon.setThreads(threads);
    try {
      const n = B * HW * C;
      const x = fill(n, 21).map((v) => 3 * v + 0.5);
      const dy = fill(n, 22);
      const g = fill(C, 23).map((v) => v + 1);
      const b = fill(C, 24);
      const y = new Float32Array(n);
      const dx = new Float32Array(n);
      const mean = new Float32Array(B * G);
      const rstd = new Float32Array(B * G);
      const dg = new Float32Array(C);
      const db = new Float32Array(C);
      addon.groupNorm(B, HW, C, G, 1e-5, true, x, g, b, y, mean, rstd);
      addon.groupNormGrad(B, HW, C, G, true, dy, x, g, b, mean, rstd, dx, dg, db);
      return { x, g, b, y, mean, rstd, dx, dg, db };
    } finally {
      addon.setThreads(before);
    }
  }

  it('groupNorm: the forward matches a float64 reference, and every output is the same on 1 and 3 threads', () => {
    const [B, HW, C, G] = [5, 300, 16, 4]; // 5 samples over 3 threads: uneven ranges
    const one = groupNormRun(1, B, HW, C, G);
    const three = groupNormRun(3, B, HW, C, G);
    for (const k of ['y', 'mean', 'rstd', 'dx', 'dg', 'db'] as const) expect(three[k]).toEqual(one[k]);
    const { x, g, b, y } = one;
    const Cg = C / G;
    const ref = new Float64Array(y.length);
    for (let s = 0; s < B; s++)
      for (let k = 0; k < G; k++) {
        let m = 0;
        let v = 0;
        for (let i = 0; i < HW; i++) for (let c = k * Cg; c < (k + 1) * Cg; c++) m += x[(s * HW + i) * C + c];
        m /= HW * Cg;
        for (let i = 0; i < HW; i++) for (let c = k * Cg; c < (k + 1) * Cg; c++) v += (x[(s * HW + i) * C + c] - m) ** 2;
        const r = 1 / Math.sqrt(v / (HW * Cg) + 1e-5);
        for (let i = 0; i < HW; i++)
          for (let c = k * Cg; c < (k + 1) * Cg; c++) {
            const p = (x[(s * HW + i) * C + c] - m) * r * g[c] + b[c];
            ref[(s * HW + i) * C + c] = p / (1 + Math.exp(-p));
          }
      }
    expectClose(y, ref, 1e-5);
  });

  it('groupNorm: SiLU saturates cleanly at large |x| and NaN propagates', () => {
    const addon = requireNative();
    // [1, 1, 8] with γ = 0: the pre-activation is β, so y = silu(β).
    const y = new Float32Array(8);
    const pre = Float32Array.of(-200, -90, 90, 200, NaN, 0, 1, -1);
    addon.groupNorm(1, 1, 8, 8, 1e-5, true, new Float32Array(8), new Float32Array(8), pre, y, new Float32Array(8), new Float32Array(8));
    const silu = (v: number) => v / (1 + Math.exp(-v));
    expect(y[0]).toBeCloseTo(0, 30);
    expect(y[1]).toBeCloseTo(0, 30);
    expect(y[2]).toBe(90);
    expect(y[3]).toBe(200);
    expect(Number.isNaN(y[4])).toBe(true);
    for (let i = 5; i < 8; i++) expect(y[i]).toBeCloseTo(silu(pre[i]), 6);
  });

  it('split is the inverse of concat; arrays shorter than their shapes are rejected', () => {
    const addon = requireNative();
    const x = Float32Array.of(1, 3, 4, 2, 5, 6);
    const a = new Float32Array(2);
    const b = new Float32Array(4);
    addon.split(x, 2, Float64Array.of(1, 2), a, b);
    expect(Array.from(a)).toEqual([1, 2]);
    expect(Array.from(b)).toEqual([3, 4, 5, 6]);
    const back = new Float32Array(6);
    addon.concat(back, 2, Float64Array.of(1, 2), a, b);
    expect(back).toEqual(x);
    expect(() => addon.split(x, 2, Float64Array.of(1, 2), a, new Float32Array(3))).toThrow(RangeError);
    expect(() => addon.split(new Float32Array(5), 2, Float64Array.of(1, 2), a, b)).toThrow(RangeError);
  });

  it("pooling: 'same' 3×3 windows clipped at the edges (max, average ÷ valid count, gradient × 1/9)", () => {
    const addon = requireNative();
    // [1, 3, 3, 1] = 1..9, 3×3 stride 1 'same' (pad 1 each side).
    const g = poolGeometry({ batch: 1, inHeight: 3, inWidth: 3, inChannels: 1, outHeight: 3, outWidth: 3, filterHeight: 3, filterWidth: 3, strideHeight: 1, strideWidth: 1, padTop: 1, padLeft: 1 });
    const x = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
    const y = new Float32Array(9);
    addon.maxPool(g, x, y);
    expect(Array.from(y)).toEqual([5, 6, 6, 8, 9, 9, 8, 9, 9]);
    addon.avgPool(g, x, y);
    expect(Array.from(y)).toEqual([3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7]);
    const dx = new Float32Array(9).fill(NaN); // overwritten
    addon.avgPoolGrad(g, new Float32Array(9).fill(9), dx);
    expect(Array.from(dx)).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4]);
    expect(() => addon.maxPool(g, x, new Float32Array(8))).toThrow(RangeError);
    expect(() => addon.avgPoolGrad(g, new Float32Array(8), dx)).toThrow(RangeError);
    expect(() => addon.avgPool(Float64Array.of(1, 3, 3, 1, 3, 3, 0, 3, 1, 1, 1, 1), x, y)).toThrow(RangeError);
  });
});

// small_gemm.c: the register-tiled loops (and their thread pool) that take the attention-sized products from
// OpenBLAS. The shapes below are all ones small_gemm_wins sends there: ragged column panels (N mod 16 ≠ 0, N > 64),
// row counts that leave partial tiles, strided leading dimensions, batches large enough to be split over threads.
// Skipped only where the addon is absent: this file's gate test then fails, naming why, unless PFGM_NATIVE_UNAVAILABLE=1.
describe.skipIf(!gate.available)('@pfgm/native small products (small_gemm.c)', () => {
  const transposes = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const;

  /** op(A)·op(B) by the addon's sgemm into C with leading dimension ldc (= N + 3), A and B with padded ld too. */
  function stridedSgemm(ta: boolean, tb: boolean, M: number, N: number, K: number): { C: Float32Array; ref: Float64Array; ldc: number } {
    const [ar, ac, br, bc] = [ta ? K : M, ta ? M : K, tb ? N : K, tb ? K : N];
    const [lda, ldb, ldc] = [ac + 2, bc + 1, N + 3];
    const A = fill(ar * ac, 5);
    const B = fill(br * bc, 6);
    const heapA = new Float32Array(ar * lda + 7);
    const heapB = new Float32Array(br * ldb + 7);
    for (let r = 0; r < ar; r++) heapA.set(A.subarray(r * ac, (r + 1) * ac), 7 + r * lda);
    for (let r = 0; r < br; r++) heapB.set(B.subarray(r * bc, (r + 1) * bc), 7 + r * ldb);
    const C = new Float32Array(M * ldc + 4).fill(-7); // sentinels between rows and after the matrix
    requireNative().sgemm(ta, tb, M, N, K, 1, heapA, 7, lda, heapB, 7, ldb, 0, C, 4, ldc);
    return { C, ref: refGemm(ta, tb, M, N, K, A, B), ldc };
  }

  it.each(transposes.flatMap(([ta, tb]) => [
    { ta, tb, M: 67, N: 45, K: 37 }, // one ragged panel, partial row tiles
    { ta, tb, M: 70, N: 130, K: 20 }, // three panels, the last 2 columns wide
    { ta, tb, M: 200, N: 16, K: 300 }, // N ≤ 64, long K
  ]))('sgemm [$M×$K]·[$K×$N] transA=$ta transB=$tb with padded leading dimensions, rows between untouched', ({ ta, tb, M, N, K }) => {
    const { C, ref, ldc } = stridedSgemm(ta, tb, M, N, K);
    const got = new Float32Array(M * N);
    for (let i = 0; i < M; i++) {
      got.set(C.subarray(4 + i * ldc, 4 + i * ldc + N), i * N);
      for (let j = N; j < ldc && 4 + i * ldc + j < C.length; j++) expect(C[4 + i * ldc + j]).toBe(-7);
    }
    expect(Array.from(C.subarray(0, 4))).toEqual([-7, -7, -7, -7]);
    expectClose(got, ref);
  });

  it.each(transposes.map(([ta, tb]) => ({ ta, tb })))('sgemmBatch at scattered offsets, B shared by every entry, transA=$ta transB=$tb', ({ ta, tb }) => {
    const addon = requireNative();
    const [count, M, N, K] = [5, 97, 33, 50];
    const A = fill(count * M * K + 11 * count, 7);
    const B = fill(K * N + 3, 8);
    const C = new Float32Array(count * (M * N + 5)).fill(-7);
    const offA = Float64Array.from({ length: count }, (_, e) => e * (M * K + 11) + 2);
    const offB = new Float64Array(count).fill(3);
    const offC = Float64Array.from({ length: count }, (_, e) => e * (M * N + 5));
    addon.sgemmBatch(ta, tb, M, N, K, A, offA, B, offB, C, offC);
    for (let e = 0; e < count; e++) {
      const ref = refGemm(ta, tb, M, N, K, A.subarray(offA[e], offA[e] + M * K), B.subarray(3, 3 + K * N));
      expectClose(C.subarray(offC[e], offC[e] + M * N), ref);
      expect(Array.from(C.subarray(offC[e] + M * N, offC[e] + M * N + 5))).toEqual([-7, -7, -7, -7, -7]);
    }
  });

  it.each([
    { count: 32, M: 196, N: 32, K: 196, ta: true, tb: false }, // attention: dV = Pᵀ·dO
    { count: 32, M: 196, N: 196, K: 32, ta: false, tb: true }, // q·kᵀ
    { count: 1, M: 6272, N: 32, K: 32, ta: false, tb: true }, // NIN projection's dx
    { count: 1, M: 32, N: 32, K: 6272, ta: true, tb: false }, // NIN projection's dW
  ])('threaded: $count × [$M×$K]·[$K×$N] transA=$ta transB=$tb (the U-Net attention shapes)', ({ count, M, N, K, ta, tb }) => {
    const addon = requireNative();
    const A = fill(count * M * K, 9);
    const B = fill(count * K * N, 10);
    const C = new Float32Array(count * M * N);
    const offs = (n: number) => Float64Array.from({ length: count }, (_, e) => e * n);
    addon.sgemmBatch(ta, tb, M, N, K, A, offs(M * K), B, offs(K * N), C, offs(M * N));
    for (const e of [0, count >> 1, count - 1]) {
      const ref = refGemm(ta, tb, M, N, K, A.subarray(e * M * K, (e + 1) * M * K), B.subarray(e * K * N, (e + 1) * K * N));
      expectClose(C.subarray(e * M * N, (e + 1) * M * N), ref);
    }
  });

  it('NaN and Inf reach exactly the outputs they touch; α ≠ 1 and β ≠ 0 still give α·A·B + β·C', () => {
    const addon = requireNative();
    const [M, N, K] = [70, 40, 30];
    const A = fill(M * K, 11);
    const B = fill(K * N, 12);
    A[5 * K + 3] = NaN; // row 5
    B[7 * N + 2] = Infinity; // column 2
    const C = new Float32Array(M * N);
    addon.sgemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        const v = C[i * N + j];
        if (i === 5) expect(Number.isNaN(v)).toBe(true);
        else if (j === 2) expect(Math.abs(v)).toBe(Infinity);
        else expect(Number.isFinite(v)).toBe(true);
      }
    const A2 = fill(M * K, 13);
    const B2 = fill(K * N, 14);
    const C2 = new Float32Array(M * N).fill(1);
    addon.sgemm(false, false, M, N, K, 2, A2, 0, K, B2, 0, N, 0.5, C2, 0, N);
    expectClose(C2, refGemm(false, false, M, N, K, A2, B2).map((v) => 2 * v + 0.5));
  });
});
