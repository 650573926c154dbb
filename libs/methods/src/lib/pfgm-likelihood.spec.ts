import * as tf from '@tensorflow/tfjs-core';
import '@pfgm/tensor';
import { describe, expect, it } from 'vitest';
import { pfgmConfig } from './configs.js';
import { logLikelihood } from './likelihood.js';
import { logGamma } from './log-gamma.js';
import { makeMethod } from './make-method.js';
import { encode } from './sample.js';

// PFGM likelihood against truth. The exact field of charges {y_k} with weights w_k (total 1) is divergence-free off the
// data, so the flow along its field lines carries the data onto each hyperplane z with density ∝ its flux −E_z:
// p_z(x) = Σ_k w_k·2z/(S_N·(‖x − y_k‖² + z²)^{(N+1)/2}), S_N = 2π^{(N+1)/2}/Γ((N+1)/2) the unit N-sphere area in R^{N+1}
// (PFGM Thm. 1; the PFGM++ kernel with D = 1). The oracle's likelihood ODE from z_min to z_max plus the prior density
// at z_max must therefore give log p_{z_min}(x). Centred data (zero weighted mean) and z_max = 200 make the prior (one
// charge at 0) equal p_{z_max} to O(‖y‖²/z_max²) ≈ 1e-5.

/** A centred weighted toy set: point pairs ±p with equal multiplicities. */
function centred(N: 1 | 2) {
  const points = N === 1 ? [[0.5], [-0.5], [0.2], [-0.2]] : [[0.5, 0.3], [-0.5, -0.3], [0.4, -0.6], [-0.4, 0.6]];
  const counts = [1, 1, 2, 2];
  const rows = points.flatMap((p, k) => Array.from({ length: counts[k] }, () => p));
  const xs = N === 1 ? [[0.52], [0], [1.3], [-0.25]] : [[0.52, 0.33], [0, 0], [1.5, -1], [-0.3, 0.7]];
  return { points, weights: counts.map((c) => c / rows.length), rows, xs };
}

/** log p_z(x) of the Poisson-flow marginal of a weighted point set, float64. */
function marginalLogDensity(x: number[], points: number[][], weights: number[], z: number): number {
  const N = x.length;
  const logS = Math.log(2) + ((N + 1) / 2) * Math.log(Math.PI) - logGamma((N + 1) / 2);
  const terms = points.map((p, k) => {
    const d2 = p.reduce((a, v, j) => a + (v - x[j]) ** 2, 0);
    return Math.log(weights[k]) + Math.log(2 * z) - logS - ((N + 1) / 2) * Math.log(d2 + z * z);
  });
  const m = Math.max(...terms);
  return m + Math.log(terms.reduce((a, t) => a + Math.exp(t - m), 0));
}

describe('PFGM log-likelihood with the oracle', () => {
  it.each([1, 2] as const)('N = %i: equals the exact Poisson-flow marginal log p_z(x) at z = z_min within 1e-3 (no z_exp substitution)', async (N) => {
    const d = centred(N);
    const zMin = 0.05;
    const m = makeMethod(pfgmConfig('cifar10', { zMin, zMax: 200, zExp: 0, likelihoodZExp: 0 }));
    const ref = tf.tensor2d(d.rows);
    const oracle = m.oracle(ref);
    const x = tf.tensor2d(d.xs);
    const res = await logLikelihood(m, oracle.predict, x);
    d.xs.forEach((p, i) => {
      const truth = marginalLogDensity(p, d.points, d.weights, zMin);
      expect(Math.abs(res.logp[i] - truth)).toBeLessThan(1e-3);
      expect(res.bpd[i]).toBeCloseTo(-res.logp[i] / (N * Math.LN2) + 7, 10);
    });
    tf.dispose([ref, x]);
    oracle.dispose();
  });

  it('N = 2 with the z_exp substitution (z_exp = 5): log p_prior(T(x)) + ∫∇·f dz equals log p_prior(T(x)) + log|det ∂T/∂x| of the encode map T (central differences)', async () => {
    // The substituted v_z depends on x through ‖v_x‖, so its terms enter ∇·f; this checks them (and the augmented ODE)
    // against the Jacobian of the flow map itself. T: x at z_min ↦ x at z_max (encode, RK45 at 1e-7, one batch so
    // that all rows share the step sequence).
    const d = centred(2);
    const m = makeMethod(pfgmConfig('cifar10', { zMin: 0.05, zMax: 40, zExp: 5 }));
    const ref = tf.tensor2d(d.rows);
    const oracle = m.oracle(ref);
    const x = tf.tensor2d(d.xs);
    const h = 1e-3;
    const stencil = d.xs.flatMap((p) => [p, [p[0] + h, p[1]], [p[0] - h, p[1]], [p[0], p[1] + h], [p[0], p[1] - h]]);
    const xs = tf.tensor2d(stencil);
    const res = await logLikelihood(m, oracle.predict, x, { solver: { kind: 'rk45', rtol: 1e-6, atol: 1e-6 } });
    const enc = await encode(m, oracle.predict, xs, { kind: 'rk45', rtol: 1e-7, atol: 1e-7 });
    const T = enc.x.arraySync() as number[][];
    const ends = tf.tensor2d(d.xs.map((_, i) => T[5 * i]));
    const prior = m.likelihood([2]).priorLogDensity(ends);
    d.xs.forEach((_, i) => {
      const b = 5 * i;
      const J = [0, 1].map((r) => [(T[b + 1][r] - T[b + 2][r]) / (2 * h), (T[b + 3][r] - T[b + 4][r]) / (2 * h)]);
      const logDet = Math.log(Math.abs(J[0][0] * J[1][1] - J[0][1] * J[1][0]));
      expect(Math.abs(res.logp[i] - (prior[i] + logDet))).toBeLessThan(2e-3);
    });
    tf.dispose([ref, x, xs, enc.x, ends]);
    oracle.dispose();
  });
});
