// Parity of the fused optimizer kernels (wasm + @pfgm/native) with their composites on the tfjs cpu backend: the same
// float32 operations in the same order, so Adam, EMA and scale agree bit for bit; the sum of squares is float64.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../testing.js';
import { randn, runOn, type Input } from './parity-test-utils.js';
import { ADAM_KERNEL, EMA_KERNEL, fusedOptimizerAvailable, SCALE_KERNEL, SUM_SQUARES_KERNEL } from './native-optimizer.js';
import { useNativeWasm } from './use-native-wasm.js';

const gate = useNativeWasm('the fused optimizer kernels are registered on wasm with the addon (PFGM_NATIVE_UNAVAILABLE=1 only where it cannot be built)', fusedOptimizerAvailable);

const run = (name: string, inputs: tf.Tensor[], attrs: object) =>
  tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor[];

/** Non-negative second moments (v ≥ 0 in Adam). */
const abs = (x: Input): Input => ({ shape: x.shape, values: x.values.map(Math.abs) });

/** Adam's composite, as @pfgm/train's adamStep writes it, for one weight. */
function adamComposite(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, b1: number, b2: number, s: number, eh: number): tf.Tensor[] {
  const mNew = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
  const vNew = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
  return [tf.sub(w, tf.mul(s, tf.div(mNew, tf.add(tf.sqrt(vNew), eh)))), mNew, vNew];
}

const SHAPES = [[1], [7], [16, 16, 3, 3], [5, 13], [3, 3, 1, 16], [37]];

// Skipped only where the addon is absent: this file's gate test then fails, naming why, unless PFGM_NATIVE_UNAVAILABLE=1.
describe.skipIf(!gate.available)('fused optimizer kernels vs the composites on cpu', () => {
  it.each([1, 2, 10, 1000])('Adam at step t = %i: w, m, v bit-identical, every shape in one launch', async (t) => {
    const [b1, b2, lr, eps] = [0.9, 0.999, 2e-4, 1e-8];
    const s = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    const eh = eps * Math.sqrt(1 - b2 ** t);
    const inputs = SHAPES.flatMap((shape, i) => [randn(shape, 4 * i), randn(shape, 4 * i + 1), randn(shape, 4 * i + 2), abs(randn(shape, 4 * i + 3))]);
    const wasm = await runOn('wasm', inputs, (...xs) => run(ADAM_KERNEL, xs, { beta1: b1, beta2: b2, stepSize: s, epsHat: eh }));
    const cpu = await runOn('cpu', inputs, (...xs) => SHAPES.flatMap((_, i) => adamComposite(xs[4 * i], xs[4 * i + 1], xs[4 * i + 2], xs[4 * i + 3], b1, b2, s, eh)));
    expect(wasm.shapes).toEqual(cpu.shapes);
    wasm.values.forEach((v, i) => expect(v, `output ${i}`).toEqual(cpu.values[i]));
  });

  it('EMA and scale bit-identical; scale 1 shares the data', async () => {
    const inputs = SHAPES.flatMap((shape, i) => [randn(shape, 50 + 2 * i), randn(shape, 51 + 2 * i)]);
    const beta = 0.9999;
    const wasm = await runOn('wasm', inputs, (...xs) => [...run(EMA_KERNEL, xs, { beta }), ...run(SCALE_KERNEL, xs, { scale: 0.37 })]);
    const cpu = await runOn('cpu', inputs, (...xs) => [
      ...SHAPES.map((_, i) => tf.add(tf.mul(xs[2 * i], beta), tf.mul(xs[2 * i + 1], 1 - beta))),
      ...xs.map((x) => tf.mul(x, 0.37)),
    ]);
    wasm.values.forEach((v, i) => expect(v, `output ${i}`).toEqual(cpu.values[i]));
    const x = tf.tensor1d([1, 2, 3]);
    const [y] = run(SCALE_KERNEL, [x], { scale: 1 });
    expect(tf.engine().backend.refCount(x.dataId)).toBe(2);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
  });

  it('sum of squares: float64 (hi + lo) vs a float64 reference to 1e-14, vs the float32 composite to 1e-6', async () => {
    const inputs = SHAPES.map((shape, i) => randn(shape, 70 + i));
    let ref = 0;
    for (const x of inputs) for (const v of x.values) ref += v * v;
    const wasm = await runOn('wasm', inputs, (...xs) => run(SUM_SQUARES_KERNEL, xs, {}) as unknown as tf.Tensor);
    const cpu = await runOn('cpu', inputs, (...xs) => tf.addN(xs.map((x) => tf.sum(tf.square(x)))));
    const [hi, lo] = wasm.values[0];
    expect(Math.abs(hi + lo - ref) / ref).toBeLessThan(1e-14);
    expectClose(hi, cpu.values[0][0], { rtol: 1e-6, atol: 0 });
  });

  it('rejects groups of mismatched shapes or dtypes', () => {
    const [a, b] = [tf.zeros([3]), tf.zeros([4])];
    expect(() => run(EMA_KERNEL, [a, b], { beta: 0.9 })).toThrow(/expected float32 \[3\]/);
    expect(() => run(ADAM_KERNEL, [a, a, a], { beta1: 0.9, beta2: 0.999, stepSize: 1, epsHat: 1e-8 })).toThrow(/groups of 4/);
    tf.dispose([a, b]);
  });

  it('leaves no tensors or heap bytes behind', () => {
    const xs = SHAPES.map((shape) => tf.ones(shape));
    const run4 = () => {
      const outs = [...run(ADAM_KERNEL, xs.flatMap((x) => [x, x, x, x]), { beta1: 0.9, beta2: 0.999, stepSize: 1, epsHat: 1e-8 }), ...run(EMA_KERNEL, xs.flatMap((x) => [x, x]), { beta: 0.5 }), run(SUM_SQUARES_KERNEL, xs, {}) as unknown as tf.Tensor, ...run(SCALE_KERNEL, xs, { scale: 2 }), ...run(SCALE_KERNEL, xs, { scale: 1 })];
      tf.dispose(outs);
    };
    run4();
    const before = tf.memory();
    run4();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose(xs);
  });
});
