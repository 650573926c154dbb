// BatchMatMul for wasm: every shape on XNNPACK, stale-operator-safe (see xnn-mat-mul.ts).
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { release, wasmKernel, type KernelArgs, type TensorInfo } from './kernel-utils.js';
import { guardWeights, xnnBatchMatMul } from './xnn-mat-mul.js';

/** a [1, M, K] · b [1, K, N] on the stock kernel's XNNPACK path, with b guarded against stale cached operators. */
export function xnnMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  const w = guardWeights(backend, b);
  const out = wasmKernel(tf.BatchMatMul)({ inputs: { a, b: w }, backend, attrs: { transposeA: false, transposeB: false } });
  if (w !== b) release(backend, w);
  return out;
}

/** BatchMatMul kernel: tfjs semantics (transposes, broadcast batch dims), computed on XNNPACK. */
export function batchMatMul({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA = false, transposeB = false } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  const stock = () => wasmKernel(tf.BatchMatMul)({ inputs, backend, attrs });
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock();
  return xnnBatchMatMul(backend, a, b, transposeA, transposeB, (a3, b3) => xnnMatMul(backend, a3, b3), stock);
}
