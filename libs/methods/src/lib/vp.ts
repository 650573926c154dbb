import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';
import { vpGrid, type VectorField } from '@pfgm/ode';
import { gaussianPosteriorMean, gaussianPrior, prepareReference, vpBeta, vpLogAlpha, vpPerturb, vpStd } from '@pfgm/field';
import { dimOf, fillB, flat, rowSquaredNorms } from './shapes.js';
import type { LikelihoodSpec, Method, OwnedPredictor, Predictor, RawNet, TrainingPair, VpConfig } from './types.js';

// ----------------------------------------------------------------------------
// VP-SDE probability-flow ODE (Song et al., ICLR 2021; score_sde_pytorch, spec §6). The predictor returns the noise
// ε̂ (score_sde's ε-network output), so the score −ε̂/std (`models/utils.py::get_score_fn`, continuous VP) is finite for
// every t the solver may probe, even where α(t) underflows to 0 (scipy's first-step probe can reach t ≈ −22).
// ----------------------------------------------------------------------------

/** Discrete DDPM steps of the VP-SDE (score_sde `VPSDE.N`), used by the noise-removal step. */
const N_DISCRETE = 1000;

/** The VP-ODE method. */
export function vpMethod(config: VpConfig): Method {
  const c = config;
  if (!(c.betaMax > c.betaMin && c.betaMin > 0 && c.epsT > 0 && c.epsT < 1)) {
    throw new Error(`vp: need betaMax > betaMin > 0 and 0 < epsT < 1 (score_sde: 20, 0.1, 1e-3), got ${c.betaMax}, ${c.betaMin}, ${c.epsT}`);
  }
  if (c.eulerStep !== undefined && c.eulerStep !== 'official' && c.eulerStep !== 'grid') {
    throw new Error(`vp: eulerStep must be 'official' (Δt = −1/N, Poisson_flow) or 'grid' (the grid spacing); got ${JSON.stringify(c.eulerStep)}`);
  }
  return {
    config: c,
    networkIo: (dataShape) => ({ inShape: [...dataShape], outShape: [...dataShape] }),
    perturb: (x0, rng) => perturb(c, x0, rng),
    // ε-prediction (score_sde `get_score_fn`): label 999·t, the network output is ε̂.
    predictor: (net: RawNet): Predictor => (x, t) => tf.tidy(() => net.apply(x, fillB(x.shape[0], 999 * t))),
    oracle: (data) => oracle(c, data),
    velocity: (p, solver) => (solver === 'euler' ? officialEulerVelocity(c, p) : vpVelocity(c, p)),
    prior: (n, dataShape, rng: Rng) => tf.tidy(() => tf.reshape(gaussianPrior(n, dimOf(dataShape), 1, rng), [n, ...dataShape])),
    timeGrid: (steps) => vpGrid({ steps, eps: c.epsT }),
    finalize: (p, x, t, solver) => (c.denoise && (solver === 'rk45' || c.denoiseFixedStep === true) ? noiseRemoval(c, p, x, t) : tf.clone(x)),
    likelihood: (dataShape) => likelihood(c, dimOf(dataShape)),
  };
}

/** Denoising score matching pair: input x_t, label 999·t, target ε, weight 1/N (reduce_mean). */
function perturb(c: VpConfig, x0: tf.Tensor, rng: Rng): TrainingPair {
  const B = x0.shape[0];
  const N = x0.size / B;
  const y = flat(x0);
  const { x, eps, t } = vpPerturb(y, rng, c, c.epsTrain);
  const pair = tf.tidy(() => ({
    input: tf.reshape(x, x0.shape),
    cond: tf.tensor1d(Float32Array.from(t, (v) => 999 * v)),
    target: tf.reshape(eps, x0.shape),
    weight: fillB(B, 1 / N),
  }));
  tf.dispose([y, x, eps]);
  return pair;
}

/**
 * Below this α(t) the oracle drops α·E[y | x_t] from ε* = (x − α·E[y | x_t])/std: the term is < 1e-8·max‖y‖ (under
 * float32 resolution of x/std), while x/α would overflow the squared distances of the posterior mean.
 */
export const VP_ALPHA_FLOOR = 1e-8;

