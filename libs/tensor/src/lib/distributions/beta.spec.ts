import betaCdf from '@stdlib/stats-base-dists-beta-cdf';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { sampleBeta, sampleBetaPrime } from './beta.js';
import { KS_ALPHA, ksTest, momentZScores } from './stat-checks.js';

const n = 5000;
const N = 3072; // CIFAR-10: 3·32·32
const EPS = 2 ** -52;

/** Beta(a, b) mean and variance. */
const betaMoments = (a: number, b: number) => ({ mean: a / (a + b), variance: (a * b) / ((a + b) ** 2 * (a + b + 1)) });

// PFGM prior: Beta(N/2, 1/2) (= PFGM++ with D = 1); PFGM++ kernel: Beta(N/2, D/2).
const CASES: [label: string, a: number, b: number][] = [
  ['PFGM prior Beta(N/2, 1/2)', N / 2, 1 / 2],
  ['PFGM++ D = 1', N / 2, 1 / 2],
  ['PFGM++ D = 128', N / 2, 128 / 2],
  ['PFGM++ D = 2048', N / 2, 2048 / 2],
  ['PFGM++ D = 3072000', N / 2, 3072000 / 2],
];

describe('Beta(a, b) as G_a/(G_a + G_b)', () => {
  it.each(CASES)('%s: x and 1 − x match their exact CDFs (KS), moments match', (_label, a, b) => {
    const seed = 2000 + CASES.findIndex((c) => c[0] === _label);
    const { x, oneMinusX } = new Rng(seed).betaArray(a, b, n);
    const ksX = ksTest(x, (v) => betaCdf(v, a, b));
    expect(ksX.pValue, `KS D = ${ksX.statistic}`).toBeGreaterThan(KS_ALPHA);
    const ksC = ksTest(oneMinusX, (v) => betaCdf(v, b, a)); // 1 − x ~ Beta(b, a)
    expect(ksC.pValue, `KS D = ${ksC.statistic}`).toBeGreaterThan(KS_ALPHA);
    const m = betaMoments(a, b);
    const z = momentZScores(x, m.mean, m.variance);
    expect(Math.abs(z.zMean)).toBeLessThan(4);
    expect(Math.abs(z.zVar)).toBeLessThan(4);
    let worstSum = 0;
    for (let i = 0; i < n; i++) worstSum = Math.max(worstSum, Math.abs(x[i] + oneMinusX[i] - 1));
    expect(worstSum).toBeLessThanOrEqual(2 * EPS);
  });

  it('has power: Beta(N/2, D/2) with D = 2048 is rejected by the KS test of D = 2200', () => {
    const { x } = new Rng(2010).betaArray(N / 2, 2200 / 2, n);
    expect(ksTest(x, (v) => betaCdf(v, N / 2, 2048 / 2)).pValue).toBeLessThan(KS_ALPHA);
  });

  it('computes 1 − x as G_b/(G_a + G_b): same gammas, no cancellation (Beta(N/2, 1/2), x near 1)', () => {
    const [a, b] = [N / 2, 1 / 2];
    const rng = new Rng(2020);
    const twin = new Rng(0);
    twin.setState(rng.state());
    let worstNaive = 0;
    for (let i = 0; i < 2000; i++) {
      const d = sampleBeta(rng, a, b);
      const ga = twin.nextGamma(a);
      const gb = twin.nextGamma(b);
      const ref = gb / (ga + gb); // rel. error ≤ 2 ulp
      expect(d.x).toBeGreaterThan(0.99); // x is near 1 here: 1 − x would cancel
      expect(Math.abs(d.oneMinusX - ref) / ref).toBeLessThanOrEqual(2 * EPS);
      worstNaive = Math.max(worstNaive, Math.abs(1 - d.x - ref) / ref);
    }
    // The cancelling 1 − x loses about log10(1/(1 − x)) ≈ 3–5 digits; ours keeps them.
    expect(worstNaive).toBeGreaterThan(100 * EPS);
  });

  it('keeps 1 − x when it is below float64 resolution (Beta(5, 0.05)); the cancelling 1 − x fails KS', () => {
    const [a, b] = [5, 0.05]; // P(1 − x < 1e−20) ≈ 10%; b < 0.1 also takes the log-Gamma path
    const { x, oneMinusX } = new Rng(2030).betaArray(a, b, n);
    expect(oneMinusX.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    expect(oneMinusX.filter((v) => v < 1e-20).length).toBeGreaterThan(n / 20);
    const ks = ksTest(oneMinusX, (v) => betaCdf(v, b, a));
    expect(ks.pValue, `KS D = ${ks.statistic}`).toBeGreaterThan(KS_ALPHA);
    const naive = x.map((v) => 1 - v);
    expect(ksTest(naive, (v) => betaCdf(v, b, a)).pValue).toBeLessThan(KS_ALPHA);
  });

  it('rejects D = ∞ and bad shapes with a clear message', () => {
    const rng = new Rng(1);
    expect(() => sampleBeta(rng, N / 2, Infinity)).toThrow(/Beta shape b = Infinity.*D = ∞ is the Gaussian limit/);
    expect(() => rng.nextBetaPrime(0, 1)).toThrow(/BetaPrime shape a = 0: expected a finite number > 0/);
  });
});

describe('BetaPrime(a, b) as G_a/G_b', () => {
  it.each(CASES)('%s: matches the exact CDF I_{q/(1+q)}(a, b) (KS)', (_label, a, b) => {
    const seed = 3000 + CASES.findIndex((c) => c[0] === _label);
    const q = new Rng(seed).betaPrimeArray(a, b, n);
    const ks = ksTest(q, (v) => betaCdf(v / (1 + v), a, b));
    expect(ks.pValue, `KS D = ${ks.statistic}`).toBeGreaterThan(KS_ALPHA);
  });

  it.each([128, 2048, 3072000])('D = %s: E[q] = N/(D − 2) (so E[R²] = r²N/(D − 2)) and the exact variance', (D) => {
    const [a, b] = [N / 2, D / 2];
    const q = new Rng(3100 + D).betaPrimeArray(a, b, n);
    const z = momentZScores(q, a / (b - 1), (a * (a + b - 1)) / ((b - 2) * (b - 1) ** 2));
    expect(Math.abs(z.zMean)).toBeLessThan(4);
    expect(Math.abs(z.zVar)).toBeLessThan(4);
  });

  it('equals x/(1 − x) of the Beta draw with the same gammas, and stays finite for tiny shapes', () => {
    const r1 = new Rng(3200);
    const r2 = new Rng(3200);
    for (let i = 0; i < 500; i++) {
      const q = sampleBetaPrime(r1, N / 2, 1 / 2);
      const d = sampleBeta(r2, N / 2, 1 / 2);
      expect(Math.abs(q - d.x / d.oneMinusX) / q).toBeLessThan(1e-12);
    }
    const tiny = new Rng(3201).betaPrimeArray(0.01, 0.01, 1000);
    expect(tiny.every((v) => v >= 0 && !Number.isNaN(v))).toBe(true);
  });
});
