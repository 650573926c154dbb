import { describe, expect, it } from 'vitest';
import { contrast, meanInterval } from './contrast.js';
import { combineVerdicts, verdictOf } from './verdict.js';

describe('contrast (Welch)', () => {
  it('one group: the textbook t-interval (x̄ ± t₀.₉₇₅,₂·s/√3)', () => {
    const c = meanInterval([1, 2, 6]);
    // mean 3, s² = (4 + 1 + 9)/2 = 7, se = √(7/3), t_{0.975, 2} = 4.302653
    expect(c.estimate).toBeCloseTo(3, 12);
    expect(c.df).toBeCloseTo(2, 12);
    expect(c.hi - c.estimate).toBeCloseTo(4.302653 * Math.sqrt(7 / 3), 5);
  });

  it('two groups: Welch–Satterthwaite df and the difference of means', () => {
    const a = [10, 12, 14, 16];
    const b = [1, 2, 3];
    const c = contrast([{ values: a, weight: 1 }, { values: b, weight: -1 }]);
    const va = 20 / 3 / 4; // s²_a/n_a
    const vb = 1 / 3; // s²_b/n_b
    expect(c.estimate).toBeCloseTo(13 - 2, 12);
    expect(c.se).toBeCloseTo(Math.sqrt(va + vb), 12);
    expect(c.df).toBeCloseTo((va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 2), 10);
    expect(c.lo).toBeGreaterThan(0);
  });

  it('covers the true contrast at its nominal rate (simulation, 4000 draws of 3 seeds)', () => {
    let s = 12345;
    const u = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
    const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    let covered = 0;
    const trials = 4000;
    for (let i = 0; i < trials; i++) {
      const a = [0, 0, 0].map(() => 5 + normal());
      const b = [0, 0, 0].map(() => 3 + 2 * normal());
      const c = contrast([{ values: a, weight: 1 }, { values: b, weight: -1 }]);
      if (c.lo <= 2 && 2 <= c.hi) covered++;
    }
    // Welch is slightly conservative at these sizes: coverage ≥ 0.93 and ≤ 0.99.
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.99);
  });

  it('fewer than two seeds or a non-finite value gives no interval (−∞, ∞)', () => {
    expect(contrast([{ values: [1], weight: 1 }, { values: [1, 2], weight: -1 }])).toMatchObject({ lo: -Infinity, hi: Infinity });
    const c = contrast([{ values: [1, NaN, 3], weight: 1 }]);
    expect(c.lo).toBe(-Infinity);
    expect(Number.isNaN(c.estimate)).toBe(true);
  });
});

describe('verdicts', () => {
  const iv = (lo: number, hi: number) => ({ estimate: (lo + hi) / 2, se: 1, df: 2, lo, hi, level: 0.95, n: [3, 3] });
  it('reproduced only when every interval is above 0; not reproduced when any is below', () => {
    expect(verdictOf([iv(0.1, 2), iv(1, 3)])).toBe('reproduced');
    expect(verdictOf([iv(0.1, 2), iv(-1, 3)])).toBe('inconclusive at this scale');
    expect(verdictOf([iv(0.1, 2), iv(-3, -1)])).toBe('not reproduced');
    expect(verdictOf([])).toBe('inconclusive at this scale');
  });
  it('combines parts', () => {
    expect(combineVerdicts(['reproduced', 'reproduced'])).toBe('reproduced');
    expect(combineVerdicts(['reproduced', 'inconclusive at this scale'])).toBe('inconclusive at this scale');
    expect(combineVerdicts(['reproduced', 'not reproduced'])).toBe('not reproduced');
  });
});
