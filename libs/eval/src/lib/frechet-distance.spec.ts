import { readFileSync } from 'node:fs';
import { nativeSpecGate } from '@pfgm/native';
import { describe, expect, it, vi } from 'vitest';
import { Rng } from '@pfgm/tensor';
import { expectClose } from '@pfgm/tensor/testing';
import { frechetDistance, traceSqrtProduct } from './frechet-distance.js';
import { GaussianAccumulator, gaussianStats, type GaussianStats } from './gaussian-stats.js';

interface FidCase { name: string; dim: number; mu1: number[]; mu2: number[]; sigma1: number[]; sigma2: number[]; fid: number }
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/fid-cases.json', import.meta.url), 'utf8')) as { cases: FidCase[] };

const stats = (mu: number[], sigma: number[]): GaussianStats => ({ n: 0, mu: Float64Array.from(mu), sigma: Float64Array.from(sigma) });

/** Random SPD covariance A·Aᵀ/k, [d, d]. */
function randomCov(rng: Rng, d: number, k: number): Float64Array {
  const A = rng.normalArray(d * k);
  const S = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += A[i * k + t] * A[j * k + t];
    S[i * d + j] = s / k;
  }
  return S;
}

describe('frechetDistance', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('matches scipy.linalg.sqrtm FID to 1e-6 relative (%s)', (_, c) => {
    const fid = frechetDistance(stats(c.mu1, c.sigma1), stats(c.mu2, c.sigma2));
    expectClose(fid, c.fid, { rtol: 1e-6, atol: 0 });
  });

  it('Cholesky and √S1 (eigendecomposition) paths agree, in either order of a singular and a regular covariance', () => {
    for (const c of fixture.cases) {
      const [a, b] = [Float64Array.from(c.sigma1), Float64Array.from(c.sigma2)];
      expectClose(traceSqrtProduct(a, b, c.dim), traceSqrtProduct(a, b, c.dim, 'eig'), { rtol: 1e-9 });
    }
    const rng = new Rng(5);
    const D = 12;
    const singular = gaussianStats(rng.normalArray(6 * D), D).sigma; // rank 5
    const regular = randomCov(rng, D, 40);
    const ref = traceSqrtProduct(singular, regular, D, 'eig');
    expectClose(traceSqrtProduct(singular, regular, D), ref, { rtol: 1e-9 });
    expectClose(traceSqrtProduct(regular, singular, D), ref, { rtol: 1e-9 });
    expectClose(traceSqrtProduct(regular, singular, D, 'eig'), ref, { rtol: 1e-9 });
  });

  it('LAPACK/OpenBLAS and JS paths give the same value (full rank: 1e-12 relative; a singular side: 1e-8, its conditioning; D = 300)', () => {
    const gate = nativeSpecGate();
    if (gate.missing != null) throw new Error(gate.missing);
    if (!gate.available) return; // PFGM_NATIVE_UNAVAILABLE=1: the JS path is what every other case here tests
    const rng = new Rng(6);
    const D = 300;
    const a: GaussianStats = { n: 0, mu: rng.normalArray(D), sigma: randomCov(rng, D, 600) };
    const b: GaussianStats = { n: 0, mu: rng.normalArray(D), sigma: randomCov(rng, D, 900) };
    const singular = gaussianStats(rng.normalArray(100 * D), D).sigma; // rank 99: Cholesky refuses it
    // Full rank (the FID case): the paths agree to rounding (measured 2e-16).
    expectClose(frechetDistance(a, b, { lapack: true }), frechetDistance(a, b, { lapack: false }), { rtol: 1e-12, atol: 0 });
    expectClose(traceSqrtProduct(a.sigma, b.sigma, D, 'eig', true), traceSqrtProduct(a.sigma, b.sigma, D, 'eig', false), { rtol: 1e-12, atol: 0 });
    // A singular side: √λ of eigenvalues at rounding level is ill-conditioned; the two JS paths themselves differ by
    // ≈ 5e-9 here, and LAPACK agrees with each to within that.
    for (const [s1, s2] of [[singular, b.sigma], [b.sigma, singular]]) {
      expectClose(traceSqrtProduct(s1, s2, D, 'auto', true), traceSqrtProduct(s1, s2, D, 'auto', false), { rtol: 1e-8, atol: 0 });
      expectClose(traceSqrtProduct(s1, s2, D, 'eig', true), traceSqrtProduct(s1, s2, D, 'eig', false), { rtol: 1e-8, atol: 0 });
    }
  });

  it('is 0 for identical statistics', () => {
    const rng = new Rng(1);
    const S = randomCov(rng, 30, 60);
    const s: GaussianStats = { n: 0, mu: rng.normalArray(30), sigma: S };
    const trace = Array.from({ length: 30 }, (_, i) => S[i * 31]).reduce((a, b) => a + b);
    expect(Math.abs(frechetDistance(s, s))).toBeLessThan(1e-10 * trace);
  });

  it('equals ‖mu1 − mu2‖² when S1 = S2', () => {
    const rng = new Rng(2);
    const S = randomCov(rng, 25, 100);
    const mu1 = rng.normalArray(25);
    const mu2 = rng.normalArray(25);
    const d2 = mu1.reduce((a, m, i) => a + (m - mu2[i]) ** 2, 0);
    expectClose(frechetDistance({ n: 0, mu: mu1, sigma: S }, { n: 0, mu: mu2, sigma: S }), d2, { rtol: 1e-9, atol: 1e-9 });
  });

  it('pytorch-fid test: mu 0 vs 1, S = I gives dim', () => {
    const D = 64;
    const I = new Float64Array(D * D).map((_, k) => (k % (D + 1) === 0 ? 1 : 0));
    expectClose(frechetDistance({ n: 0, mu: new Float64Array(D), sigma: I }, { n: 0, mu: new Float64Array(D).fill(1), sigma: I }), D, { rtol: 1e-12 });
  });

  it('N ≤ dim: clear error by default, finite value with a warning on request', () => {
    const rng = new Rng(3);
    const D = 16;
    const few = gaussianStats(rng.normalArray(10 * D), D); // N = 10 ≤ 16: singular Sigma
    const many = gaussianStats(rng.normalArray(200 * D), D);
    expect(() => frechetDistance(few, many)).toThrow(/N = 10 samples for 16-dimensional features.*Use N > 16/);
    const onWarning = vi.fn();
    const fid = frechetDistance(few, many, { fewSamples: 'warn', onWarning });
    expect(onWarning).toHaveBeenCalledOnce();
    expect(Number.isFinite(fid)).toBe(true);
    expect(fid).toBeGreaterThan(0);
  });

  it('rejects mismatched shapes', () => {
    const a: GaussianStats = { n: 0, mu: new Float64Array(3), sigma: new Float64Array(9) };
    expect(() => frechetDistance(a, { n: 0, mu: new Float64Array(4), sigma: new Float64Array(16) })).toThrow(/dimensions differ/);
    expect(() => frechetDistance(a, { n: 0, mu: new Float64Array(3), sigma: new Float64Array(8) })).toThrow(/expected 3×3/);
  });
});

