import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';
import { logUniformGrid, uniformGrid, type VectorField } from '@pfgm/ode';
import { pfgmPerturb, pfgmPrior, pfgmTarget, prepareReference } from '@pfgm/field';
import { logGamma } from './log-gamma.js';
import { dimOf, fillB, flat, rowSquaredNorms } from './shapes.js';
import type { LikelihoodSpec, Method, OwnedPredictor, PfgmConfig, PfgmTime, Predictor, RawNet, SolverKind, TrainingPair, VzShift } from './types.js';

// ----------------------------------------------------------------------------
// PFGM: Poisson Flow Generative Models, Xu et al. (NeurIPS 2022); official Poisson_flow code (spec §1–§3).
// ----------------------------------------------------------------------------

/** The PFGM method for a config (see {@link pfgmConfig} for the dataset defaults). */
export function pfgmMethod(config: PfgmConfig): Method {
  const c = config;
  if (!(c.zMax > c.zMin && c.zMin > 0)) throw new Error(`pfgm: need zMax > zMin > 0 (CIFAR-10: 40, 1e-3), got ${c.zMax}, ${c.zMin}`);
  checkVzShift(c.vzShift);
  timeVariable(c.time, 'rk45'); // rejects an unknown time variable
  if (c.rk45State !== undefined && c.rk45State !== 'xz' && c.rk45State !== 'x') {
    throw new Error(`pfgm: rk45State must be 'xz' (official: x with a z channel) or 'x'; got ${JSON.stringify(c.rk45State)}`);
  }
  const label = (z: number) => (c.condition === 'log-z' ? Math.log(Math.max(z, 1e-10)) : Math.max(z, 1e-10));
  return {
    config: c,
    networkIo: (dataShape) => ({ inShape: [...dataShape], outShape: [dimOf(dataShape) + 1] }),
    perturb: (x0, rng, reference) => perturb(c, x0, rng, reference),
    predictor: (net: RawNet): Predictor => (x, z) =>
      tf.tidy(() => {
        const cond = fillB(x.shape[0], label(z));
        return flat(net.apply(x, cond)); // [B, N+1]
      }),
    oracle: (data) => oracle(c, data),
    velocity: (p, solver) => backwardVelocity(c, p, timeVariable(c.time, solver)),
    prior: (n, dataShape, rng: Rng) =>
      tf.tidy(() => tf.reshape(pfgmPrior(n, dimOf(dataShape), rng, { zMax: c.zMax, upperNorm: c.upperNorm }), [n, ...dataShape])),
    timeGrid: (steps, solver) =>
      timeVariable(c.time, solver) === 'log-z' ? uniformGrid(Math.log(c.zMax), Math.log(c.zMin), steps) : logUniformGrid(c.zMax, c.zMin, steps),
    finalize: (_p, x) => tf.clone(x),
    likelihood: (dataShape) => likelihood(c, dimOf(dataShape)),
  };
}

/**
 * The variable a solver integrates PFGM's ODE in (spec §2.4): 'official' is RK45 in t = ln z
 * (`sampling.py::get_rk45_sampler_pfgm`) and Euler/Heun in z on a log-spaced grid (`sampling.py::ForwardEulerPredictor`,
 * `ImprovedEulerPredictor`: dt = e^{t_{i+1} − t_i} − 1 times the drift z·dx/dz, i.e. a step Δz in z).
 */
export function timeVariable(time: PfgmTime, solver: SolverKind): 'log-z' | 'z' {
  switch (time) {
    case 'official':
      return solver === 'rk45' ? 'log-z' : 'z';
    case 'log-z':
    case 'z':
      return time;
    default:
      throw new Error(`pfgm: time must be 'official', 'log-z' or 'z' (official: RK45 in ln z, Euler/Heun in z); got ${JSON.stringify(time)}`);
  }
}

/** Rejects a malformed {@link VzShift} (e.g. from a hand-written JSON config). */
function checkVzShift(v: VzShift | undefined): void {
  if (v === undefined || v.kind === 'official' || (v.kind === 'signed' && v.eps >= 0 && Number.isFinite(v.eps))) return;
  throw new Error(`pfgm: vzShift must be { kind: 'official' } (δ = +1e-5) or { kind: 'signed', eps: number ≥ 0 }, got ${JSON.stringify(v)}`);
}

/** forward_pz + the normalized-field target against the large batch (spec §1.2–1.5). */
function perturb(c: PfgmConfig, x0: tf.Tensor, rng: Rng, reference?: tf.Tensor): TrainingPair {
  const [B, ...dataShape] = x0.shape;
  const N = dimOf(dataShape);
  if (reference !== undefined && reference.shape[0] < B) {
    throw new Error(`pfgm perturb: the reference (large) batch has ${reference.shape[0]} rows, fewer than the ${B} perturbed; ` +
      'pass the large batch whose first rows are x0 (official: B_L = 4096 ⊇ B = 128), or omit it to use x0');
  }
  const y = flat(x0);
  const ref = prepareReference(reference ?? y, { lazyTranspose: true }); // the pruned target never needs yᵀ
  const { perturbed } = pfgmPerturb(y, rng, c);
  try {
    return tf.tidy(() => {
      const target = pfgmTarget(perturbed, ref, { gamma: c.gamma }); // [B, N+1]
      const input = tf.reshape(tf.slice(perturbed, [0, 0], [B, N]), x0.shape);
      const z = tf.maximum(tf.reshape(tf.slice(perturbed, [0, N], [B, 1]), [B]), 1e-10); // official clamp
      const cond = (c.condition === 'log-z' ? tf.log(z) : z) as tf.Tensor1D;
      const weight = fillB(B, c.reduce === 'sum' ? 0.5 : 1 / (N + 1)); // 0.5·sum or mean over N+1 coordinates
      return { input, cond, target, weight };
    });
  } finally {
    tf.dispose([y, perturbed]);
    ref.dispose();
  }
}

