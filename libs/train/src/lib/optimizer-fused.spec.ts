// The fused optimizer kernels (wasm + @pfgm/native) against the composites on the tfjs cpu backend: Adam with bias
// correction over several steps and EMA bit for bit, the clip norm in float64, no leaks, and a few `fit` steps of a
// tiny net with the native kernels on and off giving the same loss curve. Fails (naming why) where the addon is
// missing, unless PFGM_NATIVE_UNAVAILABLE=1 says the machine cannot build it.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fusedOptimizerAvailable, initBackend, Rng } from '@pfgm/tensor';
import { expectClose, useWasmNative } from '@pfgm/tensor/testing';
import { adamInit, adamStep, disposeAdam } from './adam.js';
import { clipByGlobalNorm, globalNorm } from './clip.js';
import { emaInit, emaUpdate } from './ema.js';
import { fit, initState, type FitOptions } from './fit.js';
import { denoise, ring } from './testing-problems.js';
import type { TrainableNet } from './types.js';

const quiet = { log: () => undefined };
const gate = useWasmNative('the fused optimizer kernels are on wasm-native (PFGM_NATIVE_UNAVAILABLE=1 only where the addon cannot be built)', fusedOptimizerAvailable);

// Weight shapes: sizes 1, 7, a 3×3 conv 16 → 16 (2304), and sizes that are no multiple of 16.
const SHAPES = [[1], [7], [3, 3, 16, 16], [5, 13], [37]];

/** Seeded normal values per shape, scaled. */
const draw = (seed: number, scale = 1) => SHAPES.map((s, i) => Float32Array.from(new Rng(seed).child(i).normalArray(tf.util.sizeFromShape(s)), (v) => scale * v));

/** Runs `fn` on `backend` and returns its arrays. */
async function on<T>(backend: 'wasm' | 'cpu', fn: () => T): Promise<T> {
  const prev = tf.getBackend();
  await tf.setBackend(backend);
  try {
    return fn();
  } finally {
    await tf.setBackend(prev);
  }
}

/** Five Adam steps + EMA from fixed weights and gradients; returns weights, moments and EMA after each step. */
function adamRun(): Float32Array[][] {
  const weights = draw(1).map((v, i) => tf.variable(tf.tensor(v, SHAPES[i]), true));
  const ema = emaInit(weights);
  let state = adamInit(weights);
  const trace: Float32Array[][] = [];
  for (let t = 0; t < 5; t++) {
    const grads = draw(10 + t, 0.1).map((v, i) => tf.tensor(v, SHAPES[i]));
    state = adamStep(weights, grads, state, { lr: 1e-2 });
    emaUpdate(ema, weights, 0.9);
    tf.dispose(grads);
    trace.push([...weights, ...state.m, ...state.v, ...ema].map((x) => x.dataSync() as Float32Array));
  }
  disposeAdam(state);
  tf.dispose([...weights, ...ema]);
  return trace;
}

