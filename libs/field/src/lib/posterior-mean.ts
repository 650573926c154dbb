import * as tf from '@tensorflow/tfjs-core';
import { pfgmppKernel } from './kernel.js';
import { kernelMean, type ChunkOptions } from './kernel-mean.js';
import type { ReferenceBatch } from './reference-batch.js';

/**
 * PFGM++ posterior mean E[y | x, r] over a reference batch with r = σ√D: weights ∝ (|x − y_j|² + r²)^{−(N+D)/2}
 * (Xu et al. 2023, the `stf` target of §4.4 / `EDMLoss.pfgmpp_target`). D = Infinity gives the Gaussian kernel.
 * This is the exact optimal denoiser D(x, σ) for the empirical distribution of the reference.
 * x: [B, N], sigma: [B] (> 0). Returns [B, N].
 */
export function pfgmppPosteriorMean(x: tf.Tensor2D, sigma: tf.Tensor1D, ref: ReferenceBatch, D: number, opts: ChunkOptions = {}): tf.Tensor2D {
  const kernel = pfgmppKernel(D);
  return tf.tidy(() => {
    const scale = kernel.kind === 'gaussian' ? sigma : tf.mul(sigma, Math.sqrt(D)); // r = σ√D
    return kernelMean(x, scale as tf.Tensor1D, ref, kernel, opts);
  });
}

/** Gaussian posterior mean E[y | x], x = y + σ·ε (EDM's optimal denoiser for an empirical distribution; Karras et al. 2022 Eq. 3). */
export function gaussianPosteriorMean(x: tf.Tensor2D, sigma: tf.Tensor1D, ref: ReferenceBatch, opts: ChunkOptions = {}): tf.Tensor2D {
  return pfgmppPosteriorMean(x, sigma, ref, Infinity, opts);
}
