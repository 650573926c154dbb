import { describe, expect, it } from 'vitest';
import { Rng } from '@pfgm/tensor';
import { seedTolerance } from './seed-tolerance.js';

describe('seedTolerance', () => {
  it('computes mean, sample std and k = t_{1−α,K−1}·√(1 + 1/K) (ν = 2: t_{0.95} = 2.91999)', () => {
    const t = seedTolerance([1, 2, 3], 0.05);
    expect(t.mean).toBe(2);
    expect(t.std).toBeCloseTo(1, 12);
    expect(t.k).toBeCloseTo(2.919986 * Math.sqrt(4 / 3), 5);
    expect(t.tolerance).toBeCloseTo(2 + t.k, 12);
  });

  it('has false-alarm rate α for a fresh normal draw (Monte Carlo: 20000 trials, K = 8, α = 0.05, ±4.5 binomial σ)', () => {
    const rng = new Rng(7);
    const trials = 20_000;
    const alpha = 0.05;
    let alarms = 0;
    for (let i = 0; i < trials; i++) {
      const values = rng.normalArray(8).map((v) => 0.2 + 0.01 * v);
      const fresh = 0.2 + 0.01 * rng.nextNormal();
      if (fresh > seedTolerance(Array.from(values), alpha).tolerance) alarms++;
    }
    const sd = Math.sqrt((alpha * (1 - alpha)) / trials);
    expect(Math.abs(alarms / trials - alpha)).toBeLessThan(4.5 * sd);
  });

  it('refuses too few or non-finite values', () => {
    expect(() => seedTolerance([1], 0.001)).toThrow(/at least 2 seed values/);
    expect(() => seedTolerance([1, NaN, 2], 0.001)).toThrow(/must be finite/);
    expect(() => seedTolerance([1, 2], 0.7)).toThrow(/alpha must be in/);
  });
});
