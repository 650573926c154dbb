import * as tf from '@tensorflow/tfjs-core';
import { expectClose, expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { augmentedField, packAugmented, unpackAugmented, type AugmentedField } from './augmented.js';
import { heun } from './heun.js';
import { rk45 } from './rk45.js';
import { uniformGrid } from './time-grids.js';

describe('augmented state (x, Δlog p)', () => {
  it('packs [B, ...] and [B] into [B, D + 1] and back', async () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const logp = tf.tensor1d([-1, -2]);
    await expectNoLeak(() => {
      const s = packAugmented(x, logp);
      expect(s.shape).toEqual([2, 5]);
      expectClose(s, [1, 2, 3, 4, -1, 5, 6, 7, 8, -2]);
      const back = unpackAugmented(s, x.shape);
      expectClose(back.x, x);
      expect(back.x.shape).toEqual([2, 2, 2]);
      expectClose(back.logp, logp);
      const zero = packAugmented(x);
      const zeroLogp = tf.slice(zero, [0, 4], [2, 1]);
      expectClose(zeroLogp, [0, 0]);
      tf.dispose([s, back.x, back.logp, zero, zeroLogp]);
    });
    expect(() => packAugmented(x, tf.tensor1d([1, 2, 3]))).toThrow(/logp has shape \[3\], expected \[2\]/);
    tf.dispose([x, logp]);
  });

  // dx/dt = a(t)·x with a(t) = cos t, divergence D·a(t): Δlog p(t) = D·∫a = D·log(x_t/x_0) per sample (exact).
  const D = 3;
  const g: AugmentedField = (x, t) => ({
    dx: tf.mul(x, Math.cos(t)),
    dlogp: tf.mul(tf.ones([x.shape[0]]), D * Math.cos(t)),
  });

  it('integrates x and Δlog p together (rk45 and heun) and matches the exact change', async () => {
    const x0 = tf.tensor3d([1, -2, 0.5, 1.5, 3, -1], [2, 1, 3]);
    const s0 = packAugmented(x0);
    const f = augmentedField(g, x0.shape);
    await expectNoLeak(async () => {
      for (const res of [await rk45(f, s0, Float64Array.of(2, 0), { rtol: 1e-6, atol: 1e-8 }), await heun(f, s0, uniformGrid(2, 0, 200))]) {
        const { x, logp } = unpackAugmented(res.x, x0.shape);
        const scale = Math.exp(Math.sin(0) - Math.sin(2)); // exp(∫_2^0 cos)
        expectClose(x, Array.from(x0.dataSync(), (v) => v * scale), { rtol: 1e-4 });
        expectClose(logp, [D * Math.log(scale), D * Math.log(scale)], { rtol: 1e-4 });
        tf.dispose([res.x, x, logp]);
      }
    });
    tf.dispose([x0, s0]);
  });

  it('explains a drift of the wrong shape', async () => {
    const x0 = tf.zeros([2, 3]);
    const s0 = packAugmented(x0);
    const bad = augmentedField((x) => ({ dx: tf.sum(x, 1), dlogp: tf.zeros([2]) }), x0.shape);
    await expect(heun(bad, s0, uniformGrid(0, 1, 1))).rejects.toThrow(/the drift returned dx \[2\] and dlogp \[2\], expected \[2,3\] and \[2\]/);
    tf.dispose([x0, s0]);
  });
});
