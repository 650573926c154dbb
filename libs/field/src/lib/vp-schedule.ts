import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';

/** The VP-SDE noise schedule β(t) = β_min + t(β_max − β_min), t ∈ [0, 1] (Song et al. 2021, App. B; spec §6). */
export interface VpSchedule {
  /** β_min. Score-SDE default 0.1. */
  betaMin: number;
  /** β_max. Score-SDE default 20. */
  betaMax: number;
}

/** β(t). */
export function vpBeta(s: VpSchedule, t: number): number {
  return s.betaMin + t * (s.betaMax - s.betaMin);
}

/** log α(t) = −¼t²(β_max − β_min) − ½t·β_min, the log of the mean coefficient (score_sde `marginal_prob`). */
export function vpLogAlpha(s: VpSchedule, t: number): number {
  return -0.25 * t * t * (s.betaMax - s.betaMin) - 0.5 * t * s.betaMin;
}

/** std(t) = √(1 − α(t)²), computed as √(−expm1(2 log α)) to keep precision at small t. */
export function vpStd(s: VpSchedule, t: number): number {
  return Math.sqrt(-Math.expm1(2 * vpLogAlpha(s, t)));
}

/** A VP-perturbed batch x_t = α(t)·y + std(t)·ε. */
export interface VpPerturbed {
  /** x_t, [B, N]. */
  x: tf.Tensor2D;
  /** ε ~ N(0, I), [B, N] (the ε-prediction target). */
  eps: tf.Tensor2D;
  /** t per row, float64. */
  t: Float64Array;
}

/** VP perturbation for denoising score matching: t ~ U[ε_t, 1], x_t = α(t)·y + std(t)·ε (score_sde `get_sde_loss_fn`). */
export function vpPerturb(y: tf.Tensor2D, rng: Rng, s: VpSchedule, epsT = 1e-5): VpPerturbed {
  const [B, N] = y.shape;
  const t = new Float64Array(B);
  const alpha = new Float32Array(B);
  const std = new Float32Array(B);
  const eps = new Float32Array(B * N);
  for (let i = 0; i < B; i++) {
    const r = rng.forSample(i);
    t[i] = epsT + (1 - epsT) * r.next();
    alpha[i] = Math.exp(vpLogAlpha(s, t[i]));
    std[i] = vpStd(s, t[i]);
    eps.set(r.child(1).normalArray(N), i * N);
  }
  const e = tf.tensor2d(eps, [B, N]);
  const x = tf.tidy(() => tf.add(tf.mul(y, tf.tensor2d(alpha, [B, 1])), tf.mul(e, tf.tensor2d(std, [B, 1]))) as tf.Tensor2D);
  return { x, eps: e, t };
}
