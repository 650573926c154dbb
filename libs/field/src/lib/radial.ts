import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';

/**
 * Isotropic vectors R_i·u_i with u_i uniform on S^{N−1} (g/‖g‖, g ~ N(0, I_N), independent of R_i).
 * radii: [B] float64. Returns a float32 tensor [B, N]. Direction draws come from `rngs[i]`.
 */
export function isotropic(radii: Float64Array, N: number, rngs: (i: number) => Rng): tf.Tensor2D {
  const B = radii.length;
  const out = new Float64Array(B * N); // [B, N]
  for (let i = 0; i < B; i++) {
    const u = rngs(i).nextDirection(N);
    const R = radii[i];
    for (let j = 0; j < N; j++) out[i * N + j] = R * u[j];
  }
  return tf.tensor2d(Float32Array.from(out), [B, N]);
}

/** χ_N draw: ‖g‖ for g ~ N(0, I_N), as √(2·Gamma(N/2)). */
export function sampleChi(rng: Rng, N: number): number {
  return Math.sqrt(2 * rng.nextGamma(N / 2));
}

/**
 * Radius of the PFGM++ kernel p_r(R) ∝ R^{N−1}/(R² + r²)^{(N+D)/2} with r = σ√D, i.e. R² = r²·BetaPrime(N/2, D/2)
 * (Xu et al. 2023 §3.2 "Beta trick"; spec §4.2). q = G_{N/2}/G_{D/2} in float64 and R = σ·√(D·q): no precision loss
 * for huge D (D·q → χ²_N), and D = Infinity gives the Gaussian limit σ·χ_N exactly. `clipBeta` clips s = q/(1+q) to [c, 1−c] as
 * the official training code does (c = 1e-3); default: no clip (the exact law).
 */
export function pfgmppRadius(rng: Rng, sigma: number, N: number, D: number, clipBeta = 0): number {
  if (D === Infinity) return sigma * sampleChi(rng, N);
  let q = rng.nextBetaPrime(N / 2, D / 2); // G_{N/2}/G_{D/2}, no 1 − s cancellation
  if (clipBeta > 0) q = Math.min(Math.max(q, clipBeta / (1 - clipBeta)), (1 - clipBeta) / clipBeta);
  return sigma * Math.sqrt(D * q); // r·√q
}
