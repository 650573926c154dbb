import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { euler } from './euler.js';
import { heun } from './heun.js';
import { rk4 } from './rk4.js';
import { rk45 } from './rk45.js';
import { solve } from './solve.js';
import { uniformGrid } from './time-grids.js';
import type { Solver, SolverSpec, TimeGrid, VectorField } from './types.js';

// Bad input gets a clear error that names what was wrong; no error path leaks tensors or disposes x0.

const all: [string, Solver][] = [
  ['euler', euler],
  ['heun', heun],
  ['rk4', rk4],
  ['rk45', rk45],
];
const linear: VectorField = (x) => tf.neg(x);
const x0 = tf.tensor2d([[1, 2]]);
afterAll(() => x0.dispose());

async function rejects(p: () => Promise<unknown>, message: RegExp): Promise<void> {
  await expectNoLeak(() => expect(p()).rejects.toThrow(message));
  expect(x0.isDisposed).toBe(false);
}

describe.each(all)('%s rejects bad input clearly', (name, s) => {
  it('empty or 1-point grid', async () => {
    await rejects(() => s(linear, x0, new Float64Array(0)), new RegExp(`${name}: the time grid has 0 point\\(s\\), expected at least 2`));
    await rejects(() => s(linear, x0, Float64Array.of(1)), /has 1 point\(s\), expected at least 2/);
  });

  it('non-monotonic grid, repeated time, non-finite time, plain array', async () => {
    await rejects(() => s(linear, x0, Float64Array.of(0, 0.5, 0.4, 1)), /not strictly monotonic at index 2 \(grid\[1\] = 0.5, grid\[2\] = 0.4/);
    await rejects(() => s(linear, x0, Float64Array.of(1, 0.5, 0.5)), /not strictly monotonic at index 2/);
    await rejects(() => s(linear, x0, Float64Array.of(0, NaN)), /grid\[1\] = NaN is not finite/);
    await rejects(() => s(linear, x0, [0, 1] as unknown as TimeGrid), /must be a Float64Array .* got an Array of length 2/);
  });

  it('non-finite values from the field, naming the step index and t', async () => {
    // finite until t reaches 0.5, then 1/(t − 0.5)·0 → NaN at exactly t = 0.5 (a grid time and an rk45 stage time)
    const blowsUp: VectorField = (x, t) => (t >= 0.5 ? tf.mul(x, NaN) : tf.neg(x));
    const grid = uniformGrid(0, 1, 4); // 0, 0.25, 0.5, 0.75, 1
    // euler first evaluates at t = 0.5 in step 2; heun's corrector and rk4's last stage already in step 1
    const stepPattern: RegExp = {
      euler: /non-finite values \(NaN or ±Inf[^)]*\) in step 2 \(t = 0\.5 → 0\.75\)/,
      heun: /non-finite values \(NaN or ±Inf[^)]*\) in step 1 \(t = 0\.25 → 0\.5\)/,
      rk4: /non-finite values \(NaN or ±Inf[^)]*\) in step 1 \(t = 0\.25 → 0\.5\)/,
      rk45: /non-finite values \(NaN or ±Inf\) in step \d+ \(attempt from t = [\d.e-]+ to [\d.e-]+, \d+ rejected so far\)/,
    }[name as 'euler' | 'heun' | 'rk4' | 'rk45'];
    await rejects(() => s(blowsUp, x0, grid), stepPattern);
  });

  it('a non-finite or non-float32 x0, or a field returning the wrong shape', async () => {
    const bad = tf.tensor1d([1, Infinity]);
    await rejects(() => s(linear, bad, uniformGrid(0, 1, 2)), /x0 contains non-finite values/);
    bad.dispose();
    const ints = tf.tensor1d([1, 2], 'int32');
    await rejects(() => s(linear, ints, uniformGrid(0, 1, 2)), /x0 must be float32, got int32/);
    ints.dispose();
    await rejects(() => s((x) => tf.sum(x), x0, uniformGrid(0, 1, 2)), /returned shape \[\] at t = 0, expected \[1,2\]/);
  });

  it('a field that disposes its argument', async () => {
    const disposing: VectorField = (x) => {
      const d = tf.neg(x);
      x.dispose();
      return d;
    };
    await expectNoLeak(async () => {
      const own = tf.tensor1d([1, 2]);
      await expect(s(disposing, own, uniformGrid(0, 1, 2))).rejects.toThrow(/the vector field disposed its argument x at t = 0; fields must not dispose x/);
    });
  });
});

describe('rk45 options', () => {
  it.each([
    [{ rtol: 0 }, /rtol must be a finite number > 0, got 0/],
    [{ rtol: -1e-3 }, /rtol must be a finite number > 0/],
    [{ atol: 0 }, /atol must be a finite number > 0, got 0/],
    [{ atol: NaN }, /atol must be a finite number > 0, got NaN/],
    [{ firstStep: 2 }, /firstStep = 2 exceeds the integration span/],
    [{ firstStep: -0.1 }, /firstStep must be a finite number > 0/],
    [{ maxStep: 0 }, /maxStep must be > 0/],
    [{ maxSteps: 0 }, /maxSteps must be a positive integer/],
  ])('%o is rejected', async (opts, message) => {
    await rejects(() => rk45(linear, x0, uniformGrid(0, 1, 1), opts), message);
  });

  it('exceeding maxSteps says how many steps were taken and how to fix it', async () => {
    await rejects(
      () => rk45(linear, x0, uniformGrid(0, 10, 1), { rtol: 1e-8, atol: 1e-8, maxSteps: 5 }),
      /exceeded maxSteps = 5 step attempts \(\d+ accepted, \d+ rejected\) at t = .* raise maxSteps or loosen/,
    );
  });
});

describe('solve(spec)', () => {
  it('checks the grid against the spec and rejects unknown kinds', async () => {
    await rejects(() => solve({ kind: 'heun', steps: 3 })(linear, x0, uniformGrid(0, 1, 4)), /asks for 3 steps but the grid has 5 times/);
    expect(() => solve({ kind: 'dpm' } as unknown as SolverSpec)).toThrow(/unknown solver kind "dpm"; expected 'euler', 'heun', 'rk4' or 'rk45'/);
  });
});
