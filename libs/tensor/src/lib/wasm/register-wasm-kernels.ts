// Registers the repaired/added wasm kernels (tfjs-backend-wasm 4.22). Idempotent; `unregisterWasmKernels` restores
// the stock kernels (benchmarks and the specs that document the stock behaviour use it).
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul } from './batch-mat-mul.js';
import { conv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2DBackpropInput } from './conv2d-backprop-input.js';
import { fusedMatMul } from './fused-mat-mul.js';
import { gatherV2 } from './gather-blocks.js';
import { stockKernels } from './kernel-utils.js';
import { sum } from './sum-leading-axes.js';

/** Kernel name → our wasm implementation. */
export const WASM_KERNEL_FIXES: Readonly<Record<string, (args: never) => tf.TensorInfo>> = {
  [tf.BatchMatMul]: batchMatMul,
  [tf._FusedMatMul]: fusedMatMul,
  [tf.Conv2DBackpropFilter]: conv2DBackpropFilter,
  [tf.Conv2DBackpropInput]: conv2DBackpropInput,
  [tf.Sum]: sum,
  [tf.GatherV2]: gatherV2,
};

let registered = false;

/** True while our wasm kernels are registered. */
export function wasmKernelsRegistered(): boolean {
  return registered;
}

/**
 * Registers our wasm kernels (before or after the wasm backend initialises; the stock package must be loaded:
 * `await import('@tensorflow/tfjs-backend-wasm')`, which initBackend and setWasmBackend do). Returns the kernel names.
 * (The package is not imported here: loading it registers 'wasm' as the highest-priority backend, and its async
 * initialisation would then make tfjs refuse synchronous use before a backend is chosen.)
 */
export function registerWasmKernels(): string[] {
  if (registered) return Object.keys(WASM_KERNEL_FIXES);
  if (tf.getKernel(tf.Transpose, 'wasm') == null) {
    throw new Error("registerWasmKernels: the stock wasm kernels are not loaded; `await import('@tensorflow/tfjs-backend-wasm')` first");
  }
  for (const [name, kernelFunc] of Object.entries(WASM_KERNEL_FIXES)) {
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
  registered = true;
  return Object.keys(WASM_KERNEL_FIXES);
}

/** Restores the stock wasm kernels (and removes the added ones). */
export function unregisterWasmKernels(): void {
  if (!registered) return;
  for (const name of Object.keys(WASM_KERNEL_FIXES)) {
    tf.unregisterKernel(name, 'wasm');
    const stock = stockKernels.get(name);
    if (stock != null) tf.registerKernel(stock);
  }
  stockKernels.clear();
  registered = false;
}
