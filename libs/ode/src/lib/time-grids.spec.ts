import { expectClose } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { edmGrid, logUniformGrid, uniformGrid, vpGrid } from './time-grids.js';

const diffs = (g: Float64Array) => Array.from(g.slice(1), (t, i) => t - g[i]);

describe('time grids', () => {
  it('uniformGrid: steps + 1 float64 times, exact ends, equal spacing, either direction', () => {
    const g = uniformGrid(0, 1, 10);
    expect(g).toBeInstanceOf(Float64Array);
    expect([g.length, g[0], g[10]]).toEqual([11, 0, 1]);
    expectClose(diffs(g), Array(10).fill(0.1), { rtol: 1e-12, atol: 0 });
    const back = uniformGrid(Math.log(40), Math.log(1e-3), 4);
    expect([back[0], back[4]]).toEqual([Math.log(40), Math.log(1e-3)]);
    expect(diffs(back).every((d) => d < 0)).toBe(true);
  });

  it('logUniformGrid: constant ratio z_{i+1}/z_i (uniform in log z), exact ends (PFGM z_max = 40 → ε = 1e-3)', () => {
    const g = logUniformGrid(40, 1e-3, 10);
    expect([g.length, g[0], g[10]]).toEqual([11, 40, 1e-3]);
    const r = (1e-3 / 40) ** (1 / 10);
    expectClose(Array.from(g.slice(1), (z, i) => z / g[i]), Array(10).fill(r), { rtol: 1e-12, atol: 0 });
    expect(() => logUniformGrid(1, 0, 4)).toThrow(/both ends must be > 0/);
  });

  it('edmGrid: σ_max … σ_min then 0, and σ^{1/ρ} linear in i (EDM Eq. 5)', () => {
    const g = edmGrid({ steps: 18 });
    expect(g.length).toBe(19); // Heun on it costs 2·18 − 1 = 35 NFE (EDM CIFAR-10)
    expect(g[0]).toBeCloseTo(80, 12);
    expect(g[17]).toBeCloseTo(0.002, 15);
    expect(g[18]).toBe(0);
    const root = Array.from(g.slice(0, 18), (s) => s ** (1 / 7));
    const d = diffs(Float64Array.from(root));
    expectClose(d, Array(17).fill((0.002 ** (1 / 7) - 80 ** (1 / 7)) / 17), { rtol: 1e-10, atol: 0 });
    const custom = edmGrid({ steps: 5, sigmaMax: 10, sigmaMin: 0.01, rho: 3 });
    expect([custom.length, custom[4], custom[5]]).toEqual([6, expect.closeTo(0.01, 14), 0]);
    expect(() => edmGrid({ steps: 1 })).toThrow(/steps must be an integer ≥ 2, got 1/);
    expect(() => edmGrid({ steps: 4, sigmaMin: 90 })).toThrow(/need sigmaMax > sigmaMin > 0/);
  });

  it('vpGrid: linspace(1, ε, N + 1) (score_sde), defaults ε = 1e-3', () => {
    const g = vpGrid({ steps: 1000 });
    expect([g.length, g[0], g[1000]]).toEqual([1001, 1, 1e-3]);
    expectClose(diffs(g), Array(1000).fill(-(1 - 1e-3) / 1000), { rtol: 1e-9, atol: 0 });
    expect(vpGrid({ steps: 2, eps: 1e-5 })[2]).toBe(1e-5);
    expect(() => vpGrid({ steps: 10, eps: 0 })).toThrow(/need T > eps > 0/);
  });

  it('rejects bad step counts and end points', () => {
    expect(() => uniformGrid(0, 1, 0)).toThrow(/steps must be an integer ≥ 1, got 0/);
    expect(() => uniformGrid(0, 1, 2.5)).toThrow(/steps must be an integer/);
    expect(() => uniformGrid(1, 1, 3)).toThrow(/both 1; the grid needs two different end times/);
    expect(() => uniformGrid(0, Infinity, 3)).toThrow(/t1 must be a finite number, got Infinity/);
  });
});
