import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { kernelMean } from './kernel-mean.js';
import { pfgmPerturb } from './perturbation.js';
import { pfgmTarget } from './pfgm-target.js';
import { poissonField } from './poisson-field.js';
import { gaussianPosteriorMean, pfgmppPosteriorMean } from './posterior-mean.js';
import { prepareReference } from './reference-batch.js';

// ----------------------------------------------------------------------------
// Float64 brute-force references (plain JS numbers), written from the formulas of spec §1.3 / §4.4.
// ----------------------------------------------------------------------------

type Rows = number[][];

function rows(t: tf.Tensor): Rows {
  return t.arraySync() as Rows;
}

/** Official PFGM target (losses.py), float64: min-ratio weights with the +1e-7 terms. */
function pfgmTargetRef(p: Rows, y: Rows, gamma: number): Rows {
  const N = y[0].length;
  return p.map((pi) => {
    const d = y.map((yj) => {
      let s = pi[N] * pi[N];
      for (let k = 0; k < N; k++) s += (pi[k] - yj[k]) ** 2;
      return Math.sqrt(s);
    });
    const dmin = Math.min(...d);
    const w = d.map((dj) => (dmin / (dj + 1e-7)) ** (N + 1));
    const W = w.reduce((a, b) => a + b, 0) + 1e-7;
    const E = new Array<number>(N + 1).fill(0);
    y.forEach((yj, j) => {
      const c = w[j] / W;
      for (let k = 0; k < N; k++) E[k] += c * (yj[k] - pi[k]);
      E[N] += c * -pi[N];
    });
    const norm = Math.sqrt(E.reduce((a, e) => a + e * e, 0));
    return E.map((e) => (Math.sqrt(N) * e) / (norm + gamma));
  });
}

/** Posterior mean with log-weights logw(d²), float64 log-sum-exp. */
function posteriorMeanRef(x: Rows, y: Rows, logw: (d2: number, i: number) => number): Rows {
  const N = y[0].length;
  return x.map((xi, i) => {
    const l = y.map((yj) => {
      let s = 0;
      for (let k = 0; k < N; k++) s += (xi[k] - yj[k]) ** 2;
      return logw(s, i);
    });
    const m = Math.max(...l);
    const w = l.map((v) => Math.exp(v - m));
    const W = w.reduce((a, b) => a + b, 0);
    const out = new Array<number>(N).fill(0);
    y.forEach((yj, j) => {
      for (let k = 0; k < N; k++) out[k] += (w[j] / W) * yj[k];
    });
    return out;
  });
}

/** Row-wise relative error max_k |a−b| / max_k |b|, worst row. */
function worstRowError(a: Rows, b: Rows): number {
  let worst = 0;
  a.forEach((ai, i) => {
    const scale = Math.max(...b[i].map(Math.abs));
    const err = Math.max(...ai.map((v, k) => Math.abs(v - b[i][k])));
    worst = Math.max(worst, err / scale);
  });
  return worst;
}

function uniformData(rng: Rng, n: number, N: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(rng.uniformArray(n * N), (u) => 2 * u - 1), [n, N]);
}

// ----------------------------------------------------------------------------

describe.each([2, 50, 3072])('PFGM target vs float64 reference, N = %i', (N) => {
  it('matches the official formula to 1e-4 relative (large batch contains the clean sources)', () => {
    const rng = new Rng(N);
    const BL = N === 3072 ? 48 : 96;
    const B = 12;
    const data = uniformData(rng, BL, N); // [B_L, N]; rows 0..B−1 are the small batch
    const small = tf.slice(data, [0, 0], [B, N]) as tf.Tensor2D;
    // M chosen so that perturbations span "near the source" to "far from every point".
    const M = 180; // max scale (1.03)^180 ≈ 200: norms 0.01·√N … 2·√N, vs inter-point distances ≈ 0.8·√N
    const { perturbed } = pfgmPerturb(small, rng.child(7), { M, tau: 0.03, sigma: 0.01, restrictM: true });
    const ref = prepareReference(data);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    const v = pfgmTarget(perturbed, ref, { gamma: 5 });
    const expected = pfgmTargetRef(rows(perturbed), rows(data), 5);
    expect(worstRowError(rows(v), expected)).toBeLessThan(1e-4);
    tf.dispose([data, small, perturbed, v]);
    ref.dispose();
  });
});