describe('GaussianAccumulator', () => {
  it('streams batches to the two-pass float64 mean and 1/(N−1) covariance', () => {
    const rng = new Rng(4);
    const D = 7;
    const N = 101;
    const X = Float32Array.from(rng.normalArray(N * D), (v, k) => v * (1 + (k % D)) + (k % D)); // float32 like network features
    const acc = new GaussianAccumulator(D);
    for (let b = 0; b < N; b += 13) acc.add(X.subarray(b * D, Math.min(N, b + 13) * D));
    const s = acc.stats();
    expect(s.n).toBe(N);
    const mu = new Float64Array(D);
    for (let n = 0; n < N; n++) for (let i = 0; i < D; i++) mu[i] += X[n * D + i] / N;
    const sigma = new Float64Array(D * D);
    for (let n = 0; n < N; n++) for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) {
      sigma[i * D + j] += ((X[n * D + i] - mu[i]) * (X[n * D + j] - mu[j])) / (N - 1);
    }
    expectClose(s.mu, mu, { rtol: 1e-12, atol: 1e-12 });
    expectClose(s.sigma, sigma, { rtol: 1e-10, atol: 1e-12 });
  });

  it('rejects ragged batches and too few samples', () => {
    const acc = new GaussianAccumulator(4);
    expect(() => acc.add(new Float32Array(6))).toThrow(/not a multiple of dim 4/);
    acc.add(new Float32Array(4));
    expect(() => acc.stats()).toThrow(/at least 2 samples/);
  });
});
