import * as tf from '@tensorflow/tfjs-core';
import { expectClose } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { euler } from './euler.js';
import { heun } from './heun.js';
import { rk4 } from './rk4.js';
import { rk45 } from './rk45.js';
import { solve } from './solve.js';
import { edmGrid, uniformGrid } from './time-grids.js';
import type { SolveResult, VectorField } from './types.js';

const f: VectorField = (x, t) => tf.tidy(() => tf.mul(tf.sin(x), Math.cos(t)));

async function same(a: SolveResult, b: SolveResult) {
  expect([a.nfe, a.ts]).toEqual([b.nfe, b.ts]);
  expectClose(a.x, b.x, { rtol: 0, atol: 0 });
  tf.dispose([a.x, b.x]);
}

describe('solve(spec) dispatches on kind', () => {
  it('to the same solver with the same options', async () => {
    const x0 = tf.tensor1d([0.3, -1, 2]);
    const g = uniformGrid(0, 2, 8);
    await same(await solve({ kind: 'euler', steps: 8 })(f, x0, g), await euler(f, x0, g));
    await same(await solve({ kind: 'heun', steps: 8 })(f, x0, g), await heun(f, x0, g));
    await same(await solve({ kind: 'heun', steps: 8, lastStepEuler: true })(f, x0, g), await heun(f, x0, g, { lastStepEuler: true }));
    await same(await solve({ kind: 'rk4', steps: 8 })(f, x0, g), await rk4(f, x0, g));
    await same(await solve({ kind: 'rk45', rtol: 1e-4, atol: 1e-4 })(f, x0, g), await rk45(f, x0, g, { rtol: 1e-4, atol: 1e-4 }));
    const edm = edmGrid({ steps: 18 });
    const r = await solve({ kind: 'heun', steps: 18 })((x, s) => tf.div(x, s), x0, edm);
    expect(r.nfe).toBe(35); // EDM CIFAR-10 budget
    tf.dispose([x0, r.x]);
  });
});