describe.each([2, 50, 3072])('posterior means vs float64 reference, N = %i', (N) => {
  const sigmas = [0.05, 0.3, 1, 5, 40];
  it.each([1, 128, 2048, 1e9])('PFGM++ kernel, D = %d', (D) => {
    const rng = new Rng(N + D);
    const data = uniformData(rng, 40, N);
    const ref = prepareReference(data);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    // Queries: noisy copies of data points at several σ, plus pure noise.
    const B = sigmas.length;
    const base = tf.slice(data, [0, 0], [B, N]);
    const sig = Float32Array.from(sigmas);
    const x = tf.tidy(() => tf.add(base, tf.mul(rng.normal([B, N]), tf.tensor2d(sig, [B, 1])))) as tf.Tensor2D;
    const mean = pfgmppPosteriorMean(x, tf.tensor1d(sig), ref, D);
    const r2 = sigmas.map((s) => s * s * D);
    const expected = posteriorMeanRef(rows(x), rows(data), (d2, i) => (-(N + D) / 2) * Math.log1p(d2 / r2[i]));
    expect(worstRowError(rows(mean), expected)).toBeLessThan(1e-4);
    tf.dispose([data, base, x, mean]);
    ref.dispose();
  });

  it('Gaussian kernel (D = ∞)', () => {
    const rng = new Rng(N + 1);
    const data = uniformData(rng, 40, N);
    const ref = prepareReference(data);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    const B = sigmas.length;
    const sig = Float32Array.from(sigmas);
    const x = tf.tidy(() => tf.add(tf.slice(data, [0, 0], [B, N]), tf.mul(rng.normal([B, N]), tf.tensor2d(sig, [B, 1])))) as tf.Tensor2D;
    const mean = gaussianPosteriorMean(x, tf.tensor1d(sig), ref);
    const expected = posteriorMeanRef(rows(x), rows(data), (d2, i) => -d2 / (2 * sigmas[i] * sigmas[i]));
    expect(worstRowError(rows(mean), expected)).toBeLessThan(1e-4);
    tf.dispose([data, x, mean]);
    ref.dispose();
  });
});

