// Parity of the OpenBLAS wasm kernels (@pfgm/native) with the tfjs cpu backend. They must run wherever the addon can
// be built: without it this file fails (naming why) unless PFGM_NATIVE_UNAVAILABLE=1 says the machine cannot build it.
import * as tf from '@tensorflow/tfjs-core';
import { requireNative } from '@pfgm/native';
import { describe, expect, it } from 'vitest';
import '../gradients.js';
import { expectClose } from '../../testing.js';
import { randn, wasmAndCpu, type Input } from './parity-test-utils.js';
import { nativeKernelsRegistered, registerWasmKernels } from './register-wasm-kernels.js';
import { useNativeWasm } from './use-native-wasm.js';

const gate = useNativeWasm('the OpenBLAS kernels are registered (CI builds @pfgm/native; PFGM_NATIVE_UNAVAILABLE=1 only where it cannot)', nativeKernelsRegistered);
const tol = { rtol: 1e-5, atol: 1e-5 };
const convTol = { rtol: 1e-4, atol: 1e-4 }; // sums of up to 576 products of N(0,1) values: float32 order differences

// Every describe below is skipped only with PFGM_NATIVE_UNAVAILABLE=1 (no libopenblas-dev): the case above fails when
// the addon is missing otherwise, so CI (which installs it) never skips them silently.
const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

