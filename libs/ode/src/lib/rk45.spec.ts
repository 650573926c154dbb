import * as tf from '@tensorflow/tfjs-core';
import { expectClose, expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { nextAfter } from './float-spacing.js';
import { rk45 } from './rk45.js';
import type { StepInfo, VectorField } from './types.js';

// Truth: analytic solutions (accuracy within tolerance) and scipy's nfev bookkeeping; parity with scipy itself
// is in rk45-parity.spec.ts.

const lambda = -1.5;
const linear: VectorField = (x) => tf.mul(x, lambda);
/** dx/dt = −2t·x², x(t) = 1/(t² − t0² + 1/x0). */
const riccati: VectorField = (x, t) => tf.tidy(() => tf.mul(tf.square(x), -2 * t));

describe('rk45', () => {
  it.each([
    [1e-3, 1e-6],
    [1e-5, 1e-5],
  ])('is accurate to its tolerance (rtol %s, atol %s) on dx/dt = λx, forwards and backwards', async (rtol, atol) => {
    const x0v = [1, -2, 0.5];
    for (const [t0, t1] of [
      [0, 3],
      [3, 0],
    ]) {
      const x0 = tf.tensor1d(x0v);
      const res = await rk45(linear, x0, Float64Array.from([t0, t1]), { rtol, atol });
      const got = await res.x.data();
      tf.dispose([x0, res.x]);
      x0v.forEach((v, i) => {
        const exact = v * Math.exp(lambda * (t1 - t0));
        // global error stays within a small multiple of the local tolerance on this smooth problem
        expect(Math.abs(got[i] - exact)).toBeLessThanOrEqual(10 * (atol + rtol * Math.abs(exact)) + 1e-6 * Math.abs(exact));
      });
      expect(res.ts[0]).toBe(t0);
      expect(res.ts.at(-1)).toBe(t1);
    }
  });

  it('is accurate on a nonlinear time-dependent problem and counts nfev like scipy (2 + 6 per attempt)', async () => {
    const x0 = tf.tensor2d([[1], [0.5], [2]]);
    const res = await rk45(riccati, x0, Float64Array.from([0.2, 1.4]), { rtol: 1e-6, atol: 1e-9 });
    expectClose(res.x, [1, 0.5, 2].map((v) => 1 / (1.4 ** 2 - 0.2 ** 2 + 1 / v)), { rtol: 2e-5 });
    expect(res.nfe).toBe(2 + 6 * (res.accepted + res.rejected));
    expect(res.ts).toHaveLength(res.accepted + 1);
    tf.dispose([x0, res.x]);
  });

  it('with firstStep skips the heuristic (1 + 6 per attempt) and uses it as the first step', async () => {
    const x0 = tf.tensor1d([1]);
    const res = await rk45(linear, x0, Float64Array.from([0, 1]), { firstStep: 0.01 });
    expect(res.nfe).toBe(1 + 6 * (res.accepted + res.rejected));
    expect(res.ts[1]).toBe(0.01); // an error-free-looking tiny step is accepted first
    tf.dispose([x0, res.x]);
  });

  it('never exceeds maxStep and lands exactly on the end time', async () => {
    const x0 = tf.tensor1d([1]);
    const res = await rk45(linear, x0, Float64Array.from([0, 2]), { maxStep: 0.3 });
    const steps = res.ts.slice(1).map((t, i) => t - res.ts[i]);
    expect(Math.max(...steps)).toBeLessThanOrEqual(0.3 + 1e-15);
    expect(res.ts.at(-1)).toBe(2);
    tf.dispose([x0, res.x]);
  });

  it('uses only the first and last grid times', async () => {
    const x0 = tf.tensor1d([1]);
    const a = await rk45(linear, x0, Float64Array.from([0, 1]));
    const b = await rk45(linear, x0, Float64Array.from([0, 0.1, 0.2, 1]));
    expect([b.nfe, b.ts]).toEqual([a.nfe, a.ts]);
    tf.dispose([x0, a.x, b.x]);
  });

  it('a zero field: the heuristic gives h = 1e-6, then h grows ×10 per step (error 0 ⇒ MAX_FACTOR, scipy)', async () => {
    const x0 = tf.tensor1d([1, 2]);
    const res = await rk45((x) => tf.zerosLike(x), x0, Float64Array.from([0, 1]));
    // heuristic: d1 = 0 ⇒ h0 = 1e-6, d2 = 0 ⇒ h1 = max(1e-6, 1e-9), h = min(100·h0, h1) = 1e-6
    const h = res.ts.slice(1).map((t, i) => t - res.ts[i]);
    expectClose(h.slice(0, 6), [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1], { rtol: 1e-9, atol: 0 });
    expect([res.accepted, res.rejected, res.nfe]).toEqual([7, 0, 2 + 6 * 7]); // 1e-6·(1 + … + 10^5) < 1, the 7th step is cut to end at 1
    expectClose(res.x, [1, 2], { rtol: 0, atol: 0 });
    tf.dispose([x0, res.x]);
  });

  it('leaks no tensor, keeps x0 alive, and reports accepted steps to onStep', async () => {
    const x0 = tf.tensor2d([[1, -1]]);
    const seen: Omit<StepInfo, 'x'>[] = [];
    await expectNoLeak(async () => {
      const res = await rk45(linear, x0, Float64Array.from([0, 2]), { onStep: ({ i, t, nfe }) => seen.push({ i, t, nfe }) });
      expect(seen.map((s) => s.t)).toEqual(res.ts);
      expect(seen.map((s) => s.i)).toEqual(res.ts.map((_, i) => i));
      expect(seen[seen.length - 1].nfe).toBe(res.nfe);
      res.x.dispose();
    });
    expect(x0.isDisposed).toBe(false);
    x0.dispose();
  });
});

describe('nextAfter (numpy.nextafter)', () => {
  it('steps one ulp either way', () => {
    expect(nextAfter(1, 1)).toBe(1 + Number.EPSILON);
    expect(nextAfter(1, -1)).toBe(1 - Number.EPSILON / 2);
    expect(nextAfter(-1, -1)).toBe(-1 - Number.EPSILON);
    expect(nextAfter(-1, 1)).toBe(-1 + Number.EPSILON / 2);
    expect(nextAfter(0, 1)).toBe(Number.MIN_VALUE);
    expect(nextAfter(0, -1)).toBe(-Number.MIN_VALUE);
  });
});
