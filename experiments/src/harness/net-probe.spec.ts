// probeMismatch: what counts as the same function (net-probe.ts); ensureTrained's use of it is in trained-model.spec.ts.
import { describe, expect, it } from 'vitest';
import { probeMismatch } from './net-probe.js';

describe('probeMismatch', () => {
  const rec = { times: [40, 2.5], values: [[0.1, 1.5, -0.3, 0.2, 0.4, -1, 2], [0, 0.9, 0.5, 1, 1, 1, 1]] };
  it('accepts the same values and backend-size differences; reports a changed output or time grid', () => {
    expect(probeMismatch(rec, rec)).toBeNull();
    const close = { ...rec, values: rec.values.map((v) => v.map((x) => x * (1 + 1e-5))) };
    expect(probeMismatch(rec, close)).toBeNull();
    const moved = { ...rec, values: [rec.values[0], rec.values[1].map((x, j) => (j === 2 ? x + 0.05 : x))] };
    expect(probeMismatch(rec, moved)).toBe('output summary 2 at t = 2.5 was 0.5, is 0.55');
    expect(probeMismatch(rec, { ...rec, times: [40, 3] })).toMatch(/^the method's time grid changed/);
    expect(probeMismatch(rec, { ...rec, values: [rec.values[0], rec.values[1].map(() => NaN)] })).toMatch(/^output summary 0 at t = 2.5/);
  });
});
