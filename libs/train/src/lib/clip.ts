import * as tf from '@tensorflow/tfjs-core';

/** Global L2 norm of a list of gradients, read back as a float64 number (one sync per step). */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  const sq = tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
  const n = Math.sqrt(sq.dataSync()[0]);
  sq.dispose();
  return n;
}

/** Gradient-norm clipping (score_sde `grad_clip` = 1): scales all grads by min(1, maxNorm/‖g‖). Returns new tensors. */
export function clipByGlobalNorm(grads: readonly tf.Tensor[], norm: number, maxNorm: number): tf.Tensor[] {
  const scale = maxNorm > 0 && norm > maxNorm ? maxNorm / norm : 1;
  return grads.map((g) => (scale === 1 ? tf.clone(g) : tf.mul(g, scale)));
}
