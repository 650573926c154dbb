// Backend-level helpers for the wasm kernel fixes: they work on TensorInfo (data id + shape), not on tf.Tensor.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

export type TensorInfo = tf.TensorInfo;
export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap };
export type WasmKernelFunc = (args: KernelArgs) => TensorInfo;

/** The stock kernel configs replaced by our registrations, keyed by kernel name (see register-wasm-kernels.ts). */
export const stockKernels = new Map<string, tf.KernelConfig>();

/** The wasm kernel function named `name`: the stock one if we replaced it, else the registered one. */
export function wasmKernel(name: string): WasmKernelFunc {
  const config = stockKernels.get(name) ?? tf.getKernel(name, 'wasm');
  if (config == null) throw new Error(`wasm kernel '${name}' is not registered`);
  return config.kernelFunc as unknown as WasmKernelFunc;
}

/** Runs the wasm kernel `name` on TensorInfos. */
export function run(backend: BackendWasm, name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): TensorInfo {
  return wasmKernel(name)({ inputs, backend, attrs });
}

/** Same data, another shape; no reference is taken, so never return it from a kernel. */
export function view(x: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/** Releases a TensorInfo made inside a kernel. */
export function release(backend: BackendWasm, x: TensorInfo): void {
  backend.disposeData(x.dataId);
}

/** Float32 view of a tensor's bytes on the wasm heap (re-take it after any allocation: the heap may grow). */
export function heap(backend: BackendWasm, x: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(x) as Float32Array;
}

/** A fresh copy of `x` (new data id) with the given shape. */
export function copy(backend: BackendWasm, x: TensorInfo, shape: number[] = x.shape): TensorInfo {
  const out = backend.makeOutput(shape, x.dtype);
  heap(backend, out).set(heap(backend, x));
  return out;
}

/** Materialised transpose via the stock kernel. */
export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return run(backend, 'Transpose', { x }, { perm });
}

/** Product of dimensions. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
