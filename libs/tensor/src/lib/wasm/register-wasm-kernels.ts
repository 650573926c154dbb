// Registers the repaired/added wasm kernels (tfjs-backend-wasm 4.22), and with `{ native }` the OpenBLAS ones on top
// (matmuls and convolutions through @pfgm/native). Idempotent; `unregisterWasmKernels` restores the stock kernels
// (benchmarks and the specs that document the stock behaviour use it).
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '@pfgm/native';
import { batchMatMul } from './batch-mat-mul.js';
import { cast } from './cast.js';
import { conv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2DBackpropInput } from './conv2d-backprop-input.js';
import { fusedMatMul } from './fused-mat-mul.js';
import { gatherV2 } from './gather-blocks.js';
import { identity } from './identity.js';
import { stockKernels } from './kernel-utils.js';
import { NATIVE_WASM_KERNELS, useNativeAddon } from './native-kernels.js';
import { sum } from './sum-leading-axes.js';

/** Kernel name → our wasm implementation. */
export const WASM_KERNEL_FIXES: Readonly<Record<string, (args: never) => tf.TensorInfo>> = {
  [tf.BatchMatMul]: batchMatMul,
  [tf._FusedMatMul]: fusedMatMul,
  [tf.Conv2DBackpropFilter]: conv2DBackpropFilter,
  [tf.Conv2DBackpropInput]: conv2DBackpropInput,
  [tf.Sum]: sum,
  [tf.GatherV2]: gatherV2,
  [tf.Identity]: identity,
  [tf.Cast]: cast,
};

/** Options of {@link registerWasmKernels}. */
export interface RegisterWasmKernelsOptions {
  /** Also register the OpenBLAS kernels of {@link NATIVE_WASM_KERNELS}, calling this addon. Default: none. */
  native?: NativeAddon | null;
}

/** The registration in force: the kernels we put over the stock ones, and the addon they call, if any. */
let registered: { names: string[]; native: NativeAddon | null } | null = null;

/** True while our wasm kernels are registered. */
export function wasmKernelsRegistered(): boolean {
  return registered != null;
}

/** True while the OpenBLAS kernels are registered. */
export function nativeKernelsRegistered(): boolean {
  return registered?.native != null;
}

/**
 * Registers our wasm kernels (before or after the wasm backend initialises; the stock package must be loaded:
 * `await import('@tensorflow/tfjs-backend-wasm')`, which initBackend and setWasmBackend do). With `native`, the
 * matmul and convolution kernels run on OpenBLAS instead (re-registering if the choice changed). Returns the names.
 * (The package is not imported here: loading it registers 'wasm' as the highest-priority backend, and its async
 * initialisation would then make tfjs refuse synchronous use before a backend is chosen.)
 */
export function registerWasmKernels(opts: RegisterWasmKernelsOptions = {}): string[] {
  const native = opts.native ?? null;
  if (registered != null && registered.native === native) return registered.names;
  if (registered != null) unregisterWasmKernels();
  if (tf.getKernel(tf.Transpose, 'wasm') == null) {
    throw new Error("registerWasmKernels: the stock wasm kernels are not loaded; `await import('@tensorflow/tfjs-backend-wasm')` first");
  }
  const kernels: Record<string, (args: never) => tf.TensorInfo> = { ...WASM_KERNEL_FIXES, ...(native != null ? NATIVE_WASM_KERNELS : {}) };
  useNativeAddon(native);
  for (const [name, kernelFunc] of Object.entries(kernels)) {
    const stock = tf.getKernel(name, 'wasm');
    if (stock != null) {
      stockKernels.set(name, stock);
      tf.unregisterKernel(name, 'wasm');
    }
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
      // The stock setup (cwrap of the C++ entry point) still serves our kernels, which call the stock function.
      ...(stock?.setupFunc != null ? { setupFunc: stock.setupFunc } : {}),
    });
  }
  registered = { names: Object.keys(kernels), native };
  return registered.names;
}

/** Restores the stock wasm kernels (and removes the added ones). */
export function unregisterWasmKernels(): void {
  if (registered == null) return;
  for (const name of registered.names) {
    tf.unregisterKernel(name, 'wasm');
    const stock = stockKernels.get(name);
    if (stock != null) tf.registerKernel(stock);
  }
  stockKernels.clear();
  useNativeAddon(null);
  registered = null;
}
