import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { adamInit, adamStep, disposeAdam } from './adam.js';
import { fit, initState, NonFiniteError, trainStep, type FitOptions, type TrainState } from './fit.js';
import { denoise, ring } from './testing-problems.js';
import type { BatchSource, TrainableNet } from './types.js';

// A 2-layer MLP denoiser on 2-D data: small enough for the cpu backend, nonlinear enough to be a real test.
let nets = 0;
function tinyNet(seed: number): TrainableNet {
  const rng = new Rng(seed);
  const id = `${seed}_${nets++}`;
  const w1 = tf.variable(tf.mul(rng.normal([3, 16]), 0.5), true, `w1_${id}`);
  const b1 = tf.variable(tf.zeros([16]), true, `b1_${id}`);
  const w2 = tf.variable(tf.mul(rng.normal([16, 2]), 0.25), true, `w2_${id}`);
  return {
    weights: [w1, b1, w2],
    apply: (x, cond) => tf.tidy(() => tf.matMul(tf.tanh(tf.add(tf.matMul(tf.concat([x, tf.reshape(cond, [-1, 1])], 1), w1), b1)), w2)),
  };
}

const opts: FitOptions = { steps: 20, batchSize: 32, lr: 1e-2, warmup: 5, gradClip: 1, ema: { kind: 'decay', beta: 0.9 }, seed: 7 };

function snapshot(s: TrainState) {
  return { step: s.step, w: s.weights.map((w) => Array.from(w.dataSync())), ema: s.ema.map((w) => Array.from(w.dataSync())), m: s.adam.m.map((t) => Array.from(t.dataSync())) };
}

function disposeState(s: TrainState) {
  tf.dispose([...s.weights, ...s.ema]);
  disposeAdam(s.adam);
}

describe('fit', () => {
  it('Adam matches the closed form of its first step: θ − lr·sign(g)', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const s = adamStep([w], [tf.tensor1d([0.5, -0.1, 0])], adamInit([w]), { lr: 0.1 });
    // m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε) = lr·sign(g) (0 where g = 0).
    expect(Array.from(w.dataSync()).map((v) => +v.toFixed(5))).toEqual([0.9, -1.9, 3]);
    disposeAdam(s);
    w.dispose();
  });

  it('lowers the loss on a 2-D denoising problem', async () => {
    const net = tinyNet(1);
    const state = initState(net);
    const losses: number[] = [];
    await fit(net, denoise, ring, state, { ...opts, steps: 60 }, { onStep: (r) => losses.push(r.loss) });
    const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const last = losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(last).toBeLessThan(0.7 * first);
    disposeState(state);
  });

  it('resumes bit-exactly: 20 steps straight equal 10 + restore + 10', async () => {
    // Straight run.
    const netA = tinyNet(3);
    const sA = initState(netA);
    await fit(netA, denoise, ring, sA, opts);
    // Interrupted run: 10 steps, copy the state (as a checkpoint would), continue in a fresh network.
    const netB = tinyNet(3);
    const sB = initState(netB);
    await fit(netB, denoise, ring, sB, { ...opts, steps: 10 });
    const netC = tinyNet(4);
    const sC = initState(netC);
    sC.step = sB.step;
    sC.weights.forEach((w, i) => w.assign(sB.weights[i]));
    sC.ema.forEach((w, i) => w.assign(sB.ema[i]));
    disposeAdam(sC.adam);
    sC.adam = { t: sB.adam.t, m: sB.adam.m.map((t) => t.clone()), v: sB.adam.v.map((t) => t.clone()) };
    await fit(netC, denoise, ring, sC, opts);
    expect(snapshot(sC)).toEqual(snapshot(sA));
    [sA, sB, sC].forEach(disposeState);
  });

  it('stops on a non-finite loss, naming the step, without touching the weights', () => {
    const net = tinyNet(5);
    const state = initState(net);
    const before = snapshot(state);
    const bad: BatchSource = { batch: () => tf.fill([4, 2], NaN) };
    expect(() => trainStep(net, denoise, bad, state, opts)).toThrowError(NonFiniteError);
    expect(() => trainStep(net, denoise, bad, state, opts)).toThrowError(/non-finite loss at step 0/);
    expect(snapshot(state)).toEqual(before);
    disposeState(state);
  });

  it('leaks no tensor in a training step', async () => {
    const net = tinyNet(6);
    const state = initState(net);
    trainStep(net, denoise, ring, state, opts); // warm up lazily created tensors
    await expectNoLeak(() => void trainStep(net, denoise, ring, state, opts));
    disposeState(state);
  });
});
