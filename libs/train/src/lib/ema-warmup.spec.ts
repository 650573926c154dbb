import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '@pfgm/tensor';
import { initState, trainStep, type FitOptions } from './fit.js';
import { scoreSdeEmaDecay } from './schedule.js';
import { denoise, ring } from './testing-problems.js';
import type { TrainableNet } from './types.js';

// score_sde `models/ema.py`: num_updates += 1; decay = min(decay, (1 + num_updates)/(10 + num_updates)).

function tinyNet(): TrainableNet {
  const rng = new Rng(11);
  const w = tf.variable(tf.mul(rng.normal([3, 2]), 0.5), true, `w_ema_${Math.random()}`);
  return { weights: [w], apply: (x, cond) => tf.tidy(() => tf.matMul(tf.concat([x, tf.reshape(cond, [-1, 1])], 1), w)) };
}

describe('EMA warm-up (score_sde num_updates)', () => {
  it('decay at updates 1, 2, 10, 10⁴ for β = 0.9999: 2/11, 3/12, 11/20, then β', () => {
    expect(scoreSdeEmaDecay(0.9999, 1)).toBeCloseTo(2 / 11, 15);
    expect(scoreSdeEmaDecay(0.9999, 2)).toBeCloseTo(3 / 12, 15);
    expect(scoreSdeEmaDecay(0.9999, 10)).toBeCloseTo(11 / 20, 15);
    expect(scoreSdeEmaDecay(0.9999, 1e6)).toBe(0.9999);
  });

  it.each([true, false])('warmup %s: after one step the EMA is β₁·w₀ + (1 − β₁)·w₁ with β₁ = 2/11 (on) or β (off)', async (warmup) => {
    const net = tinyNet();
    const w0 = Array.from(net.weights[0].dataSync());
    const state = initState(net);
    const opts: FitOptions = { steps: 1, batchSize: 16, lr: 1e-2, warmup: 0, gradClip: 1, ema: { kind: 'decay', beta: 0.9999, warmup }, seed: 3 };
    await trainStep(net, denoise, ring, state, opts);
    const w1 = Array.from(net.weights[0].dataSync());
    const ema = Array.from(state.ema[0].dataSync());
    const b = warmup ? 2 / 11 : 0.9999;
    ema.forEach((e, i) => expect(e).toBeCloseTo(b * w0[i] + (1 - b) * w1[i], 6));
    expect(Math.max(...w1.map((v, i) => Math.abs(v - w0[i])))).toBeGreaterThan(1e-4); // the step moved the weights
    tf.dispose([...state.weights, ...state.ema]);
  });
});
