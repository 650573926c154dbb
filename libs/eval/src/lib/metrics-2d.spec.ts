import { describe, expect, it } from 'vitest';
import { Rng } from '@pfgm/tensor';
import { expectClose } from '@pfgm/tensor/testing';
import { mmdRbf } from './mmd.js';
import { slicedWasserstein2, wasserstein2Squared1d } from './sliced-wasserstein.js';

/** n points of N(mu, s² I₂), row-major [n, 2]. */
function gaussian2d(rng: Rng, n: number, mu: [number, number], s: number): Float64Array {
  const z = rng.normalArray(2 * n);
  return z.map((v, k) => mu[k % 2] + s * v);
}

describe('wasserstein2Squared1d', () => {
  it('is exact for hand-computed empirical measures, equal and unequal sizes', () => {
    expect(wasserstein2Squared1d([3, 1, 2], [2, 3, 4])).toBeCloseTo(1, 14); // sorted pairs differ by 1
    // {0, 1} vs {0, 0.5, 1}: quantile pieces [0,⅓): 0−0, [⅓,½): 0−0.5, [½,⅔): 1−0.5, [⅔,1]: 1−1 → (⅙)(¼)·2
    expectClose(wasserstein2Squared1d([0, 1], [0, 0.5, 1]), 1 / 12, { rtol: 1e-14 });
  });
});

describe('slicedWasserstein2 (2-D)', () => {
  it('a translated copy is at SW2² = ‖v‖²/2 exactly (projections shift by θ·v)', () => {
    const x = gaussian2d(new Rng(1), 300, [0, 0], 1);
    const v = [0.7, -1.9];
    const y = x.map((p, k) => p + v[k % 2]);
    expectClose(slicedWasserstein2(x, y, 2, { directions: 16 }) ** 2, (v[0] ** 2 + v[1] ** 2) / 2, { rtol: 1e-12 });
    expect(slicedWasserstein2(x, x, 2)).toBe(0);
  });

  it('matches the Gaussian closed form ‖Δμ‖²/2 + (s1 − s2)² from large samples', () => {
    const rng = new Rng(2);
    const x = gaussian2d(rng, 20_000, [0, 0], 1);
    const y = gaussian2d(rng, 30_000, [1, 0.5], 1.5);
    const closed = (1 + 0.25) / 2 + 0.25;
    expectClose(slicedWasserstein2(x, y, 2, { directions: 64 }) ** 2, closed, { rtol: 0.03 });
  });

  it('uses seeded random directions in higher dimension (translation stays exact in expectation over θ)', () => {
    const x = Float64Array.from(new Rng(3).normalArray(3 * 200));
    const y = x.map((p, k) => p + (k % 3 === 0 ? 2 : 0));
    const sw = slicedWasserstein2(x, y, 3, { directions: 4000, seed: 5 });
    expectClose(sw ** 2, 4 / 3, { rtol: 0.05 }); // E[(θ·v)²] = ‖v‖²/d
    expect(sw).toBe(slicedWasserstein2(x, y, 3, { directions: 4000, seed: 5 }));
  });
});

describe('mmdRbf', () => {
  it('is exact for two point masses: 2 − 2·exp(−‖a − b‖²/(2h²))', () => {
    const x = [1, 2, 1, 2, 1, 2];
    const y = [0, 0, 0, 0];
    const res = mmdRbf(x, y, 2, { bandwidths: [0.5, 1, 3] });
    for (const { h, mmd2 } of res) expectClose(mmd2, 2 - 2 * Math.exp(-5 / (2 * h * h)), { rtol: 1e-12 });
  });

  it('matches the Gaussian closed form and is ≈ 0 for P = Q', () => {
    // E k(X, Y) for X − Y ~ N(Δ, σ² I_d): (h²/(h²+σ²))^{d/2} exp(−‖Δ‖²/(2(h²+σ²)))
    const A = (h: number, s2: number, d2: number) => (h * h / (h * h + s2)) * Math.exp(-d2 / (2 * (h * h + s2)));
    const rng = new Rng(4);
    const x = gaussian2d(rng, 2500, [0, 0], 1);
    const y = gaussian2d(rng, 2500, [0.8, 0], 1.3);
    const hs = [0.5, 1, 2];
    const res = mmdRbf(x, y, 2, { bandwidths: hs });
    for (const { h, mmd2 } of res) {
      const closed = A(h, 2, 0) + A(h, 2 * 1.69, 0) - 2 * A(h, 1 + 1.69, 0.64);
      // sampling std at n = 2500 is ≈ 6% of the value (10 numpy repeats at n = 800 gave 11%, 10%, 10%): 4σ tolerance
      expect(Math.abs(mmd2 - closed), `h = ${h}: ${mmd2} vs ${closed}`).toBeLessThan(0.25 * closed);
    }
    const same = mmdRbf(x, gaussian2d(rng, 1500, [0, 0], 1), 2, { bandwidths: hs });
    for (const { mmd2 } of same) expect(Math.abs(mmd2)).toBeLessThan(3e-3);
  });

  it('defaults to median-heuristic bandwidths and rejects bad input', () => {
    const res = mmdRbf([0, 0, 1, 0, 0, 1], [2, 2, 3, 3], 2);
    expect(res.map((r) => r.h / res[2].h)).toEqual([0.25, 0.5, 1, 2, 4]);
    expect(() => mmdRbf([0, 0, 1], [0, 0, 1, 1], 2)).toThrow(/row-major \[N, 2\]/);
    expect(() => mmdRbf([0, 0], [0, 0, 1, 1], 2)).toThrow(/at least 2 points/);
  });
});
