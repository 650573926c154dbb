// Parity of the native MaxPool / AvgPool / AvgPoolGrad wasm kernels (@pfgm/native) with the tfjs cpu backend, on the
// shapes Inception-v3 and the U-Nets pool, odd sizes and 'same' edges. Fails (naming why) without the addon unless
// PFGM_NATIVE_UNAVAILABLE=1 says the machine cannot build it.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '../gradients.js';
import { expectClose } from '../../testing.js';
import { randn, wasmAndCpu } from './parity-test-utils.js';
import { nativeKernelsRegistered } from './register-wasm-kernels.js';
import { useNativeWasm } from './use-native-wasm.js';

const gate = useNativeWasm('the native pooling kernels are registered (CI builds @pfgm/native; PFGM_NATIVE_UNAVAILABLE=1 only where it cannot)', nativeKernelsRegistered);
const tol = { rtol: 1e-5, atol: 1e-5 };

type Pad = 'same' | 'valid' | number;
interface PoolCase {
  x: [number, number, number, number];
  f: [number, number];
  s: [number, number];
  pad: Pad;
  round?: 'floor' | 'round' | 'ceil';
}
/** expectClose where both sides are finite; NaN (an empty window's 0/0) in the same places. */
function expectCloseOrNaN(a: Float32Array, b: Float32Array): void {
  expect(Array.from(a, Number.isNaN)).toEqual(Array.from(b, Number.isNaN));
  const keep = (v: Float32Array) => v.filter((_, i) => !Number.isNaN(b[i]));
  expectClose(keep(a), keep(b), tol);
}

const name = (c: PoolCase) => `[${c.x}] ${c.f.join('×')} stride ${c.s.join(',')} ${c.pad}${c.round != null ? ` ${c.round}` : ''}`;

const maxCases: PoolCase[] = [
  { x: [1, 147, 147, 64], f: [3, 3], s: [2, 2], pad: 'valid' }, // Inception stem
  { x: [1, 71, 71, 192], f: [3, 3], s: [2, 2], pad: 'valid' },
  { x: [2, 35, 35, 288], f: [3, 3], s: [2, 2], pad: 'valid' }, // Mixed_6a
  { x: [2, 17, 17, 768], f: [3, 3], s: [2, 2], pad: 'valid' }, // Mixed_7a
  { x: [2, 8, 8, 1280], f: [3, 3], s: [1, 1], pad: 'same' },
  { x: [3, 9, 7, 5], f: [3, 3], s: [1, 1], pad: 'same' }, // odd sizes, every edge clipped
  { x: [2, 9, 7, 5], f: [3, 3], s: [2, 2], pad: 'same' }, // asymmetric 'same' padding
  { x: [4, 28, 28, 16], f: [2, 2], s: [2, 2], pad: 'valid' },
  { x: [1, 6, 6, 3], f: [2, 3], s: [1, 2], pad: 1, round: 'ceil' }, // explicit padding, rounding
  { x: [1, 1, 1, 7], f: [1, 1], s: [1, 1], pad: 'valid' },
];
const avgCases: PoolCase[] = [
  { x: [2, 35, 35, 192], f: [3, 3], s: [1, 1], pad: 'same' }, // Inception Mixed_5b–d branch pools
  { x: [1, 35, 35, 256], f: [3, 3], s: [1, 1], pad: 'same' },
  { x: [1, 35, 35, 288], f: [3, 3], s: [1, 1], pad: 'same' },
  { x: [2, 17, 17, 768], f: [3, 3], s: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 1280], f: [3, 3], s: [1, 1], pad: 'same' },
  { x: [1, 8, 8, 2048], f: [3, 3], s: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 2048], f: [8, 8], s: [8, 8], pad: 'valid' }, // the final global pool
  { x: [4, 28, 28, 16], f: [2, 2], s: [2, 2], pad: 'valid' }, // U-Net downsampling
  { x: [4, 14, 14, 48], f: [2, 2], s: [2, 2], pad: 'valid' },
  { x: [3, 9, 7, 5], f: [3, 3], s: [1, 1], pad: 'same' },
  { x: [2, 9, 7, 5], f: [3, 3], s: [2, 2], pad: 'same' },
  { x: [1, 6, 6, 3], f: [2, 3], s: [1, 2], pad: 1, round: 'ceil' },
];
const gradCases: PoolCase[] = [
  { x: [4, 28, 28, 16], f: [2, 2], s: [2, 2], pad: 'valid' }, // U-Net downsampling, 28×28 and 14×14
  { x: [4, 14, 14, 32], f: [2, 2], s: [2, 2], pad: 'valid' },
  { x: [2, 14, 14, 64], f: [2, 2], s: [2, 2], pad: 'valid' },
  { x: [1, 7, 7, 48], f: [2, 2], s: [2, 2], pad: 'valid' }, // odd: the last row and column get no gradient
  { x: [2, 35, 35, 32], f: [3, 3], s: [1, 1], pad: 'same' },
  { x: [3, 9, 7, 5], f: [3, 3], s: [2, 2], pad: 'same' },
  { x: [2, 8, 8, 24], f: [8, 8], s: [8, 8], pad: 'valid' },
];

