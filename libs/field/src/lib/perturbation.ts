import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';
import { checkD } from './kernel.js';
import { isotropic, pfgmppRadius, sampleChi } from './radial.js';

// ----------------------------------------------------------------------------
// Perturbation kernels: how each method noises a clean batch for training.
// Row i draws from rng.forSample(i), so a sample's noise does not depend on the batch size.
// ----------------------------------------------------------------------------

/** Options of the PFGM perturbation `forward_pz` (spec §1.2; CIFAR-10 defaults). */
export interface PfgmPerturbOptions {
  /** M: m ~ U[0, M). CIFAR-10/CelebA 291, LSUN bedroom 356. */
  M: number;
  /** τ: s = (1+τ)^m. PFGM default 0.03. */
  tau: number;
  /** σ (`model.sigma_end`): base noise scale of x and z. PFGM default 0.01. */
  sigma: number;
  /** restrict_M: if z₀ < 0.005 redraw m ~ U[0, ⌊0.7·M⌋) (PFGM App. B.1.1). Official configs: true. */
  restrictM: boolean;
}

/** A PFGM-perturbed batch: augmented points (x̃, z̃) and the exponents used. */
export interface PfgmPerturbed {
  /** Rows (x̃, z̃), [B, N+1]. */
  perturbed: tf.Tensor2D;
  /** m per row (float64), for diagnostics. */
  m: Float64Array;
}

/**
 * PFGM perturbation (official `forward_pz`; spec §1.2): z₀ = |N(0, σ²)|, m ~ U[0, M) (restrict_M), s = (1+τ)^m,
 * x̃ = y + s·‖ε_x‖·u with ε_x ~ N(0, σ²I_N) and an independent direction u, z̃ = s·z₀. y: [B, N] → [B, N+1].
 */
export function pfgmPerturb(y: tf.Tensor2D, rng: Rng, o: PfgmPerturbOptions): PfgmPerturbed {
  const [B, N] = y.shape;
  if (!(o.M > 0 && o.tau > 0 && o.sigma > 0)) throw new Error(`pfgmPerturb: M, tau, sigma must be > 0 (PFGM CIFAR-10: 291, 0.03, 0.01), got ${o.M}, ${o.tau}, ${o.sigma}`);
  const radii = new Float64Array(B);
  const z = new Float32Array(B);
  const m = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    const r = rng.forSample(i);
    const z0 = Math.abs(o.sigma * r.nextNormal());
    m[i] = (o.restrictM && z0 < 0.005 ? Math.floor(0.7 * o.M) : o.M) * r.next();
    const s = Math.pow(1 + o.tau, m[i]);
    radii[i] = s * o.sigma * sampleChi(r, N);
    z[i] = s * z0;
  }
  const perturbed = tf.tidy(() => {
    const noise = isotropic(radii, N, (i) => rng.forSample(i).child(1)); // [B, N]
    return tf.concat([tf.add(y, noise), tf.tensor2d(z, [B, 1])], 1) as tf.Tensor2D; // [B, N+1]
  });
  return { perturbed, m };
}

/** Options of the PFGM++ perturbation (spec §4.2). */
export interface PfgmppPerturbOptions {
  /** D: augmented dimensions; Infinity = Gaussian (EDM). PFGM++ default 128. */
  D: number;
  /** Clip s ~ Beta(N/2, D/2) to [c, 1−c] as the official training code does (c = 1e-3); 0 = exact law. */
  clipBeta?: number;
}

/**
 * PFGM++ perturbation: x = y + R·u with R = σ√D·√BetaPrime(N/2, D/2) per row (Xu et al. 2023 §3.2; spec §4.2),
 * σ given per row (float64). D = Infinity gives x = y + σ·N(0, I). y: [B, N] → [B, N].
 */
export function pfgmppPerturb(y: tf.Tensor2D, sigma: Float64Array, rng: Rng, o: PfgmppPerturbOptions): tf.Tensor2D {
  checkD(o.D);
  const [B, N] = y.shape;
  if (sigma.length !== B) throw new Error(`pfgmppPerturb: expected ${B} sigmas (one per row), got ${sigma.length}`);
  const radii = new Float64Array(B);
  for (let i = 0; i < B; i++) radii[i] = pfgmppRadius(rng.forSample(i), sigma[i], N, o.D, o.clipBeta ?? 0);
  return tf.tidy(() => tf.add(y, isotropic(radii, N, (i) => rng.forSample(i).child(1))) as tf.Tensor2D);
}

/** EDM training noise levels: ln σ ~ N(P_mean, P_std²) (Karras et al. 2022 Table 1; PFGM++ §4.3: −1.2, 1.2). */
export function sampleSigmaLogNormal(n: number, pMean: number, pStd: number, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.exp(pMean + pStd * rng.forSample(i).child(2).nextNormal());
  return out;
}
