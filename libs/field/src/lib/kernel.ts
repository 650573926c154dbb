import * as tf from '@tensorflow/tfjs-core';

/**
 * The weight kernel of an empirical field or posterior mean over a reference batch.
 * - `poisson`: w_ij ∝ (|x_i − y_j|² + r_i²)^{−(N+D)/2}, the field of point charges in N+D dimensions
 *   (PFGM: D = 1, r = z; PFGM++ §4.1, 4.4). Requires a finite D ≥ 1.
 * - `gaussian`: w_ij ∝ exp(−|x_i − y_j|² / (2σ_i²)), the D → ∞ limit with r = σ√D (diffusion / EDM).
 */
export type FieldKernel = { kind: 'poisson'; D: number } | { kind: 'gaussian' };

/** PFGM++ kernel for a given D; D = Infinity gives the Gaussian kernel (PFGM++ §4.1, D → ∞ with r = σ√D). */
export function pfgmppKernel(D: number): FieldKernel {
  checkD(D);
  return D === Infinity ? { kind: 'gaussian' } : { kind: 'poisson', D };
}

/** Validates an augmentation dimension D (≥ 1, finite or Infinity). */
export function checkD(D: number): void {
  if (!(D >= 1) || Number.isNaN(D)) {
    throw new Error(`invalid D = ${D}: the number of augmented dimensions must be ≥ 1 (PFGM: 1, PFGM++: e.g. 128, 2048; Infinity = diffusion)`);
  }
}

/**
 * Log-weights for squared distances d² [b, l] and per-row scales s [b, 1] (r for `poisson`, σ for `gaussian`),
 * relative to a per-row reference distance d0 [b, 1] (the row minimum of d², or of its first chunk); N is the
 * data dimension. Shifting by a per-row constant leaves the softmax unchanged.
 *
 * Poisson: −((N+D)/2)·log1p((d² − d0)/(d0 + r²)) = −((N+D)/2)·log(d² + r²) + row const, i.e. weights
 * (d_min/d)^{N+D}: the official min-ratio trick (spec §1.3) in log space. The relative form keeps float32 logits
 * accurate where it matters (competing points have d² ≈ d0, so the log1p argument is small and exact), for
 * r² ≫ d² (large D) as for r → 0 (PFGM z → 0: the denominator is floored at 1e-30, far points get weight 0).
 * Gaussian: −(d² − d0)/(2σ²).
 */
export function kernelLogits(kernel: FieldKernel, d2: tf.Tensor2D, s: tf.Tensor2D, d0: tf.Tensor2D, N: number): tf.Tensor2D {
  return tf.tidy(() => {
    const delta = tf.sub(d2, d0); // [b, l], ≥ 0 within the chunk that defined d0
    switch (kernel.kind) {
      case 'poisson': {
        const denom = tf.maximum(tf.add(d0, tf.square(s)), 1e-30); // [b, 1]
        const q = tf.maximum(tf.div(delta, denom), -0.9999999); // > −1 even for later chunks closer than d0
        return tf.mul(tf.log1p(q), -(N + kernel.D) / 2) as tf.Tensor2D; // [b, l]
      }
      case 'gaussian': {
        const inv2s2 = tf.reciprocal(tf.mul(tf.square(s), 2)); // [b, 1]
        return tf.neg(tf.mul(delta, inv2s2)) as tf.Tensor2D; // [b, l]
      }
    }
  });
}
