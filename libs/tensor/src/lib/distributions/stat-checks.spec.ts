import gammaCdfStdlib from '@stdlib/stats-base-dists-gamma-cdf';
import { describe, expect, it } from 'vitest';
import fixture from './fixtures/gamma-cdf-scipy.json' with { type: 'json' };
import { lnGammaStirling, regularizedGammaP } from './stat-checks.js';

describe('test-only reference Gamma CDF', () => {
  it('lnGammaStirling matches ln((k−1)!) at integers', () => {
    for (const k of [10, 17, 40]) {
      let lnFact = 0;
      for (let j = 2; j < k; j++) lnFact += Math.log(j);
      expect(Math.abs(lnGammaStirling(k) - lnFact)).toBeLessThan(1e-12 * Math.max(1, lnFact));
    }
  });

  it('regularizedGammaP agrees with stdlib gamma-cdf where stdlib is right (k ≤ 200), both branches', () => {
    for (const k of [20, 55.5, 100, 200]) {
      for (const t of [-4, -2, -0.5, 0, 0.3, 1, 2.5, 5]) {
        const x = k + t * Math.sqrt(k);
        expect(Math.abs(regularizedGammaP(k, x) - gammaCdfStdlib(x, k, 1))).toBeLessThan(1e-11);
      }
    }
  });

  it('P(k, x) at k = 1536 is monotone from 0 to 1 with median ≈ k − 1/3', () => {
    const k = 1536;
    const xs = Array.from({ length: 81 }, (_, i) => k + (i - 40) * 0.2 * Math.sqrt(k));
    const p = xs.map((x) => regularizedGammaP(k, x));
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThan(p[i - 1]);
    expect(p[0]).toBeLessThan(1e-14);
    expect(p.at(-1)).toBeGreaterThan(1 - 1e-13);
    // Gamma median ≈ k − 1/3 + 8/(405k) (Choi 1994); the pdf there is ≈ 1/√(2πk).
    expect(Math.abs(regularizedGammaP(k, k - 1 / 3 + 8 / (405 * k)) - 0.5)).toBeLessThan(1e-6);
  });

  it(`matches scipy at large k (${fixture.source})`, () => {
    for (const { k, x, cdf } of fixture.rows) expect(Math.abs(regularizedGammaP(k, x) - cdf)).toBeLessThan(1e-10);
  });
});
