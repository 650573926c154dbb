import * as tf from '@tensorflow/tfjs-core';
import { fusedOptimizerAvailable, SCALE_KERNEL, SUM_SQUARES_KERNEL, type ScaleKernelAttrs } from '@pfgm/tensor';

const float32 = (ts: readonly tf.Tensor[]) => ts.every((x) => x.dtype === 'float32');

/**
 * Global L2 norm of a list of gradients, read back as a float64 number (one sync per step). With the fused kernel on
 * the active backend (wasm + @pfgm/native) the sum of squares is accumulated in float64 (else in float32).
 */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  if (grads.length > 0 && fusedOptimizerAvailable() && float32(grads)) return globalNormFused(grads);
  const sq = tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
  const n = Math.sqrt(sq.dataSync()[0]);
  sq.dispose();
  return n;
}

/** √(Σ g²) from the kernel's float64 sum, returned as float32 hi + lo. */
function globalNormFused(grads: readonly tf.Tensor[]): number {
  const sq = tf.engine().runKernel(SUM_SQUARES_KERNEL, grads as unknown as tf.NamedTensorMap, {}) as tf.Tensor;
  const [hi, lo] = sq.dataSync();
  sq.dispose();
  return Math.sqrt(hi + lo);
}

/** Gradient-norm clipping (score_sde `grad_clip` = 1): scales all grads by min(1, maxNorm/‖g‖). Returns new tensors. */
export function clipByGlobalNorm(grads: readonly tf.Tensor[], norm: number, maxNorm: number): tf.Tensor[] {
  const scale = maxNorm > 0 && norm > maxNorm ? maxNorm / norm : 1;
  if (grads.length > 0 && fusedOptimizerAvailable() && float32(grads)) {
    const attrs: ScaleKernelAttrs = { scale }; // one launch; scale 1 shares the data, as tf.clone does
    return tf.engine().runKernel(SCALE_KERNEL, grads as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  }
  return grads.map((g) => (scale === 1 ? tf.clone(g) : tf.mul(g, scale)));
}
