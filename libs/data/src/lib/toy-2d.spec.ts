import { readFileSync } from 'node:fs';
import { Rng } from '@pfgm/tensor';
import { expectClose } from '@pfgm/tensor/testing';
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { describe, expect, it } from 'vitest';
import { RING_RADII, toy2d, toyDataset, TOY_2D_NAMES, type Toy2dName } from './toy-2d.js';

/** scipy reference log-densities (fixtures/gen-mixture-logpdf.py). */
const ref = JSON.parse(readFileSync(new URL('../../fixtures/mixture-logpdf.json', import.meta.url), 'utf8')) as {
  points: [number, number][];
  mixture: number[];
  '8gaussians': number[];
};

/** The toy's exact log-density (these toys have one). */
function logp(name: Toy2dName) {
  const f = toy2d(name).logDensity;
  if (!f) throw new Error(`${name} has no closed-form density`);
  return f;
}

/** ∫ exp(log p) over [−L, L]² by the midpoint rule with step h. */
function integrate(name: Toy2dName, L: number, h: number): number {
  const m = Math.round((2 * L) / h);
  const pts = new Float64Array(2 * m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) pts.set([-L + (i + 0.5) * h, -L + (j + 0.5) * h], 2 * (i * m + j));
  return logp(name)(pts).reduce((s, lp) => s + Math.exp(lp), 0) * h * h;
}

/** χ² goodness of fit of samples to the density, on cells of side h over [−L, L]², merging cells with < 5 expected. */
function chiSquareP(name: Toy2dName, n: number, L: number, h: number, sub = 10): number {
  const toy = toy2d(name);
  const x = toy.sample(n, new Rng(123));
  const m = Math.round((2 * L) / h);
  const observed = new Float64Array(m * m);
  for (let i = 0; i < n; i++) {
    const a = Math.floor((x[2 * i] + L) / h);
    const b = Math.floor((x[2 * i + 1] + L) / h);
    if (a >= 0 && a < m && b >= 0 && b < m) observed[a * m + b]++;
  }
  const expected = new Float64Array(m * m);
  const hs = h / sub;
  for (let c = 0; c < m * m; c++) {
    const pts = new Float64Array(2 * sub * sub);
    const [a, b] = [Math.floor(c / m), c % m];
    for (let i = 0; i < sub; i++) for (let j = 0; j < sub; j++) pts.set([-L + a * h + (i + 0.5) * hs, -L + b * h + (j + 0.5) * hs], 2 * (i * sub + j));
    expected[c] = n * logp(name)(pts).reduce((s, lp) => s + Math.exp(lp), 0) * hs * hs;
  }
  let chi2 = 0;
  let cells = 0;
  let restO = n - observed.reduce((s, v) => s + v, 0);
  let restE = n - expected.reduce((s, v) => s + v, 0);
  for (let c = 0; c < m * m; c++) {
    if (expected[c] < 5) {
      restO += observed[c];
      restE += expected[c];
    } else {
      chi2 += (observed[c] - expected[c]) ** 2 / expected[c];
      cells++;
    }
  }
  if (restE >= 5) {
    chi2 += (restO - restE) ** 2 / restE;
    cells++;
  }
  return 1 - chisquareCdf(chi2, cells - 1);
}

describe('2-D toys', () => {
  it('mixture and 8gaussians log-densities equal scipy multivariate_normal mixtures', () => {
    const pts = Float64Array.from(ref.points.flat());
    expectClose(logp('mixture')(pts), ref.mixture, { rtol: 1e-10, atol: 1e-10 });
    expectClose(logp('8gaussians')(pts), ref['8gaussians'], { rtol: 1e-10, atol: 1e-10 });
  });

  it('known densities integrate to 1', () => {
    expect(integrate('mixture', 8, 0.02)).toBeCloseTo(1, 5);
    expect(integrate('8gaussians', 6, 0.02)).toBeCloseTo(1, 5);
    expect(integrate('checkerboard', 5, 0.05)).toBeCloseTo(1, 10);
  });

  it('samplers agree with their densities (χ² goodness of fit, 20 000 points, p > 1e-3)', () => {
    expect(chiSquareP('mixture', 20000, 4, 0.5)).toBeGreaterThan(1e-3);
    expect(chiSquareP('8gaussians', 20000, 4, 0.5)).toBeGreaterThan(1e-3);
    expect(chiSquareP('checkerboard', 20000, 4, 1)).toBeGreaterThan(1e-3);
  });

  it('checkerboard samples all lie on dark squares', () => {
    const lp = logp('checkerboard')(toy2d('checkerboard').sample(5000, new Rng(9)));
    expect(lp.every((v) => v === -Math.log(32))).toBe(true);
  });

  /** Mean and std of (distance to centre − radius) over points i ≡ which (mod k). */
  function radial(x: Float64Array, k: number, which: number, cx: number, cy: number, r: number) {
    const d: number[] = [];
    for (let i = which; 2 * i < x.length; i += k) d.push(Math.hypot(x[2 * i] - cx, x[2 * i + 1] - cy) - r);
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    return { mean, std: Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length) };
  }

  it('moons: each half lies on its arc of radius 2 with noise std 0.2 (×2 of sklearn 0.1)', () => {
    const x = toy2d('moons').sample(20000, new Rng(4));
    for (const [which, cx, cy] of [[0, -1, -0.2], [1, 1, 0.8]] as const) {
      const { mean, std } = radial(x, 2, which, cx, cy, 2);
      expect(Math.abs(mean)).toBeLessThan(0.02);
      expect(std).toBeGreaterThan(0.18);
      expect(std).toBeLessThan(0.22);
    }
  });

  it('rings: ring i mod 4 has radius 3, 2.25, 1.5, 0.75 and noise std 0.08', () => {
    const x = toy2d('rings').sample(20000, new Rng(5));
    RING_RADII.forEach((r, which) => {
      const { mean, std } = radial(x, 4, which, 0, 0, r);
      expect(Math.abs(mean)).toBeLessThan(0.01);
      expect(std).toBeGreaterThan(0.07);
      expect(std).toBeLessThan(0.09);
    });
  });

  it('swiss roll: 5·(x, y) ≈ t (cos t, sin t) with t ∈ [1.5π, 4.5π] and unit noise', () => {
    const x = toy2d('swissroll').sample(20000, new Rng(6));
    let inside = 0;
    const r: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const [a, b] = [5 * x[2 * i], 5 * x[2 * i + 1]];
      r.push(Math.hypot(a, b));
      if (Math.hypot(a, b) > 1.5 * Math.PI - 3 && Math.hypot(a, b) < 4.5 * Math.PI + 3) inside++;
    }
    expect(inside / 20000).toBeGreaterThan(0.99);
    const meanR = r.reduce((s, v) => s + v, 0) / r.length;
    expect(Math.abs(meanR - 3 * Math.PI)).toBeLessThan(0.2); // E[t] = 3π; noise adds ≈ 1/(2t) on average
  });

  it('seeded: same seed → same points, another seed → other points, for every toy', () => {
    for (const name of TOY_2D_NAMES) {
      const a = toyDataset(name, 100, 1);
      expect(a.name).toBe(`toy:${name}`);
      expect(a.sampleShape).toEqual([2]);
      expect(toyDataset(name, 100, 1).points).toEqual(a.points);
      expect(toyDataset(name, 100, 2).points).not.toEqual(a.points);
      expect(a.points.every(Number.isFinite)).toBe(true);
    }
    expect(() => toyDataset('moons', 0)).toThrow(/positive integer, got 0/);
  });
});