describe.skipIf(!gate.available)('fused optimizer (wasm-native) vs composite (cpu)', () => {
  it('Adam (bias-corrected, 5 steps) and EMA: weights, moments and EMA bit-identical', async () => {
    expect(await on('wasm', fusedOptimizerAvailable)).toBe(true);
    expect(await on('cpu', fusedOptimizerAvailable)).toBe(false);
    const fused = await on('wasm', adamRun);
    const composite = await on('cpu', adamRun);
    fused.forEach((step, t) => step.forEach((x, i) => expect(x, `step ${t + 1}, tensor ${i}`).toEqual(composite[t][i])));
  });

  it('clip: the float64 norm matches a float64 reference and the composite; clipped gradients bit-identical', async () => {
    const values = draw(3);
    let ref = 0;
    for (const v of values) for (const x of v) ref += x * x;
    ref = Math.sqrt(ref);
    const run = () => {
      const grads = values.map((v, i) => tf.tensor(v, SHAPES[i]));
      const norm = globalNorm(grads);
      const out = [0.5 * norm, 2 * norm].flatMap((max) => clipByGlobalNorm(grads, norm, max));
      const arrays = out.map((x) => x.dataSync() as Float32Array);
      expect(grads.every((g) => !g.isDisposed)).toBe(true); // arguments are never disposed
      tf.dispose([...grads, ...out]);
      return { norm, arrays };
    };
    const fused = await on('wasm', run);
    const composite = await on('cpu', run);
    expect(Math.abs(fused.norm - ref) / ref).toBeLessThan(1e-14);
    expectClose(fused.norm, composite.norm, { rtol: 1e-6, atol: 0 });
    // Same scale up to the norm's float32 rounding: compare to the composite with the fused norm.
    const again = await on('cpu', () => {
      const grads = values.map((v, i) => tf.tensor(v, SHAPES[i]));
      const out = [0.5, 2].flatMap((k) => clipByGlobalNorm(grads, fused.norm, k * fused.norm));
      const arrays = out.map((x) => x.dataSync() as Float32Array);
      tf.dispose([...grads, ...out]);
      return arrays;
    });
    fused.arrays.forEach((x, i) => expect(x, `output ${i}`).toEqual(again[i]));
  });

  it('no leaks: tf.memory().numTensors unchanged per step after the first', async () => {
    await on('wasm', () => {
      const weights = SHAPES.map((s) => tf.variable(tf.ones(s), true));
      const ema = emaInit(weights);
      let state = adamInit(weights);
      const counts: number[] = [];
      for (let t = 0; t < 3; t++) {
        const grads = SHAPES.map((s) => tf.fill(s, 0.5));
        const clipped = clipByGlobalNorm(grads, globalNorm(grads), 1);
        tf.dispose(grads);
        state = adamStep(weights, clipped, state, { lr: 1e-3 });
        tf.dispose(clipped);
        emaUpdate(ema, weights, 0.99);
        counts.push(tf.memory().numTensors);
      }
      expect(counts[2]).toBe(counts[0]);
      expect(counts[1]).toBe(counts[0]);
      disposeAdam(state);
      tf.dispose([...weights, ...ema]);
    });
  });
});

/** A 2-layer MLP denoiser on 2-D data (as fit.spec.ts's), weights from `seed`. */
let nets = 0;
function tinyNet(seed: number): TrainableNet {
  const rng = new Rng(seed);
  const id = `fused_${nets++}`;
  const w1 = tf.variable(tf.mul(rng.normal([3, 16]), 0.5), true, `w1_${id}`);
  const b1 = tf.variable(tf.zeros([16]), true, `b1_${id}`);
  const w2 = tf.variable(tf.mul(rng.normal([16, 2]), 0.25), true, `w2_${id}`);
  return {
    weights: [w1, b1, w2],
    apply: (x, cond) => tf.tidy(() => tf.matMul(tf.tanh(tf.add(tf.matMul(tf.concat([x, tf.reshape(cond, [-1, 1])], 1), w1), b1)), w2)),
  };
}

describe.skipIf(!gate.available)('fit on wasm with and without the native kernels', () => {
  it('20 steps (clipping active, EMA): the same loss curve to 1e-5 relative', async () => {
    const opts: FitOptions = { steps: 20, batchSize: 32, lr: 1e-2, warmup: 5, gradClip: 0.5, ema: { kind: 'decay', beta: 0.9 }, seed: 7 };
    const curve = async (backend: 'wasm-native' | 'wasm') => {
      await initBackend(backend, quiet);
      expect(fusedOptimizerAvailable()).toBe(backend === 'wasm-native');
      const net = tinyNet(5);
      const state = initState(net);
      const losses: number[] = [];
      const norms: number[] = [];
      await fit(net, denoise, ring, state, opts, { onStep: (r) => (losses.push(r.loss), norms.push(r.gradNorm)) });
      const ema = state.ema.map((e) => Array.from(e.dataSync()));
      disposeAdam(state.adam);
      tf.dispose([...state.weights, ...state.ema]);
      return { losses, norms, ema };
    };
    const native = await curve('wasm-native');
    const plain = await curve('wasm');
    await initBackend('wasm-native', quiet);
    expect(native.norms.some((n) => n > opts.gradClip)).toBe(true); // the clip path runs
    expectClose(native.losses, plain.losses, { rtol: 1e-5, atol: 0 });
    expectClose(native.ema.flat(), plain.ema.flat(), { rtol: 1e-5, atol: 1e-6 });
  });
});
