// @pfgm/native: OpenBLAS GEMM, im2col convolutions and LAPACK's symmetric eigensolver on typed arrays (zero copy,
// including Float32Array views of the tfjs-wasm heap). The addon is built from source by this package's install
// script (scripts/build.mjs); when it could not be built, `loadNative()` says why and callers use their own path.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The addon's functions. Arrays are typed arrays plus an element offset; matrices are row-major; every extent is
 * checked in C (a wrong shape throws a RangeError). Nothing is allocated on the JS heap.
 */
export interface NativeAddon {
  /**
   * C = α·op(A)·op(B) + β·C, float32 (cblas_sgemm, row-major). With α = 1, β = 0 and a small shape (N ≤ 64, or
   * N ≤ 256 with K ≤ 64 or M ≤ 256; see small_gemm.c) it runs on the addon's register-tiled loops instead.
   */
  sgemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
    A: Float32Array, offA: number, lda: number, B: Float32Array, offB: number, ldb: number,
    beta: number, C: Float32Array, offC: number, ldc: number,
  ): void;
  /** Same in float64 (cblas_dgemm). */
  dgemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
    A: Float64Array, offA: number, lda: number, B: Float64Array, offB: number, ldb: number,
    beta: number, C: Float64Array, offC: number, ldc: number,
  ): void;
  /**
   * C_i = op(A_i)·op(B_i) for dense entries at the given element offsets (one product per offset triple). Small
   * shapes (as for sgemm) run on the register-tiled loops, the batch's rows shared among OpenBLAS's thread count.
   */
  sgemmBatch(
    transA: boolean, transB: boolean, M: number, N: number, K: number,
    A: Float32Array, offsA: Float64Array, B: Float32Array, offsB: Float64Array, C: Float32Array, offsC: Float64Array,
  ): void;
  /** y = conv2d(x, w), NHWC, w [kh, kw, Ci, Co]; geometry from {@link convGeometry}. */
  conv2d(g: Float64Array, x: Float32Array, offX: number, w: Float32Array, offW: number, y: Float32Array, offY: number): void;
  /** dx = ∂conv2d/∂x applied to dy (dx is overwritten). */
  conv2dBackpropInput(g: Float64Array, dy: Float32Array, offDy: number, w: Float32Array, offW: number, dx: Float32Array, offDx: number): void;
  /** dw = ∂conv2d/∂w applied to dy (dw is overwritten). */
  conv2dBackpropFilter(g: Float64Array, x: Float32Array, offX: number, dy: Float32Array, offDy: number, dw: Float32Array, offDw: number): void;
  /** y[r, c] = act(y[r, c] + bias[c]) in place; act is an {@link Activation} code. */
  biasActivate(y: Float32Array, offY: number, rows: number, cols: number, bias: Float32Array | null, offBias: number, act: number, alpha: number): void;
  /**
   * out = a op b (op: 0 add, 1 sub, 2 mul) over the dense `shape` (rank ≤ 8), reading a and b with element strides per
   * dim (0 = broadcast; the last dim's strides 0 or 1).
   */
  binary(op: number, shape: Float64Array, a: Float32Array, stridesA: Float64Array, b: Float32Array, stridesB: Float64Array, out: Float32Array): void;
  /** out[c] = Σ_r x[r, c] for x [R, C] (float64 accumulation, the order of @pfgm/tensor's JS sumRows). */
  sumRows(x: Float32Array, R: number, C: number, out: Float32Array): void;
  /** out[o, :] = [part_0[o, :], part_1[o, :], …] with part_i of shape [outer, inners[i]] (concatenation along one axis). */
  concat(out: Float32Array, outer: number, inners: Float64Array, ...parts: Float32Array[]): void;
  /**
   * LAPACK dsyevd: eigenvalues ascending into w; A (symmetric, n×n; its lower triangle row-major is read) is
   * overwritten, with `vectors` (default true) eigenvector k in row k. Returns LAPACK's info (0 = success).
   */
  dsyevd(n: number, A: Float64Array, w: Float64Array, vectors?: boolean): number;
  /** LAPACK dpotrf: A = L·Lᵀ, L written to the lower triangle (row-major), the upper left as is. Returns info (k > 0: minor k not PD). */
  dpotrf(n: number, A: Float64Array): number;
  /**
   * Fused GroupNorm (+ SiLU when `act`) of x viewed as [B, HW, C] with G groups: y = x·a + c per channel
   * (a = γ·rstd, c = β − μ·a), and the per-(sample, group) mean and rstd [B, G] the backward needs.
   */
  groupNorm(B: number, HW: number, C: number, G: number, eps: number, act: boolean, x: Float32Array, gamma: Float32Array, beta: Float32Array, y: Float32Array, mean: Float32Array, rstd: Float32Array): void;
  /** Its gradient: dx [B, HW, C], dγ [C], dβ [C] from dy and the forward's x, γ, β, mean, rstd. */
  groupNormGrad(B: number, HW: number, C: number, G: number, act: boolean, dy: Float32Array, x: Float32Array, gamma: Float32Array, beta: Float32Array, mean: Float32Array, rstd: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array): void;
  /** part_i [outer, inners[i]] = x[o, off_i : off_i + inners[i]] for x [outer, Σ inners]: the inverse of `concat`. */
  split(x: Float32Array, outer: number, inners: Float64Array, ...parts: Float32Array[]): void;
  /** y = max pool of x (NHWC; geometry from {@link poolGeometry}); windows clipped to the image, NaN skipped. */
  maxPool(g: Float64Array, x: Float32Array, y: Float32Array): void;
  /** y = average pool of x: the mean over each window's valid (unpadded) positions. */
  avgPool(g: Float64Array, x: Float32Array, y: Float32Array): void;
  /** dx = the average pool's input gradient: Σ of dy over the windows holding each pixel, × 1/(fh·fw) (tfjs' rule). */
  avgPoolGrad(g: Float64Array, dy: Float32Array, dx: Float32Array): void;
  /**
   * One weight's Adam update (optimizer.c): m' = m·β1 + g·(1−β1), v' = v·β2 + g²·(1−β2), w' = w − s·m'/(√v' + ε̂),
   * float32 in @pfgm/train's composite order (bit-identical); the outputs have w's length.
   */
  adam(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, wOut: Float32Array, mOut: Float32Array, vOut: Float32Array, beta1: number, beta2: number, stepSize: number, epsHat: number): void;
  /** One EMA update: out = ema·β + w·(1−β), float32. */
  ema(ema: Float32Array, w: Float32Array, out: Float32Array, beta: number): void;
  /** Σ x² over the whole array, accumulated in float64. */
  sumSquares(x: Float32Array): number;
  /** out = x·s (s rounded to float32). */
  scale(x: Float32Array, out: Float32Array, s: number): void;
  /** OpenBLAS's thread count (also LAPACK's). */
  setThreads(n: number): void;
  getThreads(): number;
  /** OpenBLAS build and CPU core, e.g. "OpenBLAS 0.3.21 … (core SkylakeX)". */
  config(): string;
}