describe('stability and chunking', () => {
  it('no overflow or NaN at N = 3072 with distances ≫ 1 and z → 0', () => {
    const rng = new Rng(3);
    const N = 3072;
    const data = tf.mul(uniformData(rng, 16, N), 1000) as tf.Tensor2D; // distances ~ 5e4
    const ref = prepareReference(data);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    const p = tf.concat([tf.mul(rng.normal([4, N]), 3000), tf.tensor2d([[1e-30], [0], [1e-3], [1e4]])], 1) as tf.Tensor2D;
    const v = pfgmTarget(p, ref);
    const vals = v.dataSync();
    expect(vals.every(Number.isFinite)).toBe(true);
    const expected = pfgmTargetRef(rows(p), rows(data), 5);
    expect(worstRowError(rows(v), expected)).toBeLessThan(1e-4);
    tf.dispose([data, p, v]);
    ref.dispose();
  });

  it.each([
    { maxBlock: 5 * 7, refChunk: 7 },
    { maxBlock: 13 },
    { maxBlock: 40 * 3 },
  ])('chunked equals unchunked (%o)', (chunk) => {
    const rng = new Rng(11);
    const N = 50;
    const data = uniformData(rng, 40, N);
    const ref = prepareReference(data);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    const x = tf.mul(rng.normal([9, N]), 0.6) as tf.Tensor2D;
    const r = tf.tensor1d(Float32Array.from(rng.uniformArray(9), (u) => 0.1 + 3 * u));
    for (const kernel of [{ kind: 'poisson', D: 1 } as const, { kind: 'poisson', D: 128 } as const, { kind: 'gaussian' } as const]) {
      const a = kernelMean(x, r, ref, kernel);
      const b = kernelMean(x, r, ref, kernel, chunk);
      expect(worstRowError(rows(b), rows(a))).toBeLessThan(1e-5);
      tf.dispose([a, b]);
    }
    tf.dispose([data, x, r]);
    ref.dispose();
  });

  it('chunked keeps full precision when the closest points are in the last chunk (N = 3072)', () => {
    const rng = new Rng(12);
    const N = 3072;
    const far = tf.mul(uniformData(rng, 30, N), 30); // first chunks: ~50× farther (in d²) than the last one
    const near = uniformData(rng, 10, N);
    const data = tf.concat([far, near], 0) as tf.Tensor2D;
    const ref = prepareReference(data);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    const sig = [0.3, 1, 2];
    // Queries around the centroid of the near points: their weights are mixed, so logit errors would show.
    const x = tf.tidy(() => tf.mul(rng.normal([3, N]), tf.tensor2d(sig, [3, 1]))) as tf.Tensor2D;
    for (const D of [1, 128]) {
      const mean = kernelMean(x, tf.tensor1d(sig.map((v) => v * Math.sqrt(D))), ref, { kind: 'poisson', D }, { refChunk: 10 });
      const r2 = sig.map((v) => v * v * D);
      const expected = posteriorMeanRef(rows(x), rows(data), (d2, i) => (-(N + D) / 2) * Math.log1p(d2 / r2[i]));
      expect(worstRowError(rows(mean), expected)).toBeLessThan(1e-4);
      mean.dispose();
    }
    tf.dispose([far, near, data, x]);
    ref.dispose();
  });

  it('field z-component is −r and the target norm is below √N; no leaks', async () => {
    const rng = new Rng(5);
    const data = uniformData(rng, 20, 3);
    const ref = prepareReference(data);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    const x = rng.normal([6, 3]) as tf.Tensor2D;
    const r = tf.tensor1d([0.1, 0.5, 1, 2, 4, 8]);
    await expectNoLeak(() => {
      const f = poissonField(x, r, ref, 1, { refChunk: 6 });
      expect(Array.from(f.Er.dataSync())).toEqual(Array.from(r.dataSync()).map((v) => -v));
      tf.dispose([f.Ex, f.Er]);
      const p = tf.tidy(() => tf.concat([x, tf.reshape(r, [6, 1])], 1) as tf.Tensor2D);
      const v = pfgmTarget(p, ref);
      const normT = tf.norm(v, 'euclidean', 1);
      const norms = normT.dataSync();
      normT.dispose();
      norms.forEach((n) => expect(n).toBeLessThan(Math.sqrt(3)));
      tf.dispose([p, v]);
    });
    tf.dispose([data, x, r]);
    ref.dispose();
  });
});

describe('prepareReference', () => {
  it('lazyTranspose: makes yᵀ on first use only, keeps it across tf.tidy, and frees it with the reference', async () => {
    const y = tf.randomNormal([5, 3], 0, 1, 'float32', 7);
    await expectNoLeak(() => {
      const before = tf.memory().numTensors;
      const eager = prepareReference(y);
      expect(tf.memory().numTensors - before).toBe(3); // y, yᵀ, |y|²
      eager.dispose();
      const ref = prepareReference(y, { lazyTranspose: true });
      expect(tf.memory().numTensors - before).toBe(2); // y, |y|²: no transpose yet
      const first = tf.tidy(() => tf.sum(ref.yT));
      expect(ref.yT.isDisposed).toBe(false); // not disposed by the tidy that created it
      expect(ref.yT).toBe(ref.yT);
      const [yT, total] = [tf.transpose(y), tf.sum(y)];
      expect(Array.from(ref.yT.dataSync())).toEqual(Array.from(yT.dataSync()));
      expect(first.dataSync()[0]).toBeCloseTo(total.dataSync()[0], 5);
      tf.dispose([first, yT, total]);
      ref.dispose();
    });
    y.dispose();
  });
});