describe.skipIf(!gate.available)('OpenBLAS BatchMatMul vs cpu', () => {
  const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
    { a: [32, 128], b: [128, 64], ta: false, tb: false }, // dense forward
    { a: [32, 128], b: [32, 64], ta: true, tb: false }, // dW = xᵀ·dy
    { a: [32, 64], b: [128, 64], ta: false, tb: true }, // dx = dy·Wᵀ
    { a: [17, 9], b: [23, 17], ta: true, tb: true },
    { a: [4, 64, 32], b: [4, 32, 64], ta: false, tb: false }, // attention scores, batch > 1
    { a: [4, 32, 64], b: [4, 32, 48], ta: true, tb: false },
    { a: [4, 64, 32], b: [4, 48, 32], ta: false, tb: true },
    { a: [3, 7, 5], b: [5, 6], ta: false, tb: false }, // b broadcast: one stacked product
    { a: [3, 5, 7], b: [6, 5], ta: true, tb: true }, // b broadcast, a transposed: per entry
    { a: [2, 3, 4, 3], b: [3, 3, 5], ta: false, tb: false }, // b's outer dims broadcast over a's leading one
    { a: [1, 3], b: [3, 1], ta: false, tb: false },
  ];
  it.each(cases.map((c, i) => ({ ...c, i, name: `[${c.a}]${c.ta ? 'ᵀ' : ''} · [${c.b}]${c.tb ? 'ᵀ' : ''}` })))('$name', async (c) => {
    const { wasm, cpu } = await wasmAndCpu([randn(c.a, 10 + c.i), randn(c.b, 40 + c.i)], (a, b) =>
      run(tf.BatchMatMul, { a, b }, { transposeA: c.ta, transposeB: c.tb }),
    );
    expect(wasm.shapes[0]).toEqual(cpu.shapes[0]);
    expectClose(wasm.values[0], cpu.values[0], tol);
  });

  it('empty operands: M = 0 gives an empty result, K = 0 gives zeros', async () => {
    const empty: Input = { shape: [0, 4], values: new Float32Array(0) };
    const k0a: Input = { shape: [3, 0], values: new Float32Array(0) };
    const k0b: Input = { shape: [0, 2], values: new Float32Array(0) };
    const { wasm } = await wasmAndCpu([empty, randn([4, 5], 1), k0a, k0b], (e, w, a, b) => [tf.matMul(e, w), tf.matMul(a, b)]);
    expect(wasm.shapes).toEqual([[0, 5], [3, 2]]);
    expect(Array.from(wasm.values[1])).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('NaN and Inf propagate to the rows they touch', async () => {
    const a = randn([3, 4], 2);
    a.values[0] = NaN;
    a.values[4] = Infinity;
    const b = randn([4, 2], 3);
    b.values.fill(1);
    const { wasm } = await wasmAndCpu([a, b], (x, y) => tf.matMul(x, y));
    expect(Number.isNaN(wasm.values[0][0])).toBe(true);
    expect(wasm.values[0][2]).toBe(Infinity);
    expect(Number.isFinite(wasm.values[0][4])).toBe(true);
  });
});

// The products @pfgm/native's small_gemm.c takes from OpenBLAS (register-tiled loops, rows split over threads): the
// 28×28 U-Net's attention at 14×14 (batch 32, 32 channels) in every transpose its forward and backward use, and odd
// shapes that leave partial tiles and ragged column panels, with broadcast outer dims and batch 1.
// Skipped only where the addon is absent: this file's gate test then fails, naming why, unless PFGM_NATIVE_UNAVAILABLE=1.
describe.skipIf(!gate.available)('OpenBLAS BatchMatMul vs cpu: small products (small_gemm.c)', () => {
  interface Case { M: number; N: number; K: number; outerA: number[]; outerB: number[]; what: string }
  const shapes: Case[] = [
    { M: 196, N: 32, K: 196, outerA: [32], outerB: [32], what: 'attention·V and its gradients' },
    { M: 196, N: 196, K: 32, outerA: [32], outerB: [32], what: 'q·kᵀ' },
    { M: 32, N: 32, K: 196, outerA: [32], outerB: [32], what: 'qᵀ·k-shaped gradients' },
    { M: 6272, N: 32, K: 32, outerA: [], outerB: [], what: 'NIN projection [B·HW, C]·[C, C]' },
    { M: 32, N: 32, K: 6272, outerA: [], outerB: [], what: 'NIN projection dW' },
    { M: 67, N: 45, K: 37, outerA: [2, 3], outerB: [3], what: "b's outer dims broadcast" },
    { M: 70, N: 130, K: 30, outerA: [1], outerB: [4], what: "a's batch of 1 broadcast" },
    { M: 100, N: 29, K: 37, outerA: [1], outerB: [1], what: 'batch 1' },
    { M: 97, N: 33, K: 300, outerA: [3], outerB: [3], what: 'odd sizes, long K' },
  ];
  const cases = shapes.flatMap((c, i) =>
    [false, true].flatMap((ta) =>
      [false, true].map((tb) => ({
        ...c,
        ta,
        tb,
        i,
        a: [...c.outerA, ta ? c.K : c.M, ta ? c.M : c.K],
        b: [...c.outerB, tb ? c.N : c.K, tb ? c.K : c.N],
      })),
    ),
  );
  it.each(cases.map((c) => ({ ...c, name: `${c.what}: [${c.a}]${c.ta ? 'ᵀ' : ''} · [${c.b}]${c.tb ? 'ᵀ' : ''}` })))('$name', async (c) => {
    const { wasm, cpu } = await wasmAndCpu([randn(c.a, 200 + c.i), randn(c.b, 300 + c.i)], (a, b) =>
      run(tf.BatchMatMul, { a, b }, { transposeA: c.ta, transposeB: c.tb }),
    );
    expect(wasm.shapes[0]).toEqual(cpu.shapes[0]);
    // Sums of K products of N(0, 1) values in another order: float32 differences grow with √K.
    expectClose(wasm.values[0], cpu.values[0], c.K > 1000 ? { rtol: 1e-4, atol: 2e-3 } : { rtol: 1e-4, atol: 1e-4 });
  });

  it('fused: relu(x·W + bias) and its gradients through the small path ([6272, 32]·[32, 32])', async () => {
    const { wasm, cpu } = await wasmAndCpu([randn([6272, 32], 11), randn([32, 32], 12), randn([32], 13)], (x, w, b) =>
      tf.grads((x_: tf.Tensor, w_: tf.Tensor, b_: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: x_ as tf.Tensor2D, b: w_ as tf.Tensor2D, bias: b_, activation: 'relu' }))),
      )([x, w, b]),
    );
    for (let k = 0; k < 3; k++) expectClose(wasm.values[k], cpu.values[k], { rtol: 1e-4, atol: 2e-3 });
  });

  it('leave no tensors or heap buffers behind, and never dispose their inputs', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor(randn([4, 70, 30], 14).values, [4, 70, 30]);
    const b = tf.tensor(randn([30, 45], 15).values, [30, 45]);
    const before = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    tf.tidy(() => {
      tf.matMul(a, b);
      tf.matMul(a, a, false, true);
      tf.matMul(a, a, true, false);
      tf.matMul(tf.reshape(a, [280, 30]), b);
      tf.fused.matMul({ a: tf.reshape(a, [280, 30]), b, bias: tf.ones([45]), activation: 'relu' });
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    for (const t of [a, b]) expect(t.isDisposed).toBe(false);
    tf.dispose([a, b]);
  });
});

