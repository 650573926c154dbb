import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { sampleGamma, sampleLogGamma } from './gamma.js';
import { gammaCdf, KS_ALPHA, ksTest, momentZScores } from './stat-checks.js';

const n = 5000;

describe('Gamma(k, 1) (Marsaglia–Tsang, boost for k < 1)', () => {
  it.each([0.1, 0.5, 1, 3.7, 1536])('k = %s matches the exact CDF (KS) and mean = variance = k', (k) => {
    const g = new Rng(1000 + Math.round(k * 10)).gammaArray(k, n);
    const ks = ksTest(g, (x) => gammaCdf(x, k));
    expect(ks.pValue, `KS D = ${ks.statistic}`).toBeGreaterThan(KS_ALPHA);
    const z = momentZScores(g, k, k);
    expect(Math.abs(z.zMean)).toBeLessThan(4);
    expect(Math.abs(z.zVar)).toBeLessThan(4);
  });

  it('has power: the same KS test rejects a sampler with shape k + 0.05', () => {
    const k = 0.5;
    const wrong = new Rng(1005).gammaArray(k + 0.05, n);
    expect(ksTest(wrong, (x) => gammaCdf(x, k)).pValue).toBeLessThan(KS_ALPHA);
  });

  it('samples ln G for tiny k where G itself underflows (k = 0.001: about half the draws are < e^-745)', () => {
    const k = 0.001;
    const rng = new Rng(77);
    const logG = Float64Array.from({ length: n }, () => sampleLogGamma(rng, k));
    expect(logG.every(Number.isFinite)).toBe(true);
    const zeros = Float64Array.from({ length: 2000 }, () => sampleGamma(rng, k)).filter((g) => g === 0).length;
    expect(zeros).toBeGreaterThan(500); // why the log path exists
    // Exact CDF of ln G: F(e^l). Below l = −700, F(x) = x^k e^{−x} Σ x^m/Γ(k+m+1) = exp(k·l − lnΓ(k+1)) to 1e−300.
    const lnGamma1pk = lnGamma1p(k);
    const cdf = (l: number) => (l < -700 ? Math.exp(k * l - lnGamma1pk) : gammaCdf(Math.exp(l), k));
    const ks = ksTest(logG, cdf);
    expect(ks.pValue, `KS D = ${ks.statistic}`).toBeGreaterThan(KS_ALPHA);
  });

  it('rejects bad shapes with a clear message', () => {
    const rng = new Rng(1);
    for (const k of [0, -1, Number.NaN, Infinity]) {
      expect(() => rng.nextGamma(k)).toThrow(/Gamma shape k = .*expected a finite number > 0/);
    }
  });
});

/** ln Γ(1 + k) for |k| ≤ 0.01 by its Maclaurin series −γk + Σ_{m≥2} (−1)^m ζ(m) k^m/m (error < 1e−13). */
function lnGamma1p(k: number): number {
  const eulerGamma = 0.5772156649015329;
  const zeta = [0, 0, Math.PI ** 2 / 6, 1.2020569031595942, Math.PI ** 4 / 90, 1.03692775514337];
  let s = -eulerGamma * k;
  for (let m = 2; m < zeta.length; m++) s += ((-1) ** m * zeta[m] * k ** m) / m;
  return s;
}