/** The exact PFGM predictor for a finite dataset: the normalized empirical field √N·E/(‖E‖+γ) of `data`. */
function oracle(c: PfgmConfig, data: tf.Tensor): OwnedPredictor {
  const ref = prepareReference(data);
  const predict: Predictor = (x, z) =>
    tf.tidy(() => {
      const B = x.shape[0];
      const p = tf.concat([flat(x), tf.fill([B, 1], z)], 1) as tf.Tensor2D; // [B, N+1]
      return pfgmTarget(p, ref, { gamma: c.gamma });
    });
  return { predict, dispose: () => ref.dispose() };
}

/**
 * dx/dz = v_x/(v_z + 1e-5) (official; or v_z + sign(v_z)·eps, {@link VzShift}) from the predicted field at z (`methods.py::Poisson.ode`), with the z_exp substitution
 * below z_exp (App. B.2.3): v_z := −√N·z/(‖E‖ + γ), ‖E‖ from n₁ = ‖v_x‖/√N. `normalize` renormalizes v first (likelihood).
 */
export function pfgmDxDz(c: PfgmConfig, p: Predictor, x: tf.Tensor, z: number, zExp: number, normalize = false): tf.Tensor {
  return tf.tidy(() => {
    const B = x.shape[0];
    const v = p(x, z); // [B, N+1]
    const N = v.size / B - 1;
    const vx = tf.slice(v, [0, 0], [B, N]); // [B, N]
    let vz = tf.slice(v, [0, N], [B, 1]); // [B, 1]
    if (z < zExp && c.gamma > 0) {
      const n1 = tf.div(safeNorm(vx), Math.sqrt(N)); // [B, 1]
      const Ex = tf.div(tf.mul(n1, c.gamma), tf.sub(1, n1)); // ‖E_x‖
      const E = tf.sqrt(tf.add(tf.square(Ex), z * z));
      vz = tf.div(-Math.sqrt(N) * z, tf.add(E, c.gamma));
    }
    let vxn = vx;
    if (normalize) {
      const norm = tf.add(safeNorm(tf.concat([vx, vz], 1)), 1e-7);
      vxn = tf.div(vx, norm);
      vz = tf.div(vz, norm);
    }
    return tf.reshape(tf.div(vxn, shiftVz(c, vz)), x.shape); // [B, ...data]
  });
}

/** The official regularizer of dx/dz's denominator (spec §2.2). */
export const VZ_EPS = 1e-5;

/** v_z + δ for the configured {@link VzShift} (official: v_z + 1e-5; signed: v_z + sign(v_z)·eps, sign(0) = −1). */
function shiftVz(c: PfgmConfig, vz: tf.Tensor): tf.Tensor {
  const shift = c.vzShift ?? { kind: 'official' };
  switch (shift.kind) {
    case 'official':
      return tf.add(vz, VZ_EPS);
    case 'signed':
      return tf.where(tf.greater(vz, 0), tf.add(vz, shift.eps), tf.sub(vz, shift.eps));
  }
}

/** Row norms √(Σv² + 1e-30), [B, 1]: equal to ‖v‖ in float32, but with a finite gradient at v = 0 (divergences at data points). */
function safeNorm(v: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.add(tf.sum(tf.square(v), 1, true), 1e-30));
}

/** Backward ODE in t = ln z (dx/dt = z·dx/dz) or in z (spec §2.2, §2.4). */
function backwardVelocity(c: PfgmConfig, p: Predictor, variable: 'log-z' | 'z'): VectorField {
  return variable === 'log-z'
    ? (x, t) => tf.tidy(() => tf.mul(pfgmDxDz(c, p, x, Math.exp(t), c.zExp), Math.exp(t)))
    : (x, z) => pfgmDxDz(c, p, x, z, c.zExp);
}

/** z_exp of the likelihood ODE: `likelihood.py` (Poisson_flow, line 160) hard-codes 5 whatever the dataset's sampling z_exp. */
export const LIKELIHOOD_Z_EXP = 5;

/**
 * Likelihood ODE in z from z_min to z_max with the renormalized field (`likelihood.py`, spec §3; z_exp
 * {@link LIKELIHOOD_Z_EXP} as there), and the prior density on z = z_max: 2z/(S_N·(‖x‖² + z²)^{(N+1)/2}) with the exact area of the unit
 * N-sphere in R^{N+1}, S_N = 2π^{(N+1)/2}/Γ((N+1)/2) (the official code uses the R^N constant: the §3 quirk).
 */
function likelihood(c: PfgmConfig, N: number): LikelihoodSpec {
  const logS = Math.log(2) + ((N + 1) / 2) * Math.log(Math.PI) - logGamma((N + 1) / 2);
  return {
    t0: c.zMin,
    t1: c.zMax,
    velocity: (p) => (x, z) => pfgmDxDz(c, p, x, z, c.likelihoodZExp ?? LIKELIHOOD_Z_EXP, true),
    priorLogDensity: (x) =>
      rowSquaredNorms(x).map((r2) => (-(N + 1) / 2) * Math.log(r2 + c.zMax * c.zMax) + Math.log(2 * c.zMax) - logS),
  };
}
