import * as tf from '@tensorflow/tfjs-core';

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
 */
export function adamStep(weights: readonly tf.Variable[], grads: readonly tf.Tensor[], state: AdamState, opts: AdamOptions): AdamState {
  const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = opts;
  const t = state.t + 1;
  const stepSize = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
  const m: tf.Tensor[] = [];
  const v: tf.Tensor[] = [];
  weights.forEach((w, i) => {
    const [mi, vi] = tf.tidy(() => {
      const g = grads[i];
      const mNew = tf.add(tf.mul(state.m[i], beta1), tf.mul(g, 1 - beta1));
      const vNew = tf.add(tf.mul(state.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
      w.assign(tf.sub(w, tf.mul(stepSize, tf.div(mNew, tf.add(tf.sqrt(vNew), eps * Math.sqrt(1 - beta2 ** t))))));
      return [mNew, vNew];
    });
    m.push(mi);
    v.push(vi);
  });
  disposeAdam(state);
  return { t, m, v };
}

/** Frees the moment tensors. */
export function disposeAdam(state: AdamState): void {
  tf.dispose([...state.m, ...state.v]);
}
