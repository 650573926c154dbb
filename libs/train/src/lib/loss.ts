import * as tf from '@tensorflow/tfjs-core';

/**
 * The one training loss of pfgm-bench (k-diffusion `Denoiser.loss`: preconditioning lives in the target):
 * L = mean_i w_i · Σ_dims (F_i − target_i)². Methods fold their reduction into w (PFGM 0.5·sum; EDM λ(σ)·c_out²; VP 1/N).
 */
export function weightedMse(pred: tf.Tensor, target: tf.Tensor, weight: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const B = pred.shape[0];
    const se = tf.sum(tf.reshape(tf.squaredDifference(pred, target), [B, -1]), 1); // [B]
    return tf.mean(tf.mul(se, weight)) as tf.Scalar;
  });
}
