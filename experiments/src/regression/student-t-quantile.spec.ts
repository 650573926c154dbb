import { describe, expect, it } from 'vitest';
import { studentTCdf, studentTQuantile } from './student-t-quantile.js';

describe('studentTQuantile', () => {
  it('matches the closed forms: ν = 1 is Cauchy, tan(π(p − ½)); ν = 2 is (2p − 1)/√(2p(1 − p))', () => {
    for (const p of [0.001, 0.05, 0.3, 0.5, 0.9, 0.999]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 8);
    }
  });

  it('inverts the CDF and tends to the normal quantile as ν grows (z_0.999 = 3.0902323)', () => {
    for (const nu of [3, 7, 15, 40]) for (const p of [0.01, 0.5, 0.95, 0.999]) expect(studentTCdf(studentTQuantile(p, nu), nu)).toBeCloseTo(p, 10);
    expect(studentTQuantile(0.999, 1e7)).toBeCloseTo(3.0902323, 4);
    expect(studentTQuantile(0.999, 15)).toBeGreaterThan(studentTQuantile(0.999, 40));
  });

  it('rejects a probability outside (0, 1) or a non-positive ν with a clear error', () => {
    expect(() => studentTQuantile(1, 5)).toThrow(/probability must be in \(0, 1\), got 1/);
    expect(() => studentTQuantile(0.5, 0)).toThrow(/degrees of freedom must be positive/);
  });
});
