import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';
import { checkD } from './kernel.js';
import { isotropic, pfgmppRadius } from './radial.js';

// ----------------------------------------------------------------------------
// Priors at the start of sampling. Row i draws from rng.forSample(first + i) (EDM's per-seed generator).
// ----------------------------------------------------------------------------

/** Options of the PFGM prior on the z = z_max hyperplane (spec §2.1). */
export interface PfgmPriorOptions {
  /** z_max. CIFAR-10 40, CelebA 60, LSUN 100. */
  zMax: number;
  /** Radii are clipped to [1, upperNorm]. CIFAR-10 3000, CelebA 6000, LSUN 30000; Infinity = no upper clip. */
  upperNorm: number;
  /** Clip the radius at all (official: true). false gives the exact projected-hemisphere law. */
  clip?: boolean;
}

/**
 * PFGM prior radius: R = z_max·√BetaPrime(N/2, 1/2), so p(R) ∝ R^{N−1}/(R² + z_max²)^{(N+1)/2}, the uniform
 * hemisphere projected on z = z_max; clipped to [1, upperNorm] (Xu et al. 2022 App. B.2; spec §2.1).
 */
export function pfgmPriorRadius(rng: Rng, N: number, o: PfgmPriorOptions): number {
  const R = o.zMax * Math.sqrt(rng.nextBetaPrime(N / 2, 0.5));
  return o.clip === false ? R : Math.min(Math.max(R, 1), o.upperNorm);
}

/** n PFGM prior samples x ∈ R^N on z = z_max, [n, N]. */
export function pfgmPrior(n: number, N: number, rng: Rng, o: PfgmPriorOptions, first = 0): tf.Tensor2D {
  const radii = Float64Array.from({ length: n }, (_, i) => pfgmPriorRadius(rng.forSample(first + i), N, o));
  return isotropic(radii, N, (i) => rng.forSample(first + i).child(1));
}

/**
 * PFGM++ prior: x = R·u with R = σ_max√D·√BetaPrime(N/2, D/2) (generate.py `rand_beta_prime`; spec §4.6);
 * D = Infinity gives σ_max·N(0, I). [n, N].
 */
export function pfgmppPrior(n: number, N: number, D: number, sigmaMax: number, rng: Rng, first = 0): tf.Tensor2D {
  checkD(D);
  const radii = Float64Array.from({ length: n }, (_, i) => pfgmppRadius(rng.forSample(first + i), sigmaMax, N, D));
  return isotropic(radii, N, (i) => rng.forSample(first + i).child(1));
}

/** Gaussian prior std·N(0, I_N) (EDM: std = σ_max = 80; VP: 1). [n, N]. */
export function gaussianPrior(n: number, N: number, std: number, rng: Rng, first = 0): tf.Tensor2D {
  const out = new Float32Array(n * N);
  for (let i = 0; i < n; i++) {
    const g = rng.forSample(first + i).normalArray(N);
    for (let j = 0; j < N; j++) out[i * N + j] = std * g[j];
  }
  return tf.tensor2d(out, [n, N]);
}