describe.skipIf(!gate.available)('OpenBLAS _FusedMatMul vs cpu', () => {
  const acts = ['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu', 'prelu'] as const;
  it.each(acts.flatMap((act, i) => [false, true].map((tb) => ({ act, tb, i, name: `${act}, bias [N], transposeB ${tb}` }))))('$name', async (c) => {
    const inputs = [randn([16, 24], 70 + c.i), randn(c.tb ? [20, 24] : [24, 20], 80 + c.i), randn([20], 90 + c.i), randn([20], 95 + c.i)];
    const { wasm, cpu } = await wasmAndCpu(inputs, (a, b, bias, alpha) =>
      tf.fused.matMul({ a, b, transposeB: c.tb, bias, activation: c.act, preluActivationWeights: c.act === 'prelu' ? alpha : undefined, leakyreluAlpha: 0.1 }),
    );
    expectClose(wasm.values[0], cpu.values[0], tol);
  });

  it('a bias that is not a row vector ([M, N]) goes through Add', async () => {
    const { wasm, cpu } = await wasmAndCpu([randn([6, 5], 1), randn([5, 4], 2), randn([6, 4], 3)], (a, b, bias) =>
      tf.fused.matMul({ a, b, bias, activation: 'relu' }),
    );
    expectClose(wasm.values[0], cpu.values[0], tol);
  });

  it('gradients of a fused dense layer (tf.grads) match cpu', async () => {
    const { wasm, cpu } = await wasmAndCpu([randn([8, 12], 4), randn([12, 6], 5), randn([6], 6)], (x, w, b) =>
      tf.grads((x_: tf.Tensor, w_: tf.Tensor, b_: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a: x_ as tf.Tensor2D, b: w_ as tf.Tensor2D, bias: b_, activation: 'relu' }))),
      )([x, w, b]),
    );
    for (let k = 0; k < 3; k++) expectClose(wasm.values[k], cpu.values[k], tol);
  });
});

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  co: number;
  s: [number, number];
  pad: Pad;
  d?: [number, number];
}
const convCases: ConvCase[] = [
  { x: [4, 28, 28, 32], k: [3, 3], co: 32, s: [1, 1], pad: 'same' }, // the 28×28 U-Net's main conv
  { x: [2, 16, 16, 64], k: [3, 3], co: 64, s: [1, 1], pad: 'same' },
  { x: [5, 12, 12, 24], k: [3, 3], co: 32, s: [1, 1], pad: 'same' }, // direct path: odd batch over threads, Ci not a multiple of 16
  { x: [3, 10, 10, 7], k: [3, 3], co: 16, s: [2, 2], pad: 'same' }, // direct path with stride 2
  { x: [2, 8, 8, 96], k: [3, 3], co: 80, s: [1, 1], pad: 'same' }, // channels > 64, 3×3 stride 1: Winograd F(2×2, 3×3)
  { x: [2, 16, 16, 32], k: [1, 1], co: 64, s: [1, 1], pad: 'valid' }, // 1×1 skip: one plain product
  { x: [2, 28, 28, 16], k: [3, 3], co: 1, s: [1, 1], pad: 'same' }, // output layer (Co = 1)
  { x: [2, 28, 28, 1], k: [3, 3], co: 16, s: [1, 1], pad: 'same' }, // input layer (Ci = 1: forward stays on XNNPACK)
  { x: [2, 9, 9, 3], k: [3, 3], co: 4, s: [1, 1], pad: 'valid' },
  { x: [2, 9, 8, 3], k: [3, 3], co: 4, s: [1, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [3, 10, 11, 2], k: [3, 3], co: 5, s: [2, 2], pad: 'same' },
  { x: [3, 10, 11, 2], k: [3, 3], co: 5, s: [2, 2], pad: 'valid' },
  { x: [3, 10, 11, 2], k: [3, 3], co: 5, s: [2, 2], pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
  { x: [2, 17, 17, 8], k: [3, 3], co: 6, s: [2, 2], pad: 'valid' }, // Inception's stride-2 reductions
  { x: [2, 8, 8, 3], k: [5, 5], co: 2, s: [2, 2], pad: 'same' },
  { x: [2, 7, 9, 3], k: [1, 7], co: 4, s: [1, 1], pad: 'same' }, // Inception's 1×7 / 7×1
  { x: [2, 9, 7, 3], k: [7, 1], co: 4, s: [1, 1], pad: 'same' },
  { x: [2, 6, 6, 2], k: [3, 3], co: 3, s: [3, 3], pad: 'valid' },
  { x: [1, 5, 5, 2], k: [3, 3], co: 2, s: [1, 1], pad: [[0, 0], [3, 3], [3, 3], [0, 0]] },
  // Register-blocked direct loops (blocks of 8 / 6 / 4 interior pixels for Co = 16 / 32 / 48–64): widths that leave
  // partial blocks, edges on both sides, Ci up to 128, a 5×5 filter (Inception's 48→64), stride 2.
  { x: [2, 9, 23, 16], k: [3, 3], co: 16, s: [1, 1], pad: 'valid' },
  { x: [3, 10, 19, 32], k: [3, 3], co: 32, s: [1, 1], pad: 'same' },
  { x: [3, 13, 15, 48], k: [3, 3], co: 64, s: [1, 1], pad: 'same' },
  { x: [2, 11, 14, 100], k: [3, 3], co: 48, s: [1, 1], pad: 'same' },
  { x: [2, 6, 7, 128], k: [3, 3], co: 64, s: [1, 1], pad: 'same' },
  { x: [2, 12, 13, 48], k: [5, 5], co: 64, s: [1, 1], pad: 'same' },
  { x: [2, 15, 15, 24], k: [3, 3], co: 48, s: [2, 2], pad: 'valid' },
  // Winograd F(2×2, 3×3) (3×3, stride 1, Ci and Co multiples of 16, Co > 64): odd output sizes leave partial tiles.
  { x: [3, 9, 11, 32], k: [3, 3], co: 96, s: [1, 1], pad: 'valid' },
  { x: [2, 7, 6, 48], k: [3, 3], co: 80, s: [1, 1], pad: 'same' },
  { x: [1, 5, 5, 16], k: [3, 3], co: 192, s: [1, 1], pad: [[0, 0], [2, 0], [0, 2], [0, 0]] },
  { x: [2, 3, 3, 64], k: [3, 3], co: 128, s: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 96], k: [3, 3], co: 16, s: [2, 2], pad: 'same' }, // stride 2 and Ci > 128: im2col + sgemm
];
const dilated: ConvCase[] = [
  { x: [2, 11, 10, 3], k: [3, 3], co: 4, s: [1, 1], pad: 'same', d: [2, 2] },
  { x: [2, 11, 10, 3], k: [3, 2], co: 4, s: [1, 1], pad: 'valid', d: [2, 3] },
  { x: [2, 11, 10, 5], k: [3, 3], co: 16, s: [1, 1], pad: 'same', d: [2, 2] }, // direct path
];

const convOut = (c: ConvCase) =>
  tf.backend_util.computeConv2DInfo(c.x, [...c.k, c.x[3], c.co], c.s, c.d ?? 1, c.pad).outShape as [number, number, number, number];
const convLabel = (c: ConvCase) => `x ${c.x}, k ${c.k}→${c.co}, stride ${c.s}, pad ${JSON.stringify(c.pad)}${c.d ? `, dilation ${c.d}` : ''}`;

describe.skipIf(!gate.available)('OpenBLAS Conv2D / FusedConv2D vs cpu', () => {
  it.each([...convCases, ...dilated].map((c, i) => ({ c, i, name: convLabel(c) })))('Conv2D $name', async ({ c, i }) => {
    const { wasm, cpu } = await wasmAndCpu([randn(c.x, 100 + i), randn([...c.k, c.x[3], c.co], 200 + i)], (x, w) =>
      run(tf.Conv2D, { x, filter: w }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', dilations: c.d ?? 1 }),
    );
    expect(wasm.shapes[0]).toEqual(convOut(c));
    expectClose(wasm.values[0], cpu.values[0], convTol);
  });

  it.each(['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu', 'prelu'] as const)('FusedConv2D, bias [Co], %s', async (act) => {
    const c = convCases[8];
    const inputs = [randn(c.x, 300), randn([...c.k, c.x[3], c.co], 301), randn([c.co], 302), randn([c.co], 303)];
    const { wasm, cpu } = await wasmAndCpu(inputs, (x, w, bias, alpha) =>
      tf.fused.conv2d({
        x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: c.s, pad: c.pad as 'same', bias, activation: act,
        preluActivationWeights: act === 'prelu' ? alpha : undefined, leakyreluAlpha: 0.3,
      }),
    );
    expectClose(wasm.values[0], cpu.values[0], convTol);
  });
});

describe.skipIf(!gate.available)('OpenBLAS Conv2DBackpropInput / Conv2DBackpropFilter vs cpu', () => {
  it.each(convCases.map((c, i) => ({ c, i, name: convLabel(c) })))('Conv2DBackpropInput $name', async ({ c, i }) => {
    const { wasm, cpu } = await wasmAndCpu([randn(convOut(c), 400 + i), randn([...c.k, c.x[3], c.co], 500 + i)], (dy, w) =>
      run(tf.Conv2DBackpropInput, { dy, filter: w }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }),
    );
    expect(wasm.shapes[0]).toEqual(c.x);
    expectClose(wasm.values[0], cpu.values[0], convTol);
  });

  it.each(convCases.map((c, i) => ({ c, i, name: convLabel(c) })))('Conv2DBackpropFilter $name', async ({ c, i }) => {
    const filterShape = [...c.k, c.x[3], c.co];
    const { wasm, cpu } = await wasmAndCpu([randn(c.x, 600 + i), randn(convOut(c), 700 + i)], (x, dy) =>
      run(tf.Conv2DBackpropFilter, { x, dy }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape }),
    );
    expect(wasm.shapes[0]).toEqual(filterShape);
    expectClose(wasm.values[0], cpu.values[0], { rtol: 1e-4, atol: 5e-4 }); // sums over N·Ho·Wo up to 3136 terms
  });

  it('tf.grads of conv2d + bias + silu, batch 4 (a U-Net block) match cpu (dx, dW, db)', async () => {
    const inputs = [randn([4, 12, 12, 8], 1), randn([3, 3, 8, 16], 2), randn([16], 3), randn([4, 6, 6, 16], 4)];
    const { wasm, cpu } = await wasmAndCpu(inputs, (x, w, b, t) =>
      tf.grads((x_: tf.Tensor, w_: tf.Tensor, b_: tf.Tensor) => {
        const h = tf.add(tf.conv2d(x_ as tf.Tensor4D, w_ as tf.Tensor4D, 2, 'same'), b_);
        return tf.sum(tf.mul(tf.mul(h, tf.sigmoid(h)), t));
      })([x, w, b]),
    );
    for (let k = 0; k < 3; k++) expectClose(wasm.values[k], cpu.values[k], convTol);
  });
});

