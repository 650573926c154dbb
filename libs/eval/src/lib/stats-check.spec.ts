import { describe, expect, it } from 'vitest';
import { checkStatsFile } from './stats-check.js';

/** Covariance Aᵀ·A / m of m random rows (PSD, rank ≤ m). */
function covariance(n: number, m: number, seed = 1): Float64Array {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  const A = Array.from({ length: m * n }, rnd);
  const S = new Float64Array(n * n);
  for (let r = 0; r < m; r++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] += (A[r * n + i] * A[r * n + j]) / m;
  return S;
}

const stats = (sigma: Float64Array, n: number) => ({ n: 0, mu: new Float64Array(n), sigma });

describe('checkStatsFile', () => {
  it('accepts a full-rank and a singular (rank < n) covariance silently', () => {
    const warnings: string[] = [];
    expect(checkStatsFile(stats(covariance(12, 40), 12), 'a.npz', (m) => warnings.push(m)).asymmetry).toBe(0);
    expect(checkStatsFile(stats(covariance(12, 5), 12), 'b.npz', (m) => warnings.push(m)).negativeEigen).toBeLessThanOrEqual(0);
    expect(warnings).toEqual([]);
  });

  it('refuses an asymmetric sigma, naming the file and the measured asymmetry', () => {
    const S = covariance(8, 30);
    S[1] += 0.01;
    expect(() => checkStatsFile(stats(S, 8), 'ref.npz', () => undefined)).toThrow(/ref\.npz: sigma is not symmetric \(max \|Σij − Σji\| = \d\.\d\de-\d+ of its largest entry\)/);
  });

  it('warns about a rounding-level asymmetry', () => {
    const S = covariance(8, 30);
    S[1] *= 1 + 1e-7;
    const warnings: string[] = [];
    checkStatsFile(stats(S, 8), 'ref.npz', (m) => warnings.push(m));
    expect(warnings.join()).toMatch(/slightly asymmetric/);
  });

  it('refuses a sigma with a clearly negative eigenvalue, reporting it', () => {
    const n = 6;
    const S = covariance(n, 30);
    for (let i = 0; i < n; i++) S[i * n + i] -= 0.5; // shifts every eigenvalue down by 0.5
    expect(() => checkStatsFile(stats(S, n), 'bad.npz', () => undefined)).toThrow(/bad\.npz: sigma is not positive semi-definite \(most negative eigenvalue -\d/);
  });

  it('refuses non-finite statistics', () => {
    const S = covariance(4, 10);
    S[3] = NaN;
    expect(() => checkStatsFile(stats(S, 4), 'nan.npz', () => undefined)).toThrow(/nan\.npz: mu or sigma holds NaN/);
  });
});
