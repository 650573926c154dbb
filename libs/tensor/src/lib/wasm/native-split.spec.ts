// Parity of the native SplitV wasm kernel (@pfgm/native) with the tfjs cpu backend: the U-Net's skip-concat gradients
// (last axis), other axes, size lists with −1, counts, and the stock fallbacks. Fails (naming why) without the addon
// unless PFGM_NATIVE_UNAVAILABLE=1 says the machine cannot build it.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '../gradients.js';
import { randn, wasmAndCpu } from './parity-test-utils.js';
import { nativeKernelsRegistered } from './register-wasm-kernels.js';
import { useNativeWasm } from './use-native-wasm.js';

const gate = useNativeWasm('the native SplitV kernel is registered (CI builds @pfgm/native; PFGM_NATIVE_UNAVAILABLE=1 only where it cannot)', nativeKernelsRegistered);

interface SplitCase {
  x: number[];
  splits: number[] | number;
  axis: number;
}
const cases: SplitCase[] = [
  { x: [4, 28, 28, 48], splits: [16, 32], axis: 3 }, // U-Net 28×28: skip concat gradients
  { x: [4, 28, 28, 64], splits: [32, 32], axis: 3 },
  { x: [4, 14, 14, 96], splits: [32, 64], axis: -1 },
  { x: [1, 14, 14, 48], splits: [16, 32], axis: 3 }, // batch 1
  { x: [3, 7, 5, 9], splits: [2, -1, 3], axis: 3 }, // odd sizes, −1 takes the rest
  { x: [3, 7, 5, 9], splits: 3, axis: 3 }, // a count
  { x: [4, 6, 5, 3], splits: [1, 3], axis: 0 }, // leading axis: one block per part
  { x: [2, 9, 5, 3], splits: [4, 5], axis: 1 }, // a middle axis
  { x: [6, 10], splits: [3, 3, 4], axis: 1 },
];

// Skipped only where the addon is absent: this file's gate test then fails, naming why, unless PFGM_NATIVE_UNAVAILABLE=1.
describe.skipIf(!gate.available)('native SplitV vs cpu', () => {
  it.each(cases.map((c, i) => ({ ...c, i, name: `[${c.x}] into ${JSON.stringify(c.splits)} on axis ${c.axis}` })))('$name', async (c) => {
    const { wasm, cpu } = await wasmAndCpu([randn(c.x, 600 + c.i)], (x) => tf.split(x, c.splits, c.axis));
    expect(wasm.shapes).toEqual(cpu.shapes);
    wasm.values.forEach((v, k) => expect(v).toEqual(cpu.values[k])); // a copy is exact
  });

  it('the gradient of a skip concat (tf.grads through concat) matches cpu', async () => {
    const { wasm, cpu } = await wasmAndCpu([randn([2, 8, 8, 16], 1), randn([2, 8, 8, 32], 2), randn([2, 8, 8, 48], 3)], (a, b, w) =>
      tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.concat([p, q], 3), w)))([a, b]),
    );
    wasm.values.forEach((v, k) => expect(v).toEqual(cpu.values[k]));
  });
});

// Skipped only where the addon is absent: this file's gate test then fails, naming why, unless PFGM_NATIVE_UNAVAILABLE=1.
describe.skipIf(!gate.available)('native SplitV: fallbacks and memory', () => {
  it('int32 and empty parts go to the stock kernel and match cpu', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const xi = tf.tensor2d(Int32Array.from({ length: 12 }, (_, i) => i * 7 - 20), [3, 4], 'int32');
      const xf = tf.tensor2d(Float32Array.from({ length: 12 }, (_, i) => i / 3), [3, 4]);
      const parts = [...tf.split(xi, [1, 3], 1), ...tf.split(xf, [0, 4], 1)];
      const out = parts.map((t) => ({ dtype: t.dtype, shape: t.shape, values: Array.from(t.dataSync()) }));
      tf.dispose([xi, xf, ...parts]);
      return out;
    };
    const wasm = await run('wasm');
    expect(wasm).toEqual(await run('cpu'));
  });

  it('leaks no tensor over a split and its gradient', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 6, 6, 24]);
    const before = tf.memory().numTensors;
    const parts = tf.split(x, [8, 16], 3);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.split(t, [8, 16], 3)[1]))(x);
    tf.dispose([...parts, g]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
