import * as tf from '@tensorflow/tfjs-core';
import { expectClose, expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { euler } from './euler.js';
import { heun } from './heun.js';
import { rk4 } from './rk4.js';
import { uniformGrid } from './time-grids.js';
import type { Solver, StepInfo, VectorField } from './types.js';

// Truth: analytic solutions. Observed order p = log2(e(N) / e(2N)) must be within ±0.3 of the method's order;
// step counts are chosen so that every error stays far above float32 rounding (~1e-7).

const solvers: { name: string; solve: Solver; order: number; nfePerStep: number; steps: number[]; linearSteps: number[] }[] = [
  { name: 'euler', solve: euler, order: 1, nfePerStep: 1, steps: [64, 128, 256], linearSteps: [64, 128, 256] },
  {
    name: 'heun',
    solve: (f, x, g, o) => heun(f, x, g, { ...o, lastStepEuler: false }),
    order: 2,
    nfePerStep: 2,
    steps: [16, 32, 64],
    linearSteps: [32, 64, 128],
  },
  { name: 'rk4', solve: rk4, order: 4, nfePerStep: 4, steps: [4, 8, 16], linearSteps: [24, 48, 96] },
];

/** dx/dt = λx, x(t) = x0·e^{λ(t − t0)}, on [0, 4]: |λh| ≤ 1/3 (near-asymptotic), RK4's smallest relative error ≈ 3e-6, above float32 rounding. */
const lambda = -2;
const linear: VectorField = (x) => tf.mul(x, lambda);
/** dx/dt = −2t·x² (nonlinear, time-dependent), x(t) = 1/(t² − t0² + 1/x0). */
const riccati: VectorField = (x, t) => tf.tidy(() => tf.mul(tf.square(x), -2 * t));
const riccatiExact = (x0: number, t0: number, t: number) => 1 / (t * t - t0 * t0 + 1 / x0);

async function finalError(s: Solver, f: VectorField, x0: number[], t0: number, t1: number, steps: number, exact: (x0: number, t: number) => number) {
  const x = tf.tensor2d(x0, [x0.length, 1]);
  const res = await s(f, x, uniformGrid(t0, t1, steps));
  const got = await res.x.data();
  tf.dispose([x, res.x]);
  return { err: Math.max(...x0.map((v, i) => Math.abs(got[i] - exact(v, t1)))), nfe: res.nfe };
}

function observedOrders(errors: number[]): number[] {
  return errors.slice(1).map((e, i) => Math.log2(errors[i] / e));
}

describe.each(solvers)('$name', ({ name, solve, order, nfePerStep, steps, linearSteps }) => {
  it(`has observed order ${order} ± 0.3 on dx/dt = λx`, async () => {
    const x0 = [1, -0.5, 2];
    const errs = [];
    for (const n of linearSteps) {
      const { err, nfe } = await finalError(solve, linear, x0, 0, 4, n, (v, t) => v * Math.exp(lambda * t));
      expect(nfe).toBe(nfePerStep * n);
      errs.push(err);
    }
    for (const p of observedOrders(errs)) expect(Math.abs(p - order), `${name} orders ${observedOrders(errs)}`).toBeLessThanOrEqual(0.3);
  });

  it(`has observed order ${order} ± 0.3 on the nonlinear dx/dt = −2t·x²`, async () => {
    const x0 = [1, 0.5, 2];
    const errs = [];
    for (const n of steps) errs.push((await finalError(solve, riccati, x0, 0.2, 1.4, n, (v, t) => riccatiExact(v, 0.2, t))).err);
    for (const p of observedOrders(errs)) expect(Math.abs(p - order), `${name} orders ${observedOrders(errs)}`).toBeLessThanOrEqual(0.3);
  });

  it('integrates backwards in time (decreasing grid)', async () => {
    const n = steps[steps.length - 1];
    // x(t) = 1/(t² − 1.96 + 1/x0) stays finite down to t = 0.2 for x0 < 1/1.96
    const { err } = await finalError(solve, riccati, [0.3, 0.2], 1.4, 0.2, n, (v, t) => riccatiExact(v, 1.4, t));
    const { err: errForward } = await finalError(solve, riccati, [1, 0.5], 0.2, 1.4, n, (v, t) => riccatiExact(v, 0.2, t));
    expect(err).toBeLessThan(10 * Math.max(errForward, 1e-6)); // same accuracy class as forwards
    expect(err).toBeLessThan(order === 1 ? 5e-3 : 2e-4);
  });

  it('solves a batch exactly as it solves each row alone', async () => {
    const pendulum: VectorField = (x, t) =>
      tf.tidy(() => {
        const [theta, omega] = tf.split(x, 2, 1);
        return tf.concat([omega, tf.add(tf.neg(tf.sin(theta)), 0.3 * Math.cos(t))], 1);
      });
    const rows = [[0.1, 0], [2.5, -1], [-1, 0.7]];
    const grid = uniformGrid(0, 3, 12);
    const batch = tf.tensor2d(rows);
    const all = await solve(pendulum, batch, grid);
    const allRows = await all.x.array();
    for (const [i, row] of rows.entries()) {
      const x = tf.tensor2d([row]);
      const one = await solve(pendulum, x, grid);
      expectClose(await one.x.data(), (allRows as number[][])[i], { rtol: 1e-6, atol: 1e-7 });
      tf.dispose([x, one.x]);
    }
    tf.dispose([batch, all.x]);
  });

  it('leaks no tensor, keeps x0 alive and reports every step to onStep', async () => {
    const x0 = tf.tensor2d([[1, 2]]);
    const grid = uniformGrid(0, 1, 5);
    const seen: (Omit<StepInfo, 'x'> & { x: Float32Array })[] = [];
    let last: Float32Array | undefined;
    await expectNoLeak(async () => {
      const res = await solve(linear, x0, grid, { onStep: (s) => seen.push({ ...s, x: s.x.dataSync() as Float32Array }) });
      expect(res.ts).toEqual(Array.from(grid));
      last = (await res.x.data()) as Float32Array;
      res.x.dispose();
    });
    expect(x0.isDisposed).toBe(false);
    expect(seen.map((s) => [s.i, s.t, s.nfe])).toEqual(Array.from(grid, (t, i) => [i, t, i * nfePerStep]));
    expectClose(seen[0].x, x0);
    expectClose(seen[seen.length - 1].x, last ?? []);
    x0.dispose();
  });
});

describe('heun lastStepEuler (EDM Alg. 1)', () => {
  it('defaults to a last Euler step when the grid ends at 0, never evaluating the field there', async () => {
    const times: number[] = [];
    const f: VectorField = (x, t) => {
      times.push(t);
      return tf.div(x, t); // singular at t = 0, like (x − D)/sigma
    };
    const x0 = tf.tensor1d([1, 2]);
    const grid = Float64Array.from([2, 1, 0.5, 0]);
    const res = await heun(f, x0, grid);
    expect(res.nfe).toBe(2 * 3 - 1);
    expect(times).not.toContain(0);
    // dx/dsigma = x/sigma is exact for x ∝ sigma: Heun is exact on the first two steps, Euler on the last.
    expectClose(res.x, [0, 0], { atol: 1e-6 });
    tf.dispose([x0, res.x]);
  });

  it('is off by default when the grid does not end at 0 and can be forced on', async () => {
    const x0 = tf.tensor1d([1]);
    const grid = uniformGrid(0, 1, 4);
    const plain = await heun(linear, x0, grid);
    const lastEuler = await heun(linear, x0, grid, { lastStepEuler: true });
    expect([plain.nfe, lastEuler.nfe]).toEqual([8, 7]);
    // the last step differs: trapezoid vs plain Euler on dx/dt = λx
    const [a, b] = [(await plain.x.data())[0], (await lastEuler.x.data())[0]];
    const xPrev = (1 + lambda * 0.25 + (lambda * 0.25) ** 2 / 2) ** 3;
    expectClose(a, xPrev * (1 + lambda * 0.25 + (lambda * 0.25) ** 2 / 2), { rtol: 1e-6 });
    expectClose(b, xPrev * (1 + lambda * 0.25), { rtol: 1e-6 });
    tf.dispose([x0, plain.x, lastEuler.x]);
  });
});
