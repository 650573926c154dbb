import * as tf from '@tensorflow/tfjs-core';
import betaCdf from '@stdlib/stats-base-dists-beta-cdf';
import gammaCdf from '@stdlib/stats-base-dists-gamma-cdf';
import kstest from '@stdlib/stats-kstest';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { pfgmRecipe } from './hyperparameters.js';
import { pfgmPerturb, pfgmppPerturb, sampleSigmaLogNormal } from './perturbation.js';
import { gaussianPrior, pfgmPrior, pfgmPriorRadius, pfgmppPrior } from './priors.js';
import { pfgmppRadius } from './radial.js';
import { vpLogAlpha, vpPerturb, vpStd } from './vp-schedule.js';

const ALPHA = 1e-3; // KS / moment tests at fixed seeds: fail below this p-value

/**
 * CDF of the radial law p(R) ∝ R^{N−1}/(R² + r²)^{(N+D)/2} by quadrature (R = r·tan θ gives the integrand
 * sin^{N−1}θ·cos^{D−1}θ on [0, π/2)), independent of the Beta-prime algebra used by the samplers.
 */
function radialCdfByQuadrature(N: number, D: number, r: number): (R: number) => number {
  const K = 20000;
  const h = Math.PI / 2 / K;
  const f = (th: number) => Math.sin(th) ** (N - 1) * Math.cos(th) ** (D - 1);
  const cum = new Float64Array(K + 1); // trapezoid-cumulative integral on the θ grid
  for (let k = 1; k <= K; k++) cum[k] = cum[k - 1] + (h * (f((k - 1) * h) + f(k * h))) / 2;
  return (R: number) => {
    const th = Math.atan(R / r);
    const k = Math.min(K - 1, Math.floor(th / h));
    const frac = (th - k * h) / h;
    return (cum[k] + frac * (cum[k + 1] - cum[k])) / cum[K];
  };
}

function ks(x: ArrayLike<number>, cdf: (v: number) => number): number {
  return kstest(Array.from(x), cdf).pValue;
}

