import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from './param-store.js';
import type { EmbeddingConfig } from './types.js';

/** Maps labels cond [B] to features [B, dim]. */
export type Embed = (cond: tf.Tensor1D) => tf.Tensor2D;

/**
 * DDPM sinusoidal embedding of the raw label (Ho et al. 2020; score_sde `layers.get_timestep_embedding`):
 * [sin(c·f_k), cos(c·f_k)] with f_k = maxPositions^(−k/(dim/2 − 1)), k = 0 … dim/2 − 1. Odd dim: zero pad.
 */
export function positionalEmbedding(cond: tf.Tensor1D, dim: number, maxPositions: number): tf.Tensor2D {
  return tf.tidy(() => {
    const half = Math.floor(dim / 2);
    const step = Math.log(maxPositions) / (half - 1);
    const freqs = tf.tensor1d(Float32Array.from({ length: half }, (_, k) => Math.exp(-step * k))); // [half]
    const args = tf.mul(tf.reshape(cond, [-1, 1]), tf.reshape(freqs, [1, half])); // [B, half]
    const emb = tf.concat([tf.sin(args), tf.cos(args)], 1); // [B, 2·half]
    return (dim % 2 === 1 ? tf.pad(emb, [[0, 0], [0, 1]]) : emb) as tf.Tensor2D;
  });
}

/**
 * Gaussian Fourier features (Tancik et al. 2020; score_sde `GaussianFourierProjection`):
 * [sin(2π·c·W), cos(2π·c·W)] with fixed W ~ N(0, scale²) of size dim/2. The caller chooses c (PFGM: ln z).
 */
export function fourierEmbedding(cond: tf.Tensor1D, W: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const args = tf.mul(tf.reshape(cond, [-1, 1]), tf.reshape(tf.mul(W, 2 * Math.PI), [1, -1])); // [B, dim/2]
    return tf.concat([tf.sin(args), tf.cos(args)], 1) as tf.Tensor2D; // [B, dim]
  });
}

/** Declares the embedding's weights (Fourier: fixed W, not trained) and returns it; output width `dim`. */
export function declareEmbedding(store: ParamStore, config: EmbeddingConfig, dim: number): Embed {
  switch (config.kind) {
    case 'positional':
      return (cond) => positionalEmbedding(cond, dim, config.maxPositions);
    case 'fourier': {
      if (dim % 2 !== 0) throw new Error(`Fourier embedding needs an even width, got ${dim}`);
      const W = store.add('fourier.W', [dim / 2], { kind: 'normal', std: config.scale }, false);
      return (cond) => fourierEmbedding(cond, W.value);
    }
  }
}
