import * as tf from '@tensorflow/tfjs-core';

/** Exponential moving average of weights: θ_ema ← β·θ_ema + (1−β)·θ. PFGM/VP: β = 0.9999; EDM: from a half-life. */
export function emaUpdate(ema: readonly tf.Variable[], weights: readonly tf.Variable[], beta: number): void {
  ema.forEach((e, i) => {
    tf.tidy(() => e.assign(tf.add(tf.mul(e, beta), tf.mul(weights[i], 1 - beta))));
  });
}

/** EMA copies of the weights (non-trainable variables). */
export function emaInit(weights: readonly tf.Variable[]): tf.Variable[] {
  return weights.map((w) => tf.tidy(() => tf.variable(w.clone(), false, `${w.name}/ema`)));
}