describe('PFGM++ kernel radius p(R) ∝ R^{N−1}/(R² + r²)^{(N+D)/2}', () => {
  it.each([
    [2, 1],
    [3, 1],
    [3, 4],
    [2, 16],
  ])('N = %i, D = %i: KS vs the quadrature CDF', (N, D) => {
    const rng = new Rng(100 * N + D);
    const sigma = 0.7;
    const R = Float64Array.from({ length: 4000 }, (_, i) => pfgmppRadius(rng.forSample(i), sigma, N, D));
    expect(ks(R, radialCdfByQuadrature(N, D, sigma * Math.sqrt(D)))).toBeGreaterThan(ALPHA);
  });

  it.each([
    [3072, 128],
    [3072, 2048],
    [50, 3072000],
  ])('N = %i, D = %i: R²/r² ~ BetaPrime(N/2, D/2) (KS of R²/(R²+r²) vs Beta)', (N, D) => {
    const rng = new Rng(N + D);
    const r = 2 * Math.sqrt(D);
    const s = Float64Array.from({ length: 3000 }, (_, i) => {
      const R = pfgmppRadius(rng.forSample(i), 2, N, D);
      return (R * R) / (R * R + r * r);
    });
    expect(ks(s, (v) => betaCdf(v, N / 2, D / 2))).toBeGreaterThan(ALPHA);
  });

  it.each([1e9, Infinity])('D = %d: R/σ follows the χ_N law (KS of R²/2σ² vs Gamma(N/2))', (D) => {
    const rng = new Rng(7);
    const N = 50;
    const sigma = 3;
    const u = Float64Array.from({ length: 3000 }, (_, i) => pfgmppRadius(rng.forSample(i), sigma, N, D) ** 2 / (2 * sigma * sigma));
    expect(ks(u, (v) => gammaCdf(v, N / 2, 1))).toBeGreaterThan(ALPHA);
  });

  it('a finite D far from the limit is rejected by the same χ test (the test has power)', () => {
    const rng = new Rng(7);
    const N = 50;
    const u = Float64Array.from({ length: 3000 }, (_, i) => pfgmppRadius(rng.forSample(i), 1, N, 64) ** 2 / 2);
    expect(ks(u, (v) => gammaCdf(v, N / 2, 1))).toBeLessThan(ALPHA);
  });

  it('E‖x − y‖² = r²N/(D − 2) for the perturbation (N = 20, D = 16), within 4 standard errors', () => {
    const rng = new Rng(9);
    const N = 20;
    const D = 16;
    const n = 4000;
    const sigma = Float64Array.from({ length: n }, () => 0.5);
    const y = tf.zeros([n, N]) as tf.Tensor2D;
    const x = pfgmppPerturb(y, sigma, rng, { D });
    const sq = Array.from(tf.sum(tf.square(x), 1).dataSync());
    const mean = sq.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(sq.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const expected = (0.25 * D * N) / (D - 2);
    expect(Math.abs(mean - expected)).toBeLessThan((4 * sd) / Math.sqrt(n));
    tf.dispose([y, x]);
  });
});

describe('PFGM prior', () => {
  it.each([
    [2, 40],
    [3, 5],
  ])('unclipped radius follows the projected-hemisphere law (N = %i, z_max = %d)', (N, zMax) => {
    const rng = new Rng(N);
    const R = Float64Array.from({ length: 4000 }, (_, i) => pfgmPriorRadius(rng.forSample(i), N, { zMax, upperNorm: Infinity, clip: false }));
    expect(ks(R, radialCdfByQuadrature(N, 1, zMax))).toBeGreaterThan(ALPHA);
  });

  it('N = 3072: R²/(R² + z²) ~ Beta(N/2, 1/2) before clipping; clipped radii lie in [1, upper_norm]', () => {
    const rng = new Rng(3);
    const N = 3072;
    const o = { zMax: 40, upperNorm: 3000 };
    const s = Float64Array.from({ length: 3000 }, (_, i) => {
      const R = pfgmPriorRadius(rng.forSample(i), N, { ...o, clip: false });
      return (R * R) / (R * R + 1600);
    });
    expect(ks(s, (v) => betaCdf(v, N / 2, 0.5))).toBeGreaterThan(ALPHA);
    const x = pfgmPrior(500, N, rng, o);
    const norms = tf.norm(x, 'euclidean', 1).dataSync();
    expect(Math.min(...norms)).toBeGreaterThanOrEqual(1 - 1e-4);
    expect(Math.max(...norms)).toBeLessThanOrEqual(3000 * (1 + 1e-6));
    expect(norms.filter((v) => v > 2999).length).toBeGreaterThan(0); // the heavy tail does reach the clip
    tf.dispose(x);
  });
});

describe('priors and perturbations: shapes, per-sample streams, no leaks', () => {
  it('PFGM++ / Gaussian priors: row k does not depend on the batch size; D = ∞ is σ_max·N(0, I)', async () => {
    const rng = new Rng(1);
    await expectNoLeak(() => {
      const a = pfgmppPrior(6, 5, 128, 80, rng);
      const b = pfgmppPrior(3, 5, 128, 80, rng, 3);
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()).slice(15));
      const g = gaussianPrior(2, 5, 80, rng);
      expect(g.shape).toEqual([2, 5]);
      tf.dispose([a, b, g]);
    });
    const big = pfgmppPrior(2000, 10, Infinity, 2, rng);
    const u = Array.from(tf.sum(tf.square(big), 1).dataSync(), (v) => v / 8);
    expect(ks(u, (v) => gammaCdf(v, 5, 1))).toBeGreaterThan(ALPHA);
    big.dispose();
  });

  it('PFGM perturbation: ‖x̃ − y‖/(σ s) ~ χ_N, z̃/s ~ |N(0, σ²)|, restrict_M caps m where z₀ < 0.005', async () => {
    // Seed 4 gave p = 7e-4 on the z₀ test; that is a property of those normals themselves (the same p for the raw
    // rng.forSample(i).nextNormal() draws; over 200 seeds the p-values of those draws are uniform), so seed 5.
    const rng = new Rng(5);
    const N = 8;
    const n = 3000;
    const o = { M: 291, tau: 0.03, sigma: 0.01, restrictM: true };
    const y = tf.ones([n, N]) as tf.Tensor2D;
    await expectNoLeak(() => pfgmPerturb(y, rng, o).perturbed.dispose());
    const { perturbed, m } = pfgmPerturb(y, rng, o);
    const p = perturbed.arraySync();
    const chi2 = new Float64Array(n);
    const z0 = new Float64Array(n);
    let restricted = 0;
    p.forEach((row, i) => {
      const s = 1.03 ** m[i];
      let sq = 0;
      for (let k = 0; k < N; k++) sq += (row[k] - 1) ** 2;
      chi2[i] = sq / (o.sigma * s) ** 2 / 2;
      z0[i] = row[N] / s;
      if (z0[i] < 0.005) {
        restricted++;
        expect(m[i]).toBeLessThan(Math.floor(0.7 * 291));
      }
    });
    expect(ks(chi2, (v) => gammaCdf(v, N / 2, 1))).toBeGreaterThan(ALPHA);
    expect(ks(z0, (v) => gammaCdf((v / o.sigma) ** 2 / 2, 0.5, 1))).toBeGreaterThan(ALPHA);
    expect(Math.abs(restricted / n - 0.3829)).toBeLessThan(4 * Math.sqrt(0.3829 * 0.6171 / n)); // P(|N(0,1)| < 0.5)
    tf.dispose([y, perturbed]);
  });

  it('EDM noise levels: ln σ ~ N(P_mean, P_std)', () => {
    const s = sampleSigmaLogNormal(3000, -1.2, 1.2, new Rng(2));
    const z = Array.from(s, (v) => (Math.log(v) + 1.2) / 1.2);
    expect(kstest(z, 'normal', 0, 1).pValue).toBeGreaterThan(ALPHA);
  });

  it('VP perturbation is x_t = α(t)·y + std(t)·ε with std² = 1 − α²', () => {
    const s = { betaMin: 0.1, betaMax: 20 };
    expect(vpStd(s, 0.5) ** 2 + Math.exp(2 * vpLogAlpha(s, 0.5))).toBeCloseTo(1, 12);
    const y = tf.tensor2d([[0.5, -0.25], [1, 2]]);
    const { x, eps, t } = vpPerturb(y, new Rng(3), s);
    const xs = x.arraySync();
    const es = eps.arraySync();
    [[0.5, -0.25], [1, 2]].forEach((row, i) => {
      const a = Math.exp(vpLogAlpha(s, t[i]));
      row.forEach((v, k) => expect(xs[i][k]).toBeCloseTo(a * v + vpStd(s, t[i]) * es[i][k], 5));
    });
    tf.dispose([y, x, eps]);
  });
});

describe('PFGM hyperparameter recipe (hyper-parameters.py)', () => {
  it('defaults (‖y‖ = 30, N = 3072) give M = 287; z_max and upper_norm follow from (1+τ)^M', () => {
    const { M, zMax, upperNorm } = pfgmRecipe({ avgNorm: 30, N: 3072 });
    expect(M).toBe(287);
    expect(upperNorm).toBeCloseTo(Math.sqrt(3072) * 0.01 * 1.03 ** 287, 6);
    expect(zMax / upperNorm).toBeCloseTo(Math.sqrt(2 / Math.PI) / Math.sqrt(3072), 12);
    expect(() => pfgmRecipe({ avgNorm: 0, N: 3072 })).toThrow(/avgNorm/);
  });
});
