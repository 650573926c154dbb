// Tiny training problems shared by this lib's specs (not exported from the barrel).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import type { BatchSource, Perturber } from './types.js';

/** Denoising at a fixed noise level: input y + 0.5ε, target y, cond 0.5. */
export const denoise: Perturber = {
  perturb: (x0, rng) =>
    tf.tidy(() => {
      const B = x0.shape[0];
      return { input: tf.add(x0, tf.mul(rng.normal(x0.shape), 0.5)), cond: tf.fill([B], 0.5) as tf.Tensor1D, target: tf.clone(x0), weight: tf.ones([B]) as tf.Tensor1D };
    }),
};

/** 32 points on the unit circle per step, a deterministic function of the step. */
export const ring: BatchSource = {
  batch: (step) => {
    const u = new Rng(1234).child(step).uniformArray(32);
    const xy = new Float32Array(64);
    u.forEach((v, i) => ((xy[2 * i] = Math.cos(2 * Math.PI * v)), (xy[2 * i + 1] = Math.sin(2 * Math.PI * v))));
    return tf.tensor2d(xy, [32, 2]);
  },
};
