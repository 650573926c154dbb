import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';

/** One perturbed batch in the raw network's coordinates (mirrors `@pfgm/methods`' TrainingPair). */
export interface TrainingPair {
  /** [B, ...in] network input. */
  input: tf.Tensor;
  /** [B] conditioning (c_noise(σ), z, or 999·t). */
  cond: tf.Tensor1D;
  /** [B, ...out] regression target. */
  target: tf.Tensor;
  /** [B] per-sample loss weight, including the method's reduction. */
  weight: tf.Tensor1D;
}

/** What training needs of a method: a perturbation that yields the raw-network regression problem. */
export interface Perturber {
  perturb(x0: tf.Tensor, rng: Rng, reference?: tf.Tensor): TrainingPair;
}

/** What training needs of a network (a structural subset of `@pfgm/networks`' Network). */
export interface TrainableNet {
  /** Every weight (the EMA tracks all of them). */
  readonly weights: tf.Variable[];
  /** The weights the optimizer updates; default `weights` (a U-Net's Fourier frequencies are fixed). */
  readonly trainableWeights?: tf.Variable[];
  apply(x: tf.Tensor, cond: tf.Tensor1D, training?: boolean): tf.Tensor;
}

/** Deterministic data: the clean batch for a given step (same step → same batch, so resume is exact). */
export interface BatchSource {
  /** [B, ...data] in the model's data coordinates, owned by the caller of `batch`. */
  batch(step: number): tf.Tensor;
  /** Optional reference batch for large-batch targets (PFGM B_L); must contain `batch(step)` as its first rows. */
  reference?(step: number): tf.Tensor;
}