/** Codes of biasActivate's activations. */
export const Activation = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3, sigmoid: 4, elu: 5 } as const;

/** Whether the addon is usable, and if not, why. */
export type NativeStatus = { available: true; addon: NativeAddon; blas: string } | { available: false; reason: string };

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const addonPath = path.join(root, 'build', 'Release', 'pfgm_native.node');
const statusPath = path.join(root, 'build', 'status.json');

let memo: NativeStatus | undefined;

/** Why the last build failed (build/status.json), or null if it succeeded or left no record. */
function failedBuildReason(): string | null {
  try {
    const s = JSON.parse(fs.readFileSync(statusPath, 'utf8')) as { ok?: boolean; reason?: string | null };
    return s.ok === false ? (s.reason ?? 'the build failed') : null;
  } catch {
    return null;
  }
}

/**
 * Loads the addon once (OpenBLAS threads: PFGM_THREADS when set, else one per core). `PFGM_NATIVE=0` disables it (the
 * reason says so). Never throws: a missing or broken build
 * gives `{ available: false, reason }`, e.g. "libopenblas-dev not installed (cblas.h not found; …)".
 */
export function loadNative(): NativeStatus {
  if (memo != null) return memo;
  if (process.env['PFGM_NATIVE'] === '0') return (memo = { available: false, reason: 'disabled by PFGM_NATIVE=0' });
  // A failed or skipped last build wins over a binary left from an earlier one.
  const failed = failedBuildReason();
  if (failed != null) return (memo = { available: false, reason: failed });
  if (!fs.existsSync(addonPath)) {
    return (memo = { available: false, reason: 'the addon was not built (run `npm run build:native -w @pfgm/native`)' });
  }
  try {
    // OpenBLAS's idle threads spin for ≈ 2^28 cycles (≈ 0.1 s) after each call before sleeping; on a 2-core machine
    // they then take the cores from the addon's own pool (direct convolutions, Winograd transforms, pooling, small
    // products). 2^4, the minimum, puts them to sleep at once (read when OpenBLAS loads, i.e. by the require below):
    // Inception-v3 forward 13.7 → 16.4 images/s idle. A value the user set is kept.
    process.env['OPENBLAS_THREAD_TIMEOUT'] ??= '4';
    const addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
    // OpenBLAS starts with one thread per core; PFGM_THREADS (the project's rule, validated by @pfgm/tensor) caps it
    // for every user of the addon, e.g. the Fréchet distance, not only for the wasm kernels.
    const threads = Number(process.env['PFGM_THREADS']);
    if (Number.isInteger(threads) && threads >= 1) addon.setThreads(threads);
    memo = { available: true, addon, blas: addon.config() };
  } catch (err) {
    memo = { available: false, reason: `the addon does not load: ${String((err as Error).message ?? err).split('\n')[0]}` };
  }
  return memo;
}

