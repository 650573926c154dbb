import * as tf from '@tensorflow/tfjs-core';
import type { ChunkOptions } from './kernel-mean.js';
import { poissonField } from './poisson-field.js';
import type { ReferenceBatch } from './reference-batch.js';

/** Options of the PFGM training target. */
export interface PfgmTargetOptions extends ChunkOptions {
  /** γ: keeps the target finite where ‖E‖ → 0 near the data. PFGM default 5 (`training.gamma`). */
  gamma?: number;
}

/**
 * PFGM normalized-field target v = √N·E/(‖E‖ + γ) (Xu et al. 2022, Eq. 7 / official `losses.py`; spec §1.3).
 * perturbed: [B, N+1] rows (x̃, z̃); ref: the large batch B_L of clean data, which (as in the official code)
 * should contain the small batch's own clean points. N is the data dimension (not N+1). Returns [B, N+1].
 */
export function pfgmTarget(perturbed: tf.Tensor2D, ref: ReferenceBatch, opts: PfgmTargetOptions = {}): tf.Tensor2D {
  const gamma = opts.gamma ?? 5;
  const [B, N1] = perturbed.shape;
  const N = N1 - 1;
  if (N !== ref.dim) {
    throw new Error(`pfgmTarget: perturbed rows must be (x̃, z̃) of length N+1 = ${ref.dim + 1}, got ${N1}; append z̃ as the last column`);
  }
  if (!(gamma >= 0)) throw new Error(`pfgmTarget: gamma must be ≥ 0 (PFGM default 5), got ${gamma}`);
  return tf.tidy(() => {
    const x = tf.slice(perturbed, [0, 0], [B, N]) as tf.Tensor2D; // [B, N]
    const z = tf.reshape(tf.slice(perturbed, [0, N], [B, 1]), [B]) as tf.Tensor1D; // [B]
    const { Ex, Er } = poissonField(x, z, ref, 1, opts);
    const E = tf.concat([Ex, tf.reshape(Er, [B, 1])], 1); // [B, N+1]
    const norm = tf.norm(E, 'euclidean', 1, true); // [B, 1]
    return tf.mul(tf.div(E, tf.add(norm, gamma)), Math.sqrt(N)) as tf.Tensor2D; // [B, N+1]
  });
}
