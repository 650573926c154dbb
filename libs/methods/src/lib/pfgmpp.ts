import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';
import { edmGrid, type VectorField } from '@pfgm/ode';
import { checkD, pfgmppPerturb, pfgmppPosteriorMean, pfgmppPrior, prepareReference, sampleSigmaLogNormal } from '@pfgm/field';
import { edmCoefficients } from './edm-precond.js';
import { logGamma } from './log-gamma.js';
import { dimOf, fillB, flat, rowSquaredNorms } from './shapes.js';
import type { LikelihoodSpec, Method, OwnedPredictor, PfgmppConfig, Predictor, RawNet, TrainingPair } from './types.js';

// ----------------------------------------------------------------------------
// PFGM++ (Xu et al., ICML 2023) in σ with r = σ√D and EDM preconditioning; D = ∞ is EDM (Karras et al. 2022).
// The ODE dx/dσ = (x − D(x, σ))/σ is EDM's, so only the prior and the perturbation kernel depend on D (spec §4).
// ----------------------------------------------------------------------------

/** The PFGM++ method (EDM when config.D = Infinity). */
export function pfgmppMethod(config: PfgmppConfig): Method {
  const c = config;
  checkD(c.D);
  if (!(c.sigmaMax > c.sigmaMin && c.sigmaMin > 0)) throw new Error(`pfgmpp: need sigmaMax > sigmaMin > 0 (EDM: 80, 0.002), got ${c.sigmaMax}, ${c.sigmaMin}`);
  if (c.target !== undefined && c.target !== 'clean' && c.target !== 'stf') {
    throw new Error(`pfgmpp: target must be 'clean' (default, the unbiased objective) or 'stf' (posterior mean over the reference batch), got ${String(c.target)}`);
  }
  return {
    config: c,
    networkIo: (dataShape) => ({ inShape: [...dataShape], outShape: [...dataShape] }),
    perturb: (x0, rng, reference) => perturb(c, x0, rng, reference),
    predictor: (net: RawNet): Predictor => (x, sigma) =>
      tf.tidy(() => {
        const k = edmCoefficients(sigma, c.sigmaData);
        const F = net.apply(tf.mul(x, k.cIn), fillB(x.shape[0], k.cNoise));
        return tf.add(tf.mul(x, k.cSkip), tf.mul(F, k.cOut)); // D_θ(x, σ)
      }),
    oracle: (data) => oracle(c, data),
    velocity: (p) => sigmaVelocity(p),
    prior: (n, dataShape, rng: Rng) =>
      tf.tidy(() => tf.reshape(pfgmppPrior(n, dimOf(dataShape), c.D, c.sigmaMax, rng), [n, ...dataShape])),
    timeGrid: (steps) => edmGrid({ steps, sigmaMin: c.sigmaMin, sigmaMax: c.sigmaMax, rho: c.rho }),
    // After an ODE that stops at σ > 0 (rk45): one Euler step to σ = 0, i.e. x ← D(x, σ) (EDM's last step).
    finalize: (p, x, sigmaEnd) => (sigmaEnd > 0 ? p(x, sigmaEnd) : tf.clone(x)),
    likelihood: (dataShape) => likelihood(c, dimOf(dataShape)),
  };
}

/**
 * EDMLoss with the PFGM++ kernel (spec §4.2–4.4): input c_in·x, target (μ − c_skip·x)/c_out, weight λ·c_out² = 1, where
 * μ = y (target 'clean') or the stf posterior mean E[y | x, σ] over `reference` (default x0; official: a large batch
 * `--rbatch` whose first rows are x0).
 */
function perturb(c: PfgmppConfig, x0: tf.Tensor, rng: Rng, reference?: tf.Tensor): TrainingPair {
  const B = x0.shape[0];
  const target = c.target ?? 'clean';
  if (target === 'stf' && reference !== undefined && reference.shape[0] < B) {
    throw new Error(`pfgmpp perturb (stf): the reference batch has ${reference.shape[0]} rows, fewer than the ${B} perturbed; ` +
      'pass the large batch whose first rows are x0 (official --rbatch 4096), or omit it to use x0');
  }
  const sigma = sampleSigmaLogNormal(B, c.pMean, c.pStd, rng);
  const k = Array.from(sigma, (s) => edmCoefficients(s, c.sigmaData));
  const col = (f: (i: number) => number) => tf.tensor1d(Float32Array.from({ length: B }, (_, i) => f(i)));
  const perB = (t: tf.Tensor1D) => tf.reshape(t, [B, ...x0.shape.slice(1).map(() => 1)]);
  const ref = target === 'stf' ? prepareReference(reference ?? x0) : null;
  try {
    return tf.tidy(() => {
      const y = flat(x0);
      const xFlat = pfgmppPerturb(y, sigma, rng, { D: c.D, clipBeta: c.D === Infinity ? 0 : c.clipBeta }); // [B, N]
      const x = tf.reshape(xFlat, x0.shape);
      const mu = ref === null ? x0 : tf.reshape(pfgmppPosteriorMean(xFlat, tf.tensor1d(Float32Array.from(sigma)), ref, c.D), x0.shape);
      const input = tf.mul(x, perB(col((i) => k[i].cIn)));
      const t = tf.div(tf.sub(mu, tf.mul(x, perB(col((i) => k[i].cSkip)))), perB(col((i) => k[i].cOut)));
      return { input, cond: col((i) => k[i].cNoise), target: t, weight: col((i) => k[i].lambda * k[i].cOut ** 2) };
    });
  } finally {
    ref?.dispose();
  }
}

/** The exact denoiser of a finite dataset: the PFGM++ (or Gaussian) posterior mean E[y | x, σ] over `data`. */
function oracle(c: PfgmppConfig, data: tf.Tensor): OwnedPredictor {
  const ref = prepareReference(data);
  const predict: Predictor = (x, sigma) =>
    tf.tidy(() => tf.reshape(pfgmppPosteriorMean(flat(x), fillB(x.shape[0], sigma), ref, c.D), x.shape));
  return { predict, dispose: () => ref.dispose() };
}

/** dx/dσ = (x − D(x, σ))/σ (EDM Eq. 3 / PFGM++ Eq. 5 with r = σ√D). */
export function sigmaVelocity(p: Predictor): VectorField {
  return (x, sigma) => tf.tidy(() => tf.div(tf.sub(x, p(x, sigma)), sigma));
}

/**
 * Likelihood ODE in σ from σ_min to σ_max; prior density at σ_max: p(x) ∝ (‖x‖² + r²)^{−(N+D)/2} with r = σ_max√D,
 * log p = −((N+D)/2)·log1p(‖x‖²/r²) − N ln r + lnΓ((N+D)/2) − lnΓ(D/2) − (N/2) ln π; D = ∞: N(0, σ_max² I).
 */
function likelihood(c: PfgmppConfig, N: number): LikelihoodSpec {
  const s = c.sigmaMax;
  const priorLogDensity = (x: tf.Tensor) => {
    const r2s = rowSquaredNorms(x);
    if (c.D === Infinity) return r2s.map((r2) => -r2 / (2 * s * s) - N * Math.log(s) - (N / 2) * Math.log(2 * Math.PI));
    const r2 = s * s * c.D;
    const constant = -(N / 2) * Math.log(r2) + logGamma((N + c.D) / 2) - logGamma(c.D / 2) - (N / 2) * Math.log(Math.PI);
    return r2s.map((v) => (-(N + c.D) / 2) * Math.log1p(v / r2) + constant);
  };
  return { t0: c.sigmaMin, t1: c.sigmaMax, velocity: sigmaVelocity, priorLogDensity };
}
