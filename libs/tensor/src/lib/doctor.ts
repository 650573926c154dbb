// `pfgm doctor`: which backend runs, with how many threads and SIMD, how fast (matmul / conv GFLOP/s), and a
// ~1-second self-test of the kernels this library relies on against float64 references computed here in JS.
import * as tf from '@tensorflow/tfjs-core';
import './gradients.js';
import { initBackend } from './backend/init-backend.js';
import type { BackendInfo } from './backend/backend-info.js';
import { Rng } from './rng.js';

/** One self-test check. */
export interface DoctorCheck {
  /** What was checked. */
  name: string;
  /** Passed. */
  ok: boolean;
  /** Worst relative error against the float64 reference, or the error message. */
  detail: string;
  /** Wall time of the check, ms. */
  ms: number;
}

/** One throughput measurement. */
export interface DoctorThroughput {
  /** Workload, with its shape. */
  name: string;
  /** Multiply-adds × 2 per call, in GFLOP. */
  gflop: number;
  /** Best of the timed calls, GFLOP/s. */
  gflops: number;
  /** Median of the timed calls, GFLOP/s. */
  medianGflops: number;
  /** CPU seconds this process used per wall second while timing (≈ threads when the machine is otherwise idle). */
  cpuShare: number;
}

/** What `doctor()` found. */
export interface DoctorReport {
  backend: BackendInfo;
  versions: { node: string; tfjsCore: string };
  throughput: DoctorThroughput[];
  selfTest: DoctorCheck[];
  /** Every self-test check passed. */
  ok: boolean;
  /** Total wall time, ms. */
  elapsedMs: number;
}

/** Options of {@link doctor}. */
export interface DoctorOptions {
  /** Backend to select (default: PFGM_BACKEND, else auto). */
  backend?: string;
  /** Timed calls per throughput workload (after one warm-up). Default 3; 0 skips the throughput part. */
  repeats?: number;
}

/** Relative tolerance of the self-test (float32 kernels against float64 references). */
const RTOL = 1e-4;

function randn(rng: Rng, shape: number[]): Float64Array {
  return rng.normalArray(shape.reduce((p, d) => p * d, 1));
}

/** max |a − b| / (1 + |b|). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

/** C = op(A)·op(B) in float64; A is [M, K] (or [K, M] if tA), B is [K, N] (or [N, K] if tB). */
function matMulRef(A: Float64Array, B: Float64Array, M: number, K: number, N: number, tA: boolean, tB: boolean): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (tA ? A[k * M + i] : A[i * K + k]) * (tB ? B[j * K + k] : B[k * N + j]);
      C[i * N + j] = s;
    }
  }
  return C;
}

interface ConvGeom {
  n: number;
  h: number;
  w: number;
  ci: number;
  k: number;
  co: number;
  s: number;
  pad: number;
}

/** NHWC conv y = x ⋆ W (explicit symmetric pad), and for a given dy its gradients dx and dW, all float64. */
function convRef(x: Float64Array, W: Float64Array, dy: Float64Array | null, g: ConvGeom) {
  const ho = Math.floor((g.h + 2 * g.pad - g.k) / g.s) + 1;
  const wo = Math.floor((g.w + 2 * g.pad - g.k) / g.s) + 1;
  const y = new Float64Array(g.n * ho * wo * g.co);
  const dx = new Float64Array(x.length);
  const dW = new Float64Array(W.length);
  for (let b = 0; b < g.n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let a = 0; a < g.k; a++)
          for (let c = 0; c < g.k; c++) {
            const r = i * g.s + a - g.pad;
            const q = j * g.s + c - g.pad;
            if (r < 0 || r >= g.h || q < 0 || q >= g.w) continue;
            for (let u = 0; u < g.ci; u++) {
              const xi = ((b * g.h + r) * g.w + q) * g.ci + u;
              for (let v = 0; v < g.co; v++) {
                const wi = ((a * g.k + c) * g.ci + u) * g.co + v;
                const yi = ((b * ho + i) * wo + j) * g.co + v;
                y[yi] += x[xi] * W[wi];
                if (dy != null) {
                  dx[xi] += dy[yi] * W[wi];
                  dW[wi] += dy[yi] * x[xi];
                }
              }
            }
          }
  return { y, dx, dW, ho, wo };
}

type CheckFn = () => number; // returns the worst relative error

