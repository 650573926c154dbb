import { describe, expect, it } from 'vitest';
import { withNoiseDraws, withSeeds } from './image-experiment.js';
import { cellModelSpec, cellSamplingSeed, cellSeed, type ImageCell } from './image-sweep.js';
import { FMNIST_BASE } from './fmnist-base.js';
import { eulerSweep } from './euler-sweep.js';

const cells: ImageCell[] = [
  { id: 'pfgm-n-euler-5', method: { name: 'pfgm' }, net: 'ddpmpp-small', solver: { solver: 'euler', nfe: 5 } },
  { id: 'vp-n-euler-5', method: { name: 'vp' }, net: 'ddpmpp-small', solver: { solver: 'euler', nfe: 5 } },
  { id: 'pfgm-n-rk45', method: { name: 'pfgm' }, net: 'ddpmpp-small', solver: { solver: 'rk45' } },
];

describe('seed sweeps', () => {
  it('repeats every cell per seed, seed-major, and leaves a config without seeds alone', () => {
    expect(withSeeds({}, cells)).toEqual(cells);
    const s = withSeeds({ seeds: [1, 2] }, cells);
    expect(s.map((c) => c.id)).toEqual(['pfgm-n-euler-5-s1', 'vp-n-euler-5-s1', 'pfgm-n-rk45-s1', 'pfgm-n-euler-5-s2', 'vp-n-euler-5-s2', 'pfgm-n-rk45-s2']);
    expect(s.map((c) => c.seed)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(() => withSeeds({ seeds: [] }, cells)).toThrow(/seeds \[\]: expected one or more non-negative integers/);
  });

  it('a seed trains its own model (different store key) and samples with its own seed', () => {
    const cfg = FMNIST_BASE.claims;
    const [a, b] = withSeeds({ seeds: [1, 2] }, [cells[0]]);
    expect(cellModelSpec(a, cfg, '').seed).toBe(1);
    expect(cellModelSpec(b, cfg, '').seed).toBe(2);
    expect(cellSeed(cells[0], cfg)).toBe(cfg.seed);
    expect(cellSamplingSeed({ ...a, samplingSeed: 1001 }, cfg)).toBe(1001);
    expect(cellSamplingSeed(a, cfg)).toBe(1);
  });

  it('sampling-noise draws: the first seed\'s cells of the first solver, sampled again from the same model', () => {
    const s = withNoiseDraws({ seeds: [1, 2], noiseDraws: 2 }, withSeeds({ seeds: [1, 2] }, cells));
    const extra = s.slice(6);
    expect(extra.map((c) => c.id)).toEqual(['pfgm-n-euler-5-s1-draw1', 'pfgm-n-euler-5-s1-draw2', 'vp-n-euler-5-s1-draw1', 'vp-n-euler-5-s1-draw2']);
    expect(extra.map((c) => [c.seed, c.samplingSeed])).toEqual([[1, 1001], [1, 1002], [1, 1001], [1, 1002]]);
    expect(cellModelSpec(extra[0], FMNIST_BASE.claims, '')).toEqual(cellModelSpec(s[0], FMNIST_BASE.claims, ''));
  });

  it('the euler-sweep claims preset: PFGM and VP-ODE × Euler NFE 5…100 and RK45 × 3 seeds, plus noise draws', () => {
    const plan = eulerSweep.cells(eulerSweep.presets.claims as NonNullable<typeof eulerSweep.presets.claims>);
    expect(plan.filter((c) => c.samplingSeed === undefined)).toHaveLength(2 * 6 * 3);
    expect(plan.filter((c) => c.samplingSeed !== undefined)).toHaveLength(2 * 4);
  });
});
