import betaCdf from '@stdlib/stats-base-dists-beta-cdf';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeak } from '../../testing.js';
import { Rng } from '../rng.js';
import { KS_ALPHA, ksTest } from './stat-checks.js';

describe('uniform directions on S^{N−1}', () => {
  it.each([2, 3, 50])('N = %s: unit norms, mean ≈ 0, covariance ≈ I/N', (N) => {
    const n = 20_000;
    const u = new Rng(4000 + N).directionArray(n, N); // [n, N]
    const mean = new Float64Array(N);
    const cov = new Float64Array(N * N); // E[u uᵀ] (the mean is 0)
    let worstNorm = 0;
    for (let i = 0; i < n; i++) {
      const row = u.subarray(i * N, (i + 1) * N);
      let sq = 0;
      for (let j = 0; j < N; j++) {
        sq += row[j] * row[j];
        mean[j] += row[j] / n;
        for (let l = 0; l < N; l++) cov[j * N + l] += (row[j] * row[l]) / n;
      }
      worstNorm = Math.max(worstNorm, Math.abs(Math.sqrt(sq) - 1));
    }
    expect(worstNorm).toBeLessThan(1e-15);
    // Standard errors: mean 1/√(nN); E[u_j²] has var 3/(N(N+2)) − 1/N²; E[u_j u_l] has var 1/(N(N+2)).
    const seMean = Math.sqrt(1 / (n * N));
    const seDiag = Math.sqrt((3 / (N * (N + 2)) - 1 / N ** 2) / n);
    const seOff = Math.sqrt(1 / (N * (N + 2)) / n);
    for (let j = 0; j < N; j++) {
      expect(Math.abs(mean[j]) / seMean).toBeLessThan(5);
      for (let l = 0; l < N; l++) {
        const z = j === l ? (cov[j * N + l] - 1 / N) / seDiag : cov[j * N + l] / seOff;
        expect(Math.abs(z), `cov[${j}, ${l}]`).toBeLessThan(5);
      }
    }
  });

  it.each([2, 3, 50])('N = %s: (u_1 + 1)/2 ~ Beta((N−1)/2, (N−1)/2) (KS)', (N) => {
    const n = 5000;
    const u = new Rng(4100 + N).directionArray(n, N);
    const c = Float64Array.from({ length: n }, (_, i) => (u[i * N] + 1) / 2);
    const h = (N - 1) / 2;
    const ks = ksTest(c, (v) => betaCdf(v, h, h));
    expect(ks.pValue, `KS D = ${ks.statistic}`).toBeGreaterThan(KS_ALPHA);
  });

  it('has power: the KS test rejects N = 50 coordinates against the N = 40 law', () => {
    const N = 50;
    const u = new Rng(4200).directionArray(5000, N);
    const c = Float64Array.from({ length: 5000 }, (_, i) => (u[i * N] + 1) / 2);
    expect(ksTest(c, (v) => betaCdf(v, 39 / 2, 39 / 2)).pValue).toBeLessThan(KS_ALPHA);
  });

  it('directions(shape) is a float32 tensor of unit rows over the non-batch dims, without leaks', async () => {
    await expectNoLeak(() => {
      const u = new Rng(4300).directions([4, 3, 2, 2]); // [B, C, H, W], N = 12
      expect(u.dtype).toBe('float32');
      expect(u.shape).toEqual([4, 3, 2, 2]);
      const norms = tf.tidy(() => tf.sqrt(tf.sum(tf.square(tf.reshape(u, [4, 12])), 1)));
      expectClose(norms, [1, 1, 1, 1], { rtol: 1e-6 });
      tf.dispose([u, norms]);
    });
  });

  it('rejects bad sizes with a clear message', () => {
    const rng = new Rng(1);
    expect(() => rng.directionArray(3, 0)).toThrow(/sphere dimension N .* = 0: expected an integer ≥ 1/);
    expect(() => rng.directions([5])).toThrow(/expected \[B, \.\.\.rest\]/);
    expect(() => rng.directionArray(-1, 3)).toThrow(/number of directions n = -1/);
  });
});
