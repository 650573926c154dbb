import * as tf from '@tensorflow/tfjs-core';
import { EMA_KERNEL, fusedOptimizerAvailable, type EmaKernelAttrs } from '@pfgm/tensor';

/**
 * Exponential moving average of weights: θ_ema ← β·θ_ema + (1−β)·θ. PFGM/VP: β = 0.9999; EDM: from a half-life.
 * With the fused kernel on the active backend (wasm + @pfgm/native) all tensors update in one launch, bit-identical.
 */
export function emaUpdate(ema: readonly tf.Variable[], weights: readonly tf.Variable[], beta: number): void {
  const fused = ema.length > 0 && fusedOptimizerAvailable() && [...ema, ...weights].every((x) => x.dtype === 'float32');
  if (fused) return emaFused(ema, weights, beta);
  ema.forEach((e, i) => {
    tf.tidy(() => e.assign(tf.add(tf.mul(e, beta), tf.mul(weights[i], 1 - beta))));
  });
}

/** The same update as one launch: inputs [ema₀, w₀, ema₁, w₁, …]. */
function emaFused(ema: readonly tf.Variable[], weights: readonly tf.Variable[], beta: number): void {
  const attrs: EmaKernelAttrs = { beta };
  const inputs = ema.flatMap((e, i) => [e, weights[i]]);
  const outs = tf.engine().runKernel(EMA_KERNEL, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  ema.forEach((e, i) => e.assign(outs[i]));
  tf.dispose(outs); // the variables hold their own references
}

/** EMA copies of the weights (non-trainable variables). */
export function emaInit(weights: readonly tf.Variable[]): tf.Variable[] {
  return weights.map((w) => tf.tidy(() => tf.variable(w.clone(), false, `${w.name}/ema`)));
}
