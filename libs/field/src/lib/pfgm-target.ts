import * as tf from '@tensorflow/tfjs-core';
import { blockSizes, type ChunkOptions } from './kernel-mean.js';
import { poissonField } from './poisson-field.js';
import { prunedPoissonMean, type PrunePlan } from './pruned-poisson-mean.js';
import type { ReferenceBatch } from './reference-batch.js';

export type { PrunePlan } from './pruned-poisson-mean.js';

/**
 * How Σ_j c_ij·y_j is summed. `pruned`: weights below 2^−40 of the row's largest are skipped (equal to `dense` to
 * float32 rounding; rows with many survivors still use all B_L). `dense`: over all B_L (the official computation).
 */
export type PfgmSum = 'pruned' | 'dense';

/** Options of the PFGM training target. */
export interface PfgmTargetOptions extends ChunkOptions {
  /** γ: keeps the target finite where ‖E‖ → 0 near the data. PFGM default 5 (`training.gamma`). */
  gamma?: number;
  /**
   * Weighted-sum strategy. Default `pruned`, or `dense` while a gradient tape records (tf.grad of an oracle: the pruned
   * sum's row/column gathers need GatherV2's gradient, which the wasm backend lacks). `dense` is also used whenever
   * `refChunk` splits the reference batch.
   */
  sum?: PfgmSum;
}

/** The PFGM target and, for the pruned sum, the plan of each row block (empty for `dense`). */
export interface PfgmTargetResult {
  /** v = √N·E/(‖E‖ + γ), [B, N+1]. */
  target: tf.Tensor2D;
  /** One plan per row block (see {@link PrunePlan}); empty when summed densely. */
  plans: PrunePlan[];
}

/**
 * PFGM normalized-field target v = √N·E/(‖E‖ + γ) (Xu et al. 2022, Eq. 7 / official `losses.py`; spec §1.3).
 * perturbed: [B, N+1] rows (x̃, z̃); ref: the large batch B_L of clean data, which (as in the official code)
 * should contain the small batch's own clean points. N is the data dimension (not N+1). Returns [B, N+1].
 */
export function pfgmTarget(perturbed: tf.Tensor2D, ref: ReferenceBatch, opts: PfgmTargetOptions = {}): tf.Tensor2D {
  return pfgmTargetWithPlan(perturbed, ref, opts).target;
}

/** {@link pfgmTarget}, also returning how the pruned sum was split (fraction of weights kept, cost vs dense). */
export function pfgmTargetWithPlan(perturbed: tf.Tensor2D, ref: ReferenceBatch, opts: PfgmTargetOptions = {}): PfgmTargetResult {
  const gamma = opts.gamma ?? 5;
  const [B, N1] = perturbed.shape;
  const N = N1 - 1;
  if (N !== ref.dim) {
    throw new Error(`pfgmTarget: perturbed rows must be (x̃, z̃) of length N+1 = ${ref.dim + 1}, got ${N1}; append z̃ as the last column`);
  }
  if (!(gamma >= 0)) throw new Error(`pfgmTarget: gamma must be ≥ 0 (PFGM default 5), got ${gamma}`);
  const sum = opts.sum ?? (tf.engine().isTapeOn() ? 'dense' : 'pruned');
  if (sum !== 'pruned' && sum !== 'dense') throw new Error(`pfgmTarget: sum must be 'pruned' or 'dense', got ${String(sum)}`);
  const { rowChunk, refChunk } = blockSizes(B, ref.size, opts);
  const plans: PrunePlan[] = [];
  const target = tf.tidy(() => {
    const x = tf.slice(perturbed, [0, 0], [B, N]) as tf.Tensor2D; // [B, N]
    const z = tf.reshape(tf.slice(perturbed, [0, N], [B, 1]), [B]) as tf.Tensor1D; // [B]
    let Ex: tf.Tensor2D; // Σ_j c_ij·(y_j − x_i), [B, N]
    if (sum === 'dense' || refChunk < ref.size || B === 0) {
      Ex = poissonField(x, z, ref, 1, opts).Ex;
    } else {
      const means: tf.Tensor2D[] = [];
      for (let r0 = 0; r0 < B; r0 += rowChunk) {
        const rows = Math.min(rowChunk, B - r0);
        const block = prunedPoissonMean(tf.slice(x, [r0, 0], [rows, N]), tf.slice(z, [r0], [rows]), ref, 1);
        means.push(block.mean);
        plans.push(block.plan);
      }
      Ex = tf.sub(means.length === 1 ? means[0] : tf.concat(means, 0), x);
    }
    return normalizedTarget(Ex, z, N, gamma);
  });
  return { target, plans };
}

/** v = √N·(E_x, −z)/(‖E‖ + γ) with ‖E‖² = ‖E_x‖² + z² (the field's z-component is −z̃·Σ_j c_ij = −z̃). */
function normalizedTarget(Ex: tf.Tensor2D, z: tf.Tensor1D, N: number, gamma: number): tf.Tensor2D {
  return tf.tidy(() => {
    const z2 = tf.reshape(z, [-1, 1]); // [B, 1]
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(Ex), 1, true), tf.square(z2))); // [B, 1]
    const scale = tf.div(Math.sqrt(N), tf.add(norm, gamma)); // [B, 1]
    return tf.concat([tf.mul(Ex, scale), tf.mul(tf.neg(z2), scale)], 1) as tf.Tensor2D; // [B, N+1]
  });
}