/**
 * Exact ε* = (x − α·E[y | x_t])/std for a finite dataset: x_t = α·y + std·ε, so E[y | x_t] is the Gaussian posterior
 * mean at x/α with σ = std/α. Finite for any t with std > 0 (α below {@link VP_ALPHA_FLOOR}: ε* = x/std).
 */
function oracle(c: VpConfig, data: tf.Tensor): OwnedPredictor {
  const ref = prepareReference(data);
  const predict: Predictor = (x, t) =>
    tf.tidy(() => {
      const alpha = Math.exp(vpLogAlpha(c, t));
      const std = vpStd(c, t);
      if (!(alpha >= VP_ALPHA_FLOOR)) return tf.div(x, std);
      const mean = gaussianPosteriorMean(tf.div(flat(x), alpha) as tf.Tensor2D, fillB(x.shape[0], std / alpha), ref);
      return tf.div(tf.sub(x, tf.mul(tf.reshape(mean, x.shape), alpha)), std);
    });
  return { predict, dispose: () => ref.dispose() };
}

/** Score s(x, t) = −ε̂/std (score_sde `get_score_fn`, continuous VP). */
function score(c: VpConfig, p: Predictor, x: tf.Tensor, t: number): tf.Tensor {
  return tf.tidy(() => tf.div(p(x, t), -vpStd(c, t)));
}

/** Probability flow dx/dt = −½β(t)·x − ½β(t)·s(x, t) (Song et al. 2021, Eq. 13). */
export function vpVelocity(c: VpConfig, p: Predictor): VectorField {
  return (x, t) => tf.tidy(() => tf.mul(tf.add(x, score(c, p, x, t)), -0.5 * vpBeta(c, t)));
}

/**
 * The field Euler steps with on linspace(1, ε, N + 1). Poisson_flow's VP Euler (`sampling.py:285`, `ForwardEulerPredictor`
 * VP branch: `dt = -1. / self.sde.N`; grid `sampling.py:566`) evaluates the drift at the grid's t_i but steps −1/N, not
 * the spacing −(1 − ε)/N: scaling the drift by 1/(1 − ε) makes the grid step its official update x − drift(x, t_i)/N.
 * `eulerStep: 'grid'` keeps the unscaled field. Heun is not scaled: the official `ImprovedEulerPredictor` writes the
 * same dt (`sampling.py:305`) but cannot run for VP (`get_ode_sampler` passes no t_list / idx for VP, so `idx + 1` fails on None), and our
 * Heun is EDM's (Karras et al. 2022, Alg. 1) on the grid.
 */
function officialEulerVelocity(c: VpConfig, p: Predictor): VectorField {
  const f = vpVelocity(c, p);
  switch (c.eulerStep ?? 'official') {
    case 'official': {
      const scale = 1 / (1 - c.epsT);
      return (x, t) => tf.tidy(() => tf.mul(f(x, t), scale));
    }
    case 'grid':
      return f;
  }
}

/** score_sde noise removal: one noise-free reverse-diffusion (DDPM) step at t: (2 − √(1−β))·x + β·s(x, t). */
function noiseRemoval(c: VpConfig, p: Predictor, x: tf.Tensor, t: number): tf.Tensor {
  const k = Math.floor((t * (N_DISCRETE - 1)) / 1); // (t·(N−1)/T).long()
  const beta = c.betaMin / N_DISCRETE + (k / (N_DISCRETE - 1)) * (c.betaMax / N_DISCRETE - c.betaMin / N_DISCRETE);
  return tf.tidy(() => tf.add(tf.mul(x, 2 - Math.sqrt(1 - beta)), tf.mul(score(c, p, x, t), beta)));
}

/** Likelihood ODE from t = 1e-5 to 1 with the N(0, I) prior (score_sde `likelihood.py`). */
function likelihood(c: VpConfig, N: number): LikelihoodSpec {
  return {
    t0: 1e-5,
    t1: 1,
    velocity: (p) => vpVelocity(c, p),
    priorLogDensity: (x) => rowSquaredNorms(x).map((r2) => -(N / 2) * Math.log(2 * Math.PI) - r2 / 2),
  };
}
