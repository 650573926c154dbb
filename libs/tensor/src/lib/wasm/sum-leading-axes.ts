// Sum for wasm: a reduction over leading axes (bias gradients: Σ over batch and pixels) as ones[1, R] · X[R, C] on
// XNNPACK. Stock Sum first transposes the reduced axes innermost (a strided full copy), then reduces on one thread.
import * as tf from '@tensorflow/tfjs-core';
import { xnnMatMul } from './batch-mat-mul.js';
import { copy, release, sizeOf, view, wasmKernel, type KernelArgs, type TensorInfo } from './kernel-utils.js';

/** The number of leading axes `axes` reduces, or 0 if they are not exactly the leading axes 0..k−1 of a rank-r tensor. */
export function leadingAxesCount(axes: readonly number[], rank: number): number {
  const sorted = [...axes].sort((p, q) => p - q);
  if (sorted.length === 0 || sorted.length >= rank) return 0;
  return sorted.every((d, i) => d === i) ? sorted.length : 0;
}

/** Sum kernel: leading-axis float32 reductions on XNNPACK, everything else on the stock kernel. */
export function sum({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x } = inputs as { x: TensorInfo };
  const { axis, keepDims = false } = (attrs ?? {}) as { axis: number | number[]; keepDims?: boolean };
  const stock = () => wasmKernel(tf.Sum)({ inputs, backend, attrs });
  if (x.dtype !== 'float32') return stock();
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const k = leadingAxesCount(axes, x.shape.length);
  const R = sizeOf(x.shape.slice(0, k));
  const C = sizeOf(x.shape.slice(k));
  if (k === 0 || R < 2 || C < 2) return stock();
  const ones = backend.makeOutput([1, 1, R], 'float32', undefined, new Float32Array(R).fill(1));
  // A private copy of X as the weights: its XNNPACK operator (a packed copy of X) dies with it, not with x.
  const w = copy(backend, view(x, [1, R, C]));
  const out = xnnMatMul(backend, ones, w); // [1, 1, C]
  release(backend, ones);
  release(backend, w);
  out.shape = keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
  return out;
}