function check(name: string, fn: CheckFn): DoctorCheck {
  const t0 = performance.now();
  try {
    const err = tf.tidy(fn);
    return { name, ok: err <= RTOL, detail: `max rel err ${err.toExponential(2)}`, ms: performance.now() - t0 };
  } catch (e) {
    return { name, ok: false, detail: String((e as Error).message ?? e).split('\n')[0], ms: performance.now() - t0 };
  }
}

const f32 = (v: Float64Array) => Float32Array.from(v);

/** The self-test: kernels on the current backend against float64 references. */
export function selfTest(seed = 0): DoctorCheck[] {
  const rng = new Rng(seed);
  const checks: DoctorCheck[] = [];
  checks.push(
    check('matmul 2×2 exact', () => {
      const c = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
      return relErr(c.dataSync(), [19, 22, 43, 50]);
    }),
  );
  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const [M, K, N] = [37, 53, 29];
    const A = randn(rng, [M, K]);
    const B = randn(rng, [K, N]);
    checks.push(
      check(`matmul ${M}×${K}×${N} tA=${tA} tB=${tB}`, () => {
        const a = tf.tensor2d(f32(A), tA ? [K, M] : [M, K]);
        const b = tf.tensor2d(f32(B), tB ? [N, K] : [K, N]);
        return relErr(tf.matMul(a, b, tA, tB).dataSync(), matMulRef(A, B, M, K, N, tA, tB));
      }),
    );
  }
  {
    const A = randn(rng, [3, 9, 11]);
    const B = randn(rng, [3, 11, 7]);
    checks.push(
      check('batched matmul [3,9,11]·[3,11,7]', () => {
        const c = tf.matMul(tf.tensor3d(f32(A), [3, 9, 11]), tf.tensor3d(f32(B), [3, 11, 7])).dataSync();
        const ref = new Float64Array(3 * 9 * 7);
        for (let b = 0; b < 3; b++) ref.set(matMulRef(A.subarray(b * 99, (b + 1) * 99), B.subarray(b * 77, (b + 1) * 77), 9, 11, 7, false, false), b * 63);
        return relErr(c, ref);
      }),
    );
  }
  {
    const X = randn(rng, [40, 96]);
    const Wt = randn(rng, [96, 32]);
    const Z = randn(rng, [40, 48]);
    checks.push(
      check('matmul with a reshape view of the same weights (stale-operator case)', () => {
        const w = tf.tensor2d(f32(Wt), [96, 32]);
        const e1 = relErr(tf.matMul(tf.tensor2d(f32(X), [40, 96]), w).dataSync(), matMulRef(X, Wt, 40, 96, 32, false, false));
        const e2 = relErr(tf.matMul(tf.tensor2d(f32(Z), [40, 48]), tf.reshape(w, [48, 64])).dataSync(), matMulRef(Z, Wt, 40, 48, 64, false, false));
        return Math.max(e1, e2);
      }),
    );
  }
  for (const s of [1, 2]) {
    const g: ConvGeom = { n: 2, h: 8, w: 8, ci: 3, k: 3, co: 4, s, pad: 1 };
    const x = randn(rng, [g.n, g.h, g.w, g.ci]);
    const W = randn(rng, [g.k, g.k, g.ci, g.co]);
    const probe = convRef(x, W, null, g);
    const dy = randn(rng, [g.n, probe.ho, probe.wo, g.co]);
    const ref = convRef(x, W, dy, g);
    const pad: [[0, 0], [number, number], [number, number], [0, 0]] = [[0, 0], [1, 1], [1, 1], [0, 0]];
    checks.push(
      check(`conv2d 3×3 stride ${s}: forward, dx, dW`, () => {
        const xt = tf.tensor4d(f32(x), [g.n, g.h, g.w, g.ci]);
        const wt = tf.tensor4d(f32(W), [g.k, g.k, g.ci, g.co]);
        const dyt = tf.tensor4d(f32(dy), [g.n, ref.ho, ref.wo, g.co]);
        const y = tf.conv2d(xt, wt, s, pad);
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad), dyt)))([xt, wt]);
        return Math.max(relErr(y.dataSync(), ref.y), relErr(gx.dataSync(), ref.dx), relErr(gw.dataSync(), ref.dW));
      }),
    );
  }
  {
    const X = randn(rng, [4, 5, 5, 6]);
    checks.push(
      check('sum over leading axes (bias gradient)', () => {
        const ref = new Float64Array(6);
        for (let i = 0; i < X.length; i++) ref[i % 6] += X[i];
        return relErr(tf.sum(tf.tensor4d(f32(X), [4, 5, 5, 6]), [0, 1, 2]).dataSync(), ref);
      }),
    );
  }
  return checks;
}

