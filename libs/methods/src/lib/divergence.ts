import * as tf from '@tensorflow/tfjs-core';
import '@pfgm/tensor'; // registers tfjs' gradient functions (exact and Hutchinson divergences use tf.grad)
import type { Rng } from '@pfgm/tensor';
import type { VectorField } from '@pfgm/ode';

/** How to compute ∇·f: exactly (N backward passes; small N) or by Hutchinson–Skilling with fixed Rademacher probes. */
export type DivergenceSpec = { kind: 'exact' } | { kind: 'hutchinson'; probes: number; rng: Rng };

/** Exact divergence Σ_k ∂f_k/∂x_k per row of x [B, ...], by one reverse-mode pass per coordinate. Returns [B]. */
export function exactDivergence(f: VectorField, x: tf.Tensor, t: number): tf.Tensor1D {
  const [B] = x.shape;
  const N = x.size / B;
  return tf.tidy(() => {
    const cols: tf.Tensor[] = [];
    for (let k = 0; k < N; k++) {
      const g = tf.grad((xi: tf.Tensor) => tf.sum(tf.slice(tf.reshape(f(xi, t), [B, N]), [0, k], [B, 1])))(x);
      cols.push(tf.slice(tf.reshape(g, [B, N]), [0, k], [B, 1]));
    }
    return tf.reshape(tf.addN(cols), [B]) as tf.Tensor1D;
  });
}

/** Rademacher probes ε ∈ {±1}, [P, B, ...], drawn once per data batch (score_sde `likelihood.py`). */
export function rademacher(shape: readonly number[], probes: number, rng: Rng): tf.Tensor {
  const n = probes * shape.reduce((a, b) => a * b, 1);
  const v = Float32Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1));
  return tf.tensor(v, [probes, ...shape]);
}

/** Hutchinson–Skilling estimate mean_p ε_pᵀ(∂f/∂x)ε_p per row, with vector–Jacobian products. eps: [P, B, ...]. Returns [B]. */
export function hutchinsonDivergence(f: VectorField, x: tf.Tensor, t: number, eps: tf.Tensor): tf.Tensor1D {
  const P = eps.shape[0];
  const B = x.shape[0];
  return tf.tidy(() => {
    let acc: tf.Tensor = tf.zeros([B]);
    for (let p = 0; p < P; p++) {
      const e = tf.reshape(tf.slice(eps, [p], [1]), x.shape);
      const g = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(f(xi, t), e)))(x); // εᵀ ∂f/∂x
      acc = tf.add(acc, tf.sum(tf.reshape(tf.mul(g, e), [B, -1]), 1));
    }
    return tf.div(acc, P) as tf.Tensor1D;
  });
}
