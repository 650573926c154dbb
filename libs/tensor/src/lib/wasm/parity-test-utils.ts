// Spec helpers: run the same computation on `wasm` (our kernels, threads on) and on the `cpu` reference backend.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../rng.js';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { loadWasmPackage, setWasmBackend, type WasmThreadsResult } from './wasm-threads.js';

/** Selects threaded wasm with our kernels (once per spec file); returns what the backend runs. */
export async function useWasm(): Promise<WasmThreadsResult> {
  await loadWasmPackage();
  registerWasmKernels();
  return setWasmBackend();
}

/** A random float32 input: shape and values (standard normal, seeded). */
export interface Input {
  shape: number[];
  values: Float32Array;
}

/** Standard normal input of `shape` from seed `seed`. */
export function randn(shape: number[], seed: number): Input {
  const n = shape.reduce((p, d) => p * d, 1);
  return { shape, values: Float32Array.from(new Rng(seed).normalArray(n)) };
}

/** Runs `fn` on backend `name` with the inputs as fresh tensors; returns the outputs' values and shapes. */
export async function runOn(
  name: string,
  inputs: Input[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<{ values: Float32Array[]; shapes: number[][] }> {
  const prev = tf.getBackend();
  await tf.setBackend(name);
  try {
    const outs = tf.tidy(() => {
      const r = fn(...inputs.map((x) => tf.tensor(x.values, x.shape, 'float32')));
      return Array.isArray(r) ? r : [r];
    });
    const values = outs.map((t) => Float32Array.from(t.dataSync() as Float32Array));
    const shapes = outs.map((t) => t.shape);
    tf.dispose(outs);
    return { values, shapes };
  } finally {
    await tf.setBackend(prev);
  }
}

/** Runs `fn` on wasm and on cpu. */
export async function wasmAndCpu(inputs: Input[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]) {
  const wasm = await runOn('wasm', inputs, fn);
  const cpu = await runOn('cpu', inputs, fn);
  return { wasm, cpu };
}

/** Largest |a − b| / (1 + |b|) over two arrays. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}
