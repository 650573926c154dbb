import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../../testing.js';
import { maxRelErr, randn, runOn, useWasm, wasmAndCpu } from './parity-test-utils.js';
import { registerWasmKernels, unregisterWasmKernels } from './register-wasm-kernels.js';

const tol = { rtol: 1e-4, atol: 1e-4 };
type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';

beforeAll(async () => {
  await useWasm();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

interface Case {
  a: number[];
  b: number[];
  tA: boolean;
  tB: boolean;
  bias: number[] | null;
  activation: Activation;
}
const M = 11, K = 17, N = 7;
const cases: Case[] = [];
for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
  const a = tA ? [K, M] : [M, K];
  const b = tB ? [N, K] : [K, N];
  cases.push({ a, b, tA, tB, bias: [N], activation: 'linear' });
  cases.push({ a, b, tA, tB, bias: [N], activation: 'relu' });
  cases.push({ a: [3, ...a], b: [3, ...b], tA, tB, bias: [N], activation: 'relu6' });
  cases.push({ a: [2, ...a], b, tA, tB, bias: null, activation: 'elu' });
}
for (const [tA, tB] of [[false, false], [true, true]] as const) {
  const [m, k, n] = [40, 50, 60]; // above SCALAR_MACS: the fused XNNPACK path
  cases.push({ a: tA ? [k, m] : [m, k], b: tB ? [n, k] : [k, n], tA, tB, bias: [n], activation: 'relu' });
}
cases.push({ a: [M, K], b: [K, N], tA: false, tB: false, bias: [1], activation: 'sigmoid' });
cases.push({ a: [M, K], b: [K, N], tA: false, tB: false, bias: [M, N], activation: 'leakyrelu' });
cases.push({ a: [M, K], b: [K, N], tA: false, tB: false, bias: [N], activation: 'prelu' });

describe('wasm _FusedMatMul vs cpu', () => {
  it.each(cases.map((c, i) => ({ ...c, i })))(
    'a $a b $b tA=$tA tB=$tB bias $bias $activation',
    async ({ a, b, tA, tB, bias, activation, i }) => {
      const inputs = [randn(a, 300 + i), randn(b, 400 + i), randn(bias ?? [1], 500 + i), randn([N], 600 + i)];
      const { wasm, cpu } = await wasmAndCpu(inputs, (x, w, bi, alpha) =>
        tf.fused.matMul({
          a: x,
          b: w,
          transposeA: tA,
          transposeB: tB,
          bias: bias == null ? undefined : bi,
          activation,
          preluActivationWeights: activation === 'prelu' ? alpha : undefined,
          leakyreluAlpha: 0.1,
        }),
      );
      expect(wasm.shapes[0]).toEqual(cpu.shapes[0]);
      expectClose(wasm.values[0], cpu.values[0], tol);
    },
  );

  it('reshape views of one weight buffer (Dense-like): stock returns stale results, ours does not', async () => {
    const inputs = [randn([40, 96], 1), randn([96, 32], 2), randn([40, 48], 3), randn([32], 4), randn([64], 5)];
    const twoShapes = (x: tf.Tensor, w: tf.Tensor, c: tf.Tensor, b1: tf.Tensor, b2: tf.Tensor) => [
      tf.fused.matMul({ a: x, b: w }),
      tf.fused.matMul({ a: c, b: tf.reshape(w, [48, 64]) }),
      tf.fused.matMul({ a: x, b: w, bias: b1, activation: 'relu' }),
      tf.fused.matMul({ a: c, b: tf.reshape(w, [48, 64]), bias: b2, activation: 'relu' }),
    ];
    const cpu = await runOn('cpu', inputs, twoShapes);
    const ours = await runOn('wasm', inputs, twoShapes);
    for (let k = 0; k < 4; k++) expectClose(ours.values[k], cpu.values[k], tol);
    unregisterWasmKernels();
    try {
      const stock = await runOn('wasm', inputs, twoShapes);
      // Measured on tfjs-backend-wasm 4.22.0: the second product reuses the [96, 32] operator cached for w.
      expect(maxRelErr(stock.values[1], cpu.values[1])).toBeGreaterThan(1e-2);
    } finally {
      registerWasmKernels();
    }
  });

  it('stock computes a transposed product with bias wrongly (bias index i·N + j clamped), ours right', async () => {
    const inputs = [randn([K, M], 7), randn([K, N], 8), randn([N], 9)];
    const fn = (x: tf.Tensor, w: tf.Tensor, bi: tf.Tensor) => tf.fused.matMul({ a: x, b: w, transposeA: true, bias: bi });
    const cpu = await runOn('cpu', inputs, fn);
    const ours = await runOn('wasm', inputs, fn);
    expectClose(ours.values[0], cpu.values[0], tol);
    unregisterWasmKernels();
    try {
      const stock = await runOn('wasm', inputs, fn);
      expect(maxRelErr(stock.values[0], cpu.values[0])).toBeGreaterThan(1e-2);
    } finally {
      registerWasmKernels();
    }
  });
});