// Skipped only where the addon is absent: this file's gate test then fails, naming why, unless PFGM_NATIVE_UNAVAILABLE=1.
describe.skipIf(!gate.available)('native MaxPool vs cpu', () => {
  it.each(maxCases.map((c, i) => ({ ...c, i, name: name(c) })))('$name', async (c) => {
    const { wasm, cpu } = await wasmAndCpu([randn(c.x, 200 + c.i)], (x) => tf.maxPool(x as tf.Tensor4D, c.f, c.s, c.pad, c.round));
    expect(wasm.shapes[0]).toEqual(cpu.shapes[0]);
    expect(wasm.values[0]).toEqual(cpu.values[0]); // a max is exact
  });

  // C = 2: the channel-by-channel tail; C = 83: register blocks of 64 and 16 channels, then a tail of 3.
  it.each([2, 83])('NaN inputs are skipped as tfjs does (a window of NaN only gives −Inf), C = %i', async (C) => {
    const x = randn([1, 4, 4, C], 3);
    const at = (i: number, j: number, c: number) => (i * 4 + j) * C + c;
    for (let c = 0; c < C; c += 3) x.values[at(0, 0, c)] = NaN; // one NaN in the first windows
    for (let c = 1; c < C; c += 2) [x.values[at(0, 2, c)], x.values[at(0, 3, c)]] = [NaN, NaN]; // windows of NaN only
    const { wasm, cpu } = await wasmAndCpu([x], (t) => tf.maxPool(t as tf.Tensor4D, [1, 2], [1, 2], 'valid'));
    expect(cpu.values[0].some((v) => v === -Infinity)).toBe(true);
    expect(wasm.values[0]).toEqual(cpu.values[0]);
  });
});

// Skipped only where the addon is absent: this file's gate test then fails, naming why, unless PFGM_NATIVE_UNAVAILABLE=1.
describe.skipIf(!gate.available)('native AvgPool vs cpu', () => {
  it.each(avgCases.map((c, i) => ({ ...c, i, name: name(c) })))('$name', async (c) => {
    const { wasm, cpu } = await wasmAndCpu([randn(c.x, 300 + c.i)], (x) => tf.avgPool(x as tf.Tensor4D, c.f, c.s, c.pad, c.round));
    expect(wasm.shapes[0]).toEqual(cpu.shapes[0]);
    expectCloseOrNaN(wasm.values[0], cpu.values[0]);
  });
});

// Skipped only where the addon is absent: this file's gate test then fails, naming why, unless PFGM_NATIVE_UNAVAILABLE=1.
describe.skipIf(!gate.available)('native AvgPoolGrad vs cpu', () => {
  it.each(gradCases.map((c, i) => ({ ...c, i, name: name(c) })))('$name', async (c) => {
    const outShape = tf.backend_util.computePool2DInfo(c.x, c.f, c.s, 1, c.pad).outShape;
    const { wasm, cpu } = await wasmAndCpu([randn(c.x, 400 + c.i), randn(outShape, 500 + c.i)], (x, dy) =>
      tf.engine().runKernel(tf.AvgPoolGrad, { dy, input: x }, { filterSize: c.f, strides: c.s, pad: c.pad }) as tf.Tensor,
    );
    expect(wasm.shapes[0]).toEqual(c.x);
    expectClose(wasm.values[0], cpu.values[0], tol);
  });

  it('tf.grad of Σ avgPool(x)·w matches cpu (2×2 stride 2, as the U-Net downsamples)', async () => {
    const { wasm, cpu } = await wasmAndCpu([randn([2, 12, 12, 16], 7), randn([2, 6, 6, 16], 8)], (x, w) =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(t as tf.Tensor4D, 2, 2, 'valid'), w)))(x),
    );
    expectClose(wasm.values[0], cpu.values[0], tol);
  });
});

// Skipped only where the addon is absent: this file's gate test then fails, naming why, unless PFGM_NATIVE_UNAVAILABLE=1.
describe.skipIf(!gate.available)('native pooling: fallbacks and memory', () => {
  it('int32 MaxPool reaches the stock kernel (whose float32-only error it gives, as without the addon)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(Int32Array.from({ length: 2 * 5 * 5 * 3 }, (_, i) => (i * 37) % 23), [2, 5, 5, 3], 'int32');
    expect(() => tf.maxPool(x, 3, 1, 'same')).toThrow(/only float32 input is supported/);
    x.dispose();
  });

  it('leaks no tensor over pools and the average pool gradient', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 9, 9, 16]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.avgPool(t as tf.Tensor4D, 3, 1, 'same')))(x);
    const m = tf.maxPool(x, 3, 2, 'valid');
    tf.dispose([g, m]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
