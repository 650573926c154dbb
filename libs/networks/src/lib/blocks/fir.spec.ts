import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import { expectClose, expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { avgPool2x, upsampleNearest2x } from '../ops.js';
import { firDownsample2x, firUpsample2x, fusedConvFirDown } from './fir.js';

// FIR resampling (upfirdn2d, factor 2). Parity with the official code is in released/*.spec.ts; these are the
// defining properties, each of which a wrong pad, flip or gain breaks.

describe('FIR resampling', () => {
  it('with k = [1, 1] is exactly nearest upsampling and 2×2 mean pooling', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const x = new Rng(1).normal([2, 4, 6, 3]);
        expectClose(firUpsample2x(x, [1, 1]), upsampleNearest2x(x), { rtol: 1e-6, atol: 1e-7 });
        expectClose(firDownsample2x(x, [1, 1]), avgPool2x(x), { rtol: 1e-6, atol: 1e-7 });
      }),
    );
  });

  it('keeps a constant image constant away from the border (gain 1 after up, 1 after down)', () => {
    tf.tidy(() => {
      const x = tf.fill([1, 8, 8, 2], 3);
      const up = firUpsample2x(x, [1, 3, 3, 1]); // [1, 16, 16, 2]
      const down = firDownsample2x(x, [1, 3, 3, 1]); // [1, 4, 4, 2]
      expect(up.shape).toEqual([1, 16, 16, 2]);
      expect(down.shape).toEqual([1, 4, 4, 2]);
      expectClose(tf.slice(up, [0, 2, 2, 0], [1, 12, 12, 2]), tf.fill([1, 12, 12, 2], 3), { rtol: 1e-6 });
      expectClose(tf.slice(down, [0, 1, 1, 0], [1, 2, 2, 2]), tf.fill([1, 2, 2, 2], 3), { rtol: 1e-6 });
    });
  });

  it('is linear and differentiable (up, down and the fused conv + down of EDM)', () => {
    tf.tidy(() => {
      const rng = new Rng(2);
      const x = rng.normal([1, 8, 8, 2]);
      const W = rng.normal([3, 3, 2, 4]);
      const b = tf.zeros([4]);
      const g = tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.add(firDownsample2x(firUpsample2x(a, [1, 3, 3, 1]), [1, 3, 3, 1]), tf.mean(fusedConvFirDown(a, w, b, [1, 3, 3, 1]))))));
      const [gx, gw] = g([x, W]);
      expect(gx.shape).toEqual(x.shape);
      expect(gw.shape).toEqual(W.shape);
      expect(Array.from(gx.dataSync()).every(Number.isFinite) && tf.sum(tf.abs(gw)).dataSync()[0] > 0).toBe(true);
      expectClose(firUpsample2x(tf.mul(x, 2), [1, 3, 3, 1]), tf.mul(firUpsample2x(x, [1, 3, 3, 1]), 2), { rtol: 1e-5, atol: 1e-6 });
    });
  });
});
