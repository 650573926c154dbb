// Batched matmul routed to XNNPACK's fully-connected operator, the only fast matmul in tfjs-wasm 4.22.
// Stock BatchMatMul uses XNNPACK only for untransposed, batch-1 operands and otherwise runs a scalar loop; and its
// XNNPACK operator cache is keyed on b's data id alone, so a reshape view of b (same id, other [K, N]) reuses a stale
// operator and returns wrong numbers (batch_mat_mul_impl.cc, `OperatorCacheKey = {b_id, bias_id, clamp_method}`).
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { copy, heap, release, sizeOf, transpose, view, type TensorInfo } from './kernel-utils.js';

/** One XNNPACK-eligible product: a [1, M, K] · b [1, K, N] → [1, M, N], both untransposed. */
export type XnnCall = (a: TensorInfo, b: TensorInfo) => TensorInfo;

/**
 * Every XNNPACK call with a thread pool hands work to the pool's threads: measured ≈ 0.45 ms per call with 2 threads
 * on this (busy) 2-core machine once they sleep (≈ 6 µs back-to-back while they still spin), 5 µs with 1 thread,
 * whatever the size. Products below these sizes therefore
 * run on the stock scalar loop (≈ 1–3 GFLOP/s, no thread hand-off): a whole batch-1 product below SCALAR_MACS, and
 * equal-batch products whose entries are below SCALAR_ENTRY_MACS (measured break-even for 64 entries: ≈ 64³).
 */
export const SCALAR_MACS = 32 * 32 * 32;
const SCALAR_ENTRY_MACS = 64 * 64 * 64;

/** The [K, N] each tensor record was first used with as XNNPACK weights (the C++ cache key's hidden part). */
const weightShapes = new WeakMap<object, string>();

/**
 * Returns `b` [1, K, N] if the C++ operator cache cannot hold a stale operator for it, else a fresh copy (new data
 * id, released by the caller) so that XNNPACK builds a new operator.
 */
export function guardWeights(backend: BackendWasm, b: TensorInfo): TensorInfo {
  const record = backend.dataIdMap.get(b.dataId) as object;
  const key = `${b.shape[1]}x${b.shape[2]}`;
  const seen = weightShapes.get(record);
  if (seen == null) {
    weightShapes.set(record, key);
    return b;
  }
  return seen === key ? b : copy(backend, b);
}

/** Maps a flat index over `outer` to the flat index over `sub`, which broadcasts to `outer` (right-aligned). */
export function broadcastIndex(outer: readonly number[], sub: readonly number[]): (i: number) => number {
  const offset = outer.length - sub.length;
  return (i) => {
    let idx = 0;
    let stride = 1;
    let rem = i;
    for (let d = outer.length - 1; d >= 0; d--) {
      const coord = rem % outer[d];
      rem = Math.floor(rem / outer[d]);
      const sd = d - offset;
      if (sd >= 0) {
        idx += (sub[sd] === 1 ? 0 : coord) * stride;
        stride *= sub[sd];
      }
    }
    return idx;
  };
}

/** Copy of entry `i` of a [batch, rows, cols] tensor as [1, rows, cols]. */
function entry(backend: BackendWasm, x: TensorInfo, i: number): TensorInfo {
  const [, rows, cols] = x.shape;
  const out = backend.makeOutput([1, rows, cols], x.dtype);
  const n = rows * cols;
  heap(backend, out).set(heap(backend, x).subarray(i * n, (i + 1) * n));
  return out;
}

/** Shapes of a batched matmul with tfjs semantics (rank ≥ 2, broadcasting outer dims). */
export interface MatMulShapes {
  M: number;
  K: number;
  N: number;
  outerA: number[];
  outerB: number[];
  outer: number[];
  outShape: number[];
}

export function matMulShapes(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulShapes {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const Ka = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const Kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (Ka !== Kb) {
    throw new Error(
      `matMul: inner dimensions differ: a [${a.shape}] (transposeA=${transposeA}) has ${Ka}, ` +
        `b [${b.shape}] (transposeB=${transposeB}) has ${Kb}; they must be equal.`,
    );
  }
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  return { M, K: Ka, N, outerA, outerB, outer, outShape: [...outer, M, N] };
}

/**
 * a · b with tfjs BatchMatMul semantics, computed with XNNPACK: transposes are materialised, a broadcast b is
 * folded into one [B·M, K] product, other batches run entry by entry. `call` performs each XNNPACK product;
 * `stock`, if given, handles small batch-1 and small equal-batch products on the scalar loop (correct there, and
 * cheaper than XNNPACK's per-call thread hand-off; see SCALAR_MACS).
 */
export function xnnBatchMatMul(
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  call: XnnCall,
  stock?: () => TensorInfo,
): TensorInfo {
  const { M, K, N, outerA, outerB, outer, outShape } = matMulShapes(a, b, transposeA, transposeB);
  const bA = sizeOf(outerA);
  const bB = sizeOf(outerB);
  const B = sizeOf(outer);
  if (B * M * N === 0) return backend.makeOutput(outShape, 'float32');
  if (K === 0) return backend.makeOutput(outShape, 'float32', undefined, new Float32Array(B * M * N));
  const sameOuter = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
  if (stock != null && bA === 1 && bB === 1 && M * K * N < SCALAR_MACS) return stock();
  if (stock != null && bB > 1 && sameOuter && M * K * N < SCALAR_ENTRY_MACS) return stock();

  const owned: TensorInfo[] = [];
  try {
    let a3 = view(a, transposeA ? [bA, K, M] : [bA, M, K]);
    if (transposeA) owned.push((a3 = transpose(backend, a3, [0, 2, 1])));
    let b3 = view(b, transposeB ? [bB, N, K] : [bB, K, N]);
    if (transposeB) owned.push((b3 = transpose(backend, b3, [0, 2, 1])));

    if (bB === 1) {
      const out = call(view(a3, [1, bA * M, K]), view(b3, [1, K, N])); // [1, B·M, N]
      out.shape = outShape;
      return out;
    }
    const out = backend.makeOutput(outShape, 'float32');
    const aIndex = broadcastIndex(outer, outerA);
    const bIndex = broadcastIndex(outer, outerB);
    for (let i = 0; i < B; i++) {
      const ai = bA === 1 ? view(a3, [1, M, K]) : entry(backend, a3, aIndex(i));
      const bi = entry(backend, b3, bIndex(i));
      const r = call(ai, bi); // [1, M, N]
      heap(backend, out).set(heap(backend, r), i * M * N);
      release(backend, r);
      release(backend, bi);
      if (bA !== 1) release(backend, ai);
    }
    return out;
  } finally {
    for (const t of owned) release(backend, t);
  }
}
