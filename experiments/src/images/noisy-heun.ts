import * as tf from '@tensorflow/tfjs-core';
import type { Method, Predictor } from '@pfgm/methods';
import type { SolverSpec } from '@pfgm/ode';
import type { Rng } from '@pfgm/tensor';

/**
 * EDM/PFGM++ Heun with noise injection (PFGM++ `generate_alpha.py:126` and its Heun loop `:118-156`, pfgm-spec §4.8): before step i, x ← x + α·σ_i·ε with
 * ε ~ N(0, I); then the deterministic Heun step on the σ grid (last step Euler when σ_n = 0). NFE = 2n − 1.
 * (Lives in experiments until a sampler option exists in @pfgm/methods.)
 */
export async function noisyHeunSample(m: Method, p: Predictor, solver: SolverSpec, n: number, shape: number[], rng: Rng, alpha: number): Promise<{ x: tf.Tensor; nfe: number }> {
  if (solver.kind !== 'heun') throw new Error(`noise injection runs the Heun sampler; got ${solver.kind}`);
  if (m.config.kind !== 'pfgmpp') throw new Error(`noise injection is defined for PFGM++/EDM (σ grid); got ${m.config.kind}`);
  const grid = m.timeGrid(solver.steps, 'heun'); // σ_0 > … > σ_{n−1} > σ_n = 0
  const f = m.velocity(p, 'heun');
  let x = m.prior(n, shape, rng);
  let nfe = 0;
  for (let i = 0; i + 1 < grid.length; i++) {
    const [s0, s1] = [grid[i], grid[i + 1]];
    const eps = alpha > 0 ? rng.normal([n, ...shape]) : null;
    const next = tf.tidy(() => {
      const xi = eps ? tf.add(x, tf.mul(eps, alpha * s0)) : x;
      const d = f(xi, s0);
      const xe = tf.add(xi, tf.mul(d, s1 - s0));
      if (s1 === 0) return xe;
      const d2 = f(xe, s1);
      return tf.add(xi, tf.mul(tf.add(d, d2), (s1 - s0) / 2));
    });
    nfe += s1 === 0 ? 1 : 2;
    eps?.dispose();
    x.dispose();
    x = next;
  }
  return { x, nfe };
}
