import * as tf from '@tensorflow/tfjs-core';
import { ADAM_KERNEL, fusedOptimizerAvailable, type AdamKernelAttrs } from '@pfgm/tensor';

/** Adam hyperparameters. Defaults are the papers' (PFGM / score_sde / EDM all use these β and ε). */
export interface AdamOptions {
  /** Step size after warm-up. PFGM / VP CIFAR-10: 2e-4; EDM / PFGM++ CIFAR-10: 1e-3. */
  lr: number;
  /** First-moment decay. Default 0.9. */
  beta1?: number;
  /** Second-moment decay. Default 0.999. */
  beta2?: number;
  /** Denominator fuzz. Default 1e-8. */
  eps?: number;
}

/** Adam moments, one pair per weight, plus the step count t (number of updates applied so far). */
export interface AdamState {
  t: number;
  m: tf.Tensor[];
  v: tf.Tensor[];
}

/** Zero moments shaped like the weights. */
export function adamInit(weights: readonly tf.Variable[]): AdamState {
  return { t: 0, m: weights.map((w) => tf.zerosLike(w)), v: weights.map((w) => tf.zerosLike(w)) };
}

/**
 * One Adam update (Kingma & Ba 2015, Alg. 1) with bias correction, in place on `weights`.
 * Returns the new state; the previous state's moment tensors are disposed (they are owned by the state).
 * With the fused kernel on the active backend (wasm + @pfgm/native) all weights update in one launch, bit-identical.
 */
export function adamStep(weights: readonly tf.Variable[], grads: readonly tf.Tensor[], state: AdamState, opts: AdamOptions): AdamState {
  const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = opts;
  const t = state.t + 1;
  // Alg. 1 with the bias corrections folded into the step size and ε (the paper's §2 "more efficient" order).
  const attrs: AdamKernelAttrs = { beta1, beta2, stepSize: (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t), epsHat: eps * Math.sqrt(1 - beta2 ** t) };
  const fused = fusedOptimizerAvailable() && [weights, grads, state.m, state.v].every((ts) => ts.every((x) => x.dtype === 'float32'));
  const { m, v } = fused ? adamFused(weights, grads, state, attrs) : adamComposite(weights, grads, state, attrs);
  disposeAdam(state);
  return { t, m, v };
}

/** The update as tfjs ops, weight by weight (≈ 10 kernels each). */
function adamComposite(weights: readonly tf.Variable[], grads: readonly tf.Tensor[], state: AdamState, a: AdamKernelAttrs): Omit<AdamState, 't'> {
  const { beta1, beta2, stepSize, epsHat } = a;
  const m: tf.Tensor[] = [];
  const v: tf.Tensor[] = [];
  weights.forEach((w, i) => {
    const [mi, vi] = tf.tidy(() => {
      const g = grads[i];
      const mNew = tf.add(tf.mul(state.m[i], beta1), tf.mul(g, 1 - beta1));
      const vNew = tf.add(tf.mul(state.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
      w.assign(tf.sub(w, tf.mul(stepSize, tf.div(mNew, tf.add(tf.sqrt(vNew), epsHat)))));
      return [mNew, vNew];
    });
    m.push(mi);
    v.push(vi);
  });
  return { m, v };
}

/** The same update in one launch of the fused kernel: outputs [w₀', m₀', v₀', w₁', …]. */
function adamFused(weights: readonly tf.Variable[], grads: readonly tf.Tensor[], state: AdamState, a: AdamKernelAttrs): Omit<AdamState, 't'> {
  if (weights.length === 0) return { m: [], v: [] };
  const inputs = weights.flatMap((w, i) => [w, grads[i], state.m[i], state.v[i]]);
  const outs = tf.engine().runKernel(ADAM_KERNEL, inputs as unknown as tf.NamedTensorMap, a as unknown as tf.NamedAttrMap) as tf.Tensor[];
  weights.forEach((w, i) => {
    w.assign(outs[3 * i]);
    outs[3 * i].dispose(); // the variable holds its own reference
  });
  return { m: weights.map((_, i) => outs[3 * i + 1]), v: weights.map((_, i) => outs[3 * i + 2]) };
}

/** Frees the moment tensors. */
export function disposeAdam(state: AdamState): void {
  tf.dispose([...state.m, ...state.v]);
}
