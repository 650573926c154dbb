// BatchMatMul for wasm: every shape on XNNPACK, stale-operator-safe (see xnn-mat-mul.ts).
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { release, sizeOf, transpose, view, wasmKernel, type KernelArgs, type TensorInfo } from './kernel-utils.js';
import { guardWeights, xnnBatchMatMul } from './xnn-mat-mul.js';

/** a [1, M, K] · b [1, K, N] on the stock kernel's XNNPACK path, with b guarded against stale cached operators. */
export function xnnMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  const w = guardWeights(backend, b);
  const out = wasmKernel(tf.BatchMatMul)({ inputs: { a, b: w }, backend, attrs: { transposeA: false, transposeB: false } });
  if (w !== b) release(backend, w);
  return out;
}

/**
 * The stock kernel on its scalar loop. It picks XNNPACK for untransposed batch-1 operands, so those are passed as
 * a materialised aᵀ with transposeA (a small copy; only used for small products).
 */
export function scalarMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const stock = wasmKernel(tf.BatchMatMul);
  const batch1 = sizeOf(a.shape.slice(0, -2)) === 1 && sizeOf(b.shape.slice(0, -2)) === 1;
  if (transposeA || transposeB || !batch1) return stock({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } });
  const [M, K] = a.shape.slice(-2);
  const N = b.shape[b.shape.length - 1];
  const outShape = [...(a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2), M, N];
  const aT = transpose(backend, view(a, [M, K]), [1, 0]); // [K, M]
  const out = stock({ inputs: { a: aT, b: view(b, [K, N]) }, backend, attrs: { transposeA: true, transposeB: false } });
  release(backend, aT);
  out.shape = outShape;
  return out;
}

/** BatchMatMul kernel: tfjs semantics (transposes, broadcast batch dims), computed on XNNPACK (small ones: scalar). */
export function batchMatMul({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA = false, transposeB = false } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return wasmKernel(tf.BatchMatMul)({ inputs, backend, attrs });
  const scalar = () => scalarMatMul(backend, a, b, transposeA, transposeB);
  return xnnBatchMatMul(backend, a, b, transposeA, transposeB, (a3, b3) => xnnMatMul(backend, a3, b3), scalar);
}