describe.skipIf(!gate.available)('native Add / Sub / Multiply / Concat vs cpu', () => {
  const shapes: [number[], number[]][] = [
    [[4, 8, 8, 16], [4, 8, 8, 16]], // same shape
    [[4, 8, 8, 16], [16]], // bias
    [[4, 8, 8, 16], [4, 1, 1, 16]], // time embedding / per-sample scale
    [[4, 8, 8, 4, 4], [4, 1, 1, 4, 1]], // GroupNorm statistics
    [[4, 1, 1, 16], [4, 8, 8, 16]], // broadcast on the left
    [[4, 1, 8, 1], [1, 7, 1, 5]], // both broadcast
    [[3, 5], []], // scalar
    [[], [3, 5]],
    [[1], [1]],
    [[6, 1], [1, 6]],
  ];
  it.each(shapes.flatMap(([a, b], i) => ['add', 'sub', 'mul'].map((op) => ({ a, b, op, i, name: `${op} [${a}] ∘ [${b}]` }))))('$name', async (c) => {
    const f = c.op === 'add' ? tf.add : c.op === 'sub' ? tf.sub : tf.mul;
    const { wasm, cpu } = await wasmAndCpu([randn(c.a, 800 + c.i), randn(c.b, 850 + c.i)], (a, b) => f(a, b));
    expect(wasm.shapes[0]).toEqual(cpu.shapes[0]);
    expect(Array.from(wasm.values[0])).toEqual(Array.from(cpu.values[0])); // one rounding per element: exact
  });

  it('NaN/Inf propagate, empty shapes work, int32 goes to the stock kernel', async () => {
    await tf.setBackend('wasm');
    const r = tf.tidy(() => {
      const x = tf.tensor([NaN, Infinity, 1, -Infinity]);
      return [tf.mul(x, tf.scalar(0)).arraySync(), tf.add(x, tf.tensor([1, -Infinity, 1, 1])).arraySync(), tf.mul(tf.zeros([0, 3]), tf.ones([3])).shape, tf.mul(tf.tensor([2, 3], undefined, 'int32'), tf.scalar(2, 'int32')).arraySync()];
    });
    expect(r[0]).toEqual([NaN, NaN, 0, NaN]);
    expect(r[1]).toEqual([NaN, NaN, 2, -Infinity]);
    expect(r[2]).toEqual([0, 3]);
    expect(r[3]).toEqual([4, 6]);
  });

  it.each([
    { shapes: [[4, 8, 8, 16], [4, 8, 8, 32]], axis: 3 }, // U-Net skip concat
    { shapes: [[2, 3], [5, 3], [1, 3]], axis: 0 },
    { shapes: [[2, 3, 4], [2, 1, 4], [2, 0, 4], [2, 2, 4]], axis: 1 },
    { shapes: [[2, 3], [2, 3]], axis: -1 },
  ])('concat $shapes on axis $axis', async ({ shapes: ss, axis }) => {
    const { wasm, cpu } = await wasmAndCpu(ss.map((s, i) => randn(s, 900 + i)), (...xs) => tf.concat(xs, axis));
    expect(wasm.shapes[0]).toEqual(cpu.shapes[0]);
    expect(Array.from(wasm.values[0])).toEqual(Array.from(cpu.values[0]));
  });

  it.each([
    { shape: [32, 28, 28, 16], axis: [0, 1, 2], keepDims: false }, // conv bias gradient
    { shape: [37, 5], axis: [0], keepDims: true }, // dense bias gradient, rows not a multiple of 8
    { shape: [4, 6, 3], axis: [1, 0], keepDims: false },
    { shape: [4, 6, 3], axis: [2], keepDims: false }, // not leading: the other kernels
  ])('sum of $shape over $axis: the JS row accumulation exactly, cpu to 1e-5', async ({ shape, axis, keepDims }) => {
    const input = randn(shape, 77);
    const { wasm, cpu } = await wasmAndCpu([input], (x) => tf.sum(x, axis, keepDims));
    expect(wasm.shapes[0]).toEqual(cpu.shapes[0]);
    expectClose(wasm.values[0], cpu.values[0], tol);
    registerWasmKernels(); // the plain path's JS kernel
    const js = await wasmAndCpu([input], (x) => tf.sum(x, axis, keepDims));
    registerWasmKernels({ native: requireNative() });
    expect(Array.from(wasm.values[0])).toEqual(Array.from(js.wasm.values[0]));
  });

  it('gradients through concat, broadcast mul and add match cpu', async () => {
    const { wasm, cpu } = await wasmAndCpu([randn([2, 4, 4, 3], 1), randn([2, 4, 4, 5], 2), randn([2, 1, 1, 8], 3)], (a, b, s) =>
      tf.grads((a_: tf.Tensor, b_: tf.Tensor, s_: tf.Tensor) => tf.sum(tf.square(tf.add(tf.mul(tf.concat([a_, b_], 3), s_), s_))))([a, b, s]),
    );
    for (let k = 0; k < 3; k++) expectClose(wasm.values[k], cpu.values[k], tol);
  });
});