/** Times `run` (one warm-up, then `repeats` calls) and converts to GFLOP/s. */
function throughput(name: string, gflop: number, repeats: number, run: () => tf.Tensor): DoctorThroughput {
  const once = () => {
    const t0 = performance.now();
    const t = run();
    t.dataSync();
    const ms = performance.now() - t0;
    t.dispose();
    return ms;
  };
  once();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const ms = Array.from({ length: repeats }, once).sort((p, q) => p - q);
  const cpu = process.cpuUsage(cpu0);
  const cpuShare = (cpu.user + cpu.system) / 1e3 / (performance.now() - wall0);
  return { name, gflop, gflops: gflop / (ms[0] / 1e3), medianGflops: gflop / (ms[Math.floor(ms.length / 2)] / 1e3), cpuShare };
}

/** Matmul and conv throughput, sized down on the slow pure-JS cpu backend. */
function measureThroughput(backend: BackendInfo, repeats: number): DoctorThroughput[] {
  const slow = backend.name === 'cpu';
  const n = slow ? 256 : 1024;
  const batch = slow ? 2 : 32;
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const x = tf.randomNormal([batch, 32, 32, 32], 0, 1, 'float32', 3) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 32, 32], 0, 0.1, 'float32', 4) as tf.Tensor4D;
  try {
    return [
      throughput(`matmul ${n}³`, (2 * n ** 3) / 1e9, repeats, () => tf.matMul(a, b)),
      throughput(`conv3×3 32→32, 32×32, batch ${batch}`, (2 * batch * 32 * 32 * 9 * 32 * 32) / 1e9, repeats, () => tf.conv2d(x, w, 1, 'same')),
    ];
  } finally {
    tf.dispose([a, b, x, w]);
  }
}

/** Selects the backend, measures throughput and runs the self-test; never throws for a failing check. */
export async function doctor(opts: DoctorOptions = {}): Promise<DoctorReport> {
  const t0 = performance.now();
  const backend = await initBackend(opts.backend, { log: () => undefined });
  const throughputs = (opts.repeats ?? 3) > 0 ? measureThroughput(backend, opts.repeats ?? 3) : [];
  const checks = selfTest();
  return {
    backend,
    versions: { node: process.versions.node, tfjsCore: tf.version_core },
    throughput: throughputs,
    selfTest: checks,
    ok: checks.every((c) => c.ok),
    elapsedMs: performance.now() - t0,
  };
}

/** Human-readable report. */
export function formatDoctorReport(r: DoctorReport): string {
  const b = r.backend;
  const lines = [
    `backend   ${b.name}${b.nativePackage != null ? ` (${b.nativePackage})` : ''}  (requested: ${b.requested})`,
    `threads   ${b.threads}`,
    `SIMD      ${b.simd == null ? 'n/a' : b.simd ? 'on' : 'off'}`,
    `kernels   ${b.kernelFixes.length > 0 ? b.kernelFixes.join(', ') : 'stock'}`,
    ...(b.native != null
      ? [`native    ${b.native.kernels.join(', ')}; ${b.native.blas}, ${b.native.threads} threads`]
      : b.nativeUnavailable != null
        ? [`native    off: ${b.nativeUnavailable}`]
        : []),
    ...(b.fallback != null ? [`note      ${b.fallback}`] : []),
    `versions  node ${r.versions.node}, tfjs-core ${r.versions.tfjsCore}`,
    ...r.throughput.map(
      (t) =>
        `speed     ${t.name}: ${t.gflops.toFixed(1)} GFLOP/s best, ${t.medianGflops.toFixed(1)} median ` +
        `(cpu share ${t.cpuShare.toFixed(2)}${t.cpuShare < 0.8 * b.threads ? ': the machine is busy, numbers are low' : ''})`,
    ),
    `self-test ${r.selfTest.filter((c) => c.ok).length}/${r.selfTest.length} passed in ${r.selfTest.reduce((s, c) => s + c.ms, 0).toFixed(0)} ms`,
    ...r.selfTest.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
    r.ok ? 'doctor: all good' : 'doctor: PROBLEMS FOUND (see FAIL lines)',
  ];
  return lines.join('\n');
}