/** The addon, or an error that carries the reason it is unavailable. */
export function requireNative(): NativeAddon {
  const s = loadNative();
  if (!s.available) throw new Error(`@pfgm/native unavailable: ${s.reason}`);
  return s.addon;
}

/** Convolution geometry (NHWC; filter [kh, kw, Ci, Co]) in the order the addon reads it. */
export interface ConvGeometry {
  batch: number; inHeight: number; inWidth: number; inChannels: number;
  outHeight: number; outWidth: number; outChannels: number;
  filterHeight: number; filterWidth: number; strideHeight: number; strideWidth: number;
  dilationHeight: number; dilationWidth: number; padTop: number; padLeft: number;
}

/** Packs a {@link ConvGeometry} for the addon's conv functions. */
export function convGeometry(g: ConvGeometry): Float64Array {
  return Float64Array.of(
    g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels,
    g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth, g.padTop, g.padLeft,
  );
}

/** Pooling geometry (NHWC, channels in = out, no dilation) in the order the addon's pool functions read it. */
export type PoolGeometry = Omit<ConvGeometry, 'outChannels' | 'dilationHeight' | 'dilationWidth'>;

/** Packs a {@link PoolGeometry} for maxPool, avgPool and avgPoolGrad. */
export function poolGeometry(g: PoolGeometry): Float64Array {
  return Float64Array.of(
    g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth,
    g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.padTop, g.padLeft,
  );
}

/**
 * Eigen-decomposition of a symmetric n×n float64 matrix (row-major; only its upper triangle in LAPACK's column-major
 * sense, i.e. the lower triangle row-major, is read) by LAPACK dsyevd. `a` is not modified. Eigenvalues ascending;
 * `vectors` row k is the eigenvector of `values[k]`.
 */
export function symmetricEigenNative(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const addon = requireNative();
  if (a.length !== n * n) throw new RangeError(`symmetricEigenNative: expected ${n}×${n} = ${n * n} values, got ${a.length}`);
  const vectors = Float64Array.from(a);
  const values = new Float64Array(n);
  const info = addon.dsyevd(n, vectors, values);
  if (info !== 0) throw new Error(`LAPACK dsyevd failed (info ${info}: ${info < 0 ? 'bad argument' : 'no convergence'})`);
  return { values, vectors };
}

/**
 * For specs: whether the native specs run, and the failure to report when they cannot. The addon must be available
 * unless `PFGM_NATIVE_UNAVAILABLE=1` says this machine cannot build it (CI installs the prerequisites, so there a
 * missing addon is a failure, never a silent skip).
 */
export function nativeSpecGate(): { available: boolean; missing: string | null } {
  const s = loadNative();
  if (s.available) return { available: true, missing: null };
  const allowed = process.env['PFGM_NATIVE_UNAVAILABLE'] === '1';
  return {
    available: false,
    missing: allowed ? null : `the native addon is unavailable (${s.reason}); install libopenblas-dev and rebuild, or set PFGM_NATIVE_UNAVAILABLE=1`,
  };
}
