import { describe, expect, it } from 'vitest';
import { Rng } from '@pfgm/tensor';
import { binomialUpperTail, escapeTolerance } from './escape-bound.js';

/** P(Binomial(T, p) ≥ x) by summing the pmf in float64 (the reference). */
function tailBySum(x: number, T: number, p: number): number {
  let s = 0;
  let logC = 0; // log C(T, k), updated incrementally
  for (let k = 0; k <= T; k++) {
    if (k > 0) logC += Math.log((T - k + 1) / k);
    if (k >= x) s += Math.exp(logC + k * Math.log(p) + (T - k) * Math.log1p(-p));
  }
  return s;
}

/** A Poisson(λ) draw by inversion (λ small). */
function poisson(rng: Rng, lambda: number): number {
  let k = 0;
  let p = Math.exp(-lambda);
  let c = p;
  const u = rng.next();
  while (u > c) {
    k++;
    p *= lambda / k;
    c += p;
  }
  return k;
}

describe('escapeTolerance (conditional test of two Poisson rates)', () => {
  it('binomialUpperTail equals the summed pmf', () => {
    for (const [x, T, p] of [[1, 5, 0.1], [3, 20, 1 / 17], [10, 40, 0.2], [0, 7, 0.3], [8, 7, 0.3]]) expect(binomialUpperTail(x, T, p)).toBeCloseTo(tailBySum(x, T, p), 12);
  });

  it('with no baseline escapes allows (1/(K+1))^X > α: K = 16, α = 0.001 → 2; more baseline escapes allow more', () => {
    expect(escapeTolerance(0, 16, 0.001)).toBe(2);
    expect(escapeTolerance(0, 16, 0.05)).toBe(1);
    expect(escapeTolerance(23, 16, 0.001)).toBeGreaterThan(escapeTolerance(5, 16, 0.001));
    const x = escapeTolerance(23, 16, 0.001);
    expect(tailBySum(x, x + 23, 1 / 17)).toBeGreaterThan(0.001);
    expect(tailBySum(x + 1, x + 24, 1 / 17)).toBeLessThanOrEqual(0.001);
  });

  it('flags an unchanged Poisson rate at most α of the time, and a 6× rate mostly (Monte Carlo, 20000 trials, K = 16, λ = 1.5, α = 0.05)', () => {
    const rng = new Rng(11);
    const K = 16;
    const trials = 20_000;
    let alarms = 0;
    let caught = 0;
    for (let i = 0; i < trials; i++) {
      let C = 0;
      for (let k = 0; k < K; k++) C += poisson(rng, 1.5);
      const tol = escapeTolerance(C, K, 0.05);
      if (poisson(rng, 1.5) > tol) alarms++;
      if (poisson(rng, 9) > tol) caught++;
    }
    expect(alarms / trials).toBeLessThan(0.05 + 4.5 * Math.sqrt((0.05 * 0.95) / trials));
    expect(caught / trials).toBeGreaterThan(0.9);
  });

  it('refuses bad arguments', () => {
    expect(() => escapeTolerance(-1, 16, 0.001)).toThrow(/non-negative integer/);
    expect(() => escapeTolerance(0, 0, 0.001)).toThrow(/K must be a positive integer/);
  });
});
