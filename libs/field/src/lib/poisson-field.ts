import * as tf from '@tensorflow/tfjs-core';
import { checkD } from './kernel.js';
import { kernelMean, type ChunkOptions } from './kernel-mean.js';
import type { ReferenceBatch } from './reference-batch.js';

/** The empirical Poisson field at points (x, r) of R^{N+D}, normalized by its total weight (PFGM §1.3, PFGM++ §4.1). */
export interface PoissonField {
  /** x-part Σ_j c_ij·(y_j − x_i), [B, N] (toward the data). */
  Ex: tf.Tensor2D;
  /** Radial part of the D extra dimensions, −r_i·Σ_j c_ij = −r_i, [B]. */
  Er: tf.Tensor1D;
}

/**
 * Empirical Poisson field of unit charges at (y_j, 0) in N+D dimensions, evaluated at (x_i, r_i):
 * E ∝ Σ_j (ỹ_j − x̃_i)/‖x̃_i − ỹ_j‖^{N+D}, returned as the convex combination with c_ij = w_ij/Σ_k w_ik
 * (the official PFGM normalization, Xu et al. 2022 §3 / App. B.1), weights by a stable softmax.
 * x: [B, N], r: [B] (the norm of the D extra coordinates; PFGM: z), D ≥ 1 finite.
 */
export function poissonField(x: tf.Tensor2D, r: tf.Tensor1D, ref: ReferenceBatch, D: number, opts: ChunkOptions = {}): PoissonField {
  checkD(D);
  if (D === Infinity) throw new Error('poissonField: D must be finite (for D = Infinity use gaussianPosteriorMean)');
  return tf.tidy(() => {
    const mean = kernelMean(x, r, ref, { kind: 'poisson', D }, opts); // [B, N]
    return { Ex: tf.sub(mean, x) as tf.Tensor2D, Er: tf.neg(r) as tf.Tensor1D };
  });
}