describe.skipIf(!gate.available)('native kernels: memory', () => {
  it('leave no tensors or heap buffers behind, and never dispose their inputs', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(randn([2, 9, 9, 3], 5).values, [2, 9, 9, 3]) as tf.Tensor4D;
    const dy = tf.tensor(randn([2, 5, 5, 4], 6).values, [2, 5, 5, 4]) as tf.Tensor4D;
    const w = tf.tensor(randn([3, 3, 3, 4], 7).values, [3, 3, 3, 4]) as tf.Tensor4D;
    const a = tf.tensor(randn([3, 6, 5], 8).values, [3, 6, 5]);
    const bias = tf.tensor(randn([4], 9).values, [4]);
    const before = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    tf.tidy(() => {
      run(tf.Conv2DBackpropFilter, { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] });
      run(tf.Conv2DBackpropInput, { dy, filter: w }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 9, 9, 3] });
      tf.fused.conv2d({ x, filter: w, strides: 2, pad: 'same', bias, activation: 'elu' });
      tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'valid', bias, activation: 'prelu', preluActivationWeights: bias });
      tf.matMul(a, a, true, false);
      tf.fused.matMul({ a: tf.reshape(a, [18, 5]), b: tf.reshape(a, [5, 18]), activation: 'relu' });
      tf.concat([tf.mul(dy, bias), tf.sub(dy, tf.reshape(bias, [1, 1, 1, 4])), tf.add(dy, 1)], 3);
      tf.sum(dy, [0, 1, 2]);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    for (const t of [x, dy, w, a, bias]) expect(t.isDisposed).toBe(false);
    tf.dispose([x, dy, w, a, bias]);
  });
});
