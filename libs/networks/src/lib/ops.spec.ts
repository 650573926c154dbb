import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import { expectClose, expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { avgPool2x, groupNorm, groupNormSilu, silu, upsampleNearest2x } from './ops.js';
import { positionalEmbedding } from './embedding.js';

/** GroupNorm written directly from its definition (plain autograd), the reference for the custom-gradient op. */
function groupNormRef(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, G: number): tf.Tensor {
  const [B, H, W, C] = x.shape;
  const xg = tf.reshape(x, [B, H * W, G, C / G]);
  const mean = tf.mean(xg, [1, 3], true);
  const variance = tf.mean(tf.square(tf.sub(xg, mean)), [1, 3], true);
  const xhat = tf.div(tf.sub(xg, mean), tf.sqrt(tf.add(variance, 1e-6)));
  return tf.add(tf.mul(tf.reshape(xhat, [B, H, W, C]), gamma), beta);
}
const siluRef = (x: tf.Tensor): tf.Tensor => tf.div(x, tf.add(1, tf.exp(tf.neg(x))));

describe('custom-gradient ops equal their plain definitions (values and gradients)', () => {
  const rng = new Rng(0);
  const x = rng.normal([2, 4, 4, 8]).mul(3).add(1);
  const gamma = rng.normal([8]);
  const beta = rng.normal([8]);
  const w = rng.normal([2, 4, 4, 8]); // random cotangent: loss = Σ w·f(x)

  it.each([
    ['silu', (a: tf.Tensor) => silu(a), (a: tf.Tensor) => siluRef(a)],
    ['groupNorm', (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => groupNorm(a, g, b, 4), (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => groupNormRef(a, g, b, 4)],
    [
      'groupNormSilu',
      (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => groupNormSilu(a, g, b, 2),
      (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => siluRef(groupNormRef(a, g, b, 2)),
    ],
  ] as const)('%s', (_name, op, ref) => {
    tf.tidy(() => {
      const f = (impl: (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
        tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          // the 0·Σ(g + b) term keeps gamma/beta connected for silu, which ignores them
          tf.add(tf.sum(tf.mul(w, impl(a, g, b))), tf.mul(0, tf.sum(tf.add(g, b)))),
        )([x, gamma, beta]);
      expectClose(op(x, gamma, beta), ref(x, gamma, beta), { rtol: 1e-5, atol: 1e-5 });
      const [gx, gg, gb] = f(op);
      const [rx, rg, rb] = f(ref);
      expectClose(gx, rx, { rtol: 1e-4, atol: 1e-5 });
      if (_name !== 'silu') {
        expectClose(gg, rg, { rtol: 1e-4, atol: 1e-5 });
        expectClose(gb, rb, { rtol: 1e-4, atol: 1e-5 });
      }
    });
  });

  it('groupNorm output has zero mean and unit variance per group before the affine map', () => {
    tf.tidy(() => {
      const y = tf.reshape(groupNorm(x, tf.ones([8]), tf.zeros([8]), 4), [2, 16, 4, 2]);
      const { mean, variance } = tf.moments(y, [1, 3]);
      expectClose(mean, new Float32Array(8), { atol: 1e-5 });
      expectClose(variance, new Float32Array(8).fill(1), { rtol: 1e-4, atol: 1e-4 });
    });
  });

  it('gradient ops leave no tensors behind', async () => {
    await expectNoLeak(() => {
      const g = tf.grads((a: tf.Tensor) => tf.sum(groupNormSilu(a, gamma, beta, 2)))([x]);
      tf.dispose(g);
    });
  });
});

describe('resampling and embeddings', () => {
  it('upsampleNearest2x repeats each pixel 2×2; avgPool2x averages 2×2 blocks; avgPool(up(x)) = x', () => {
    tf.tidy(() => {
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
      const up = upsampleNearest2x(x);
      expect(up.shape).toEqual([1, 4, 4, 2]);
      const u = up.arraySync() as number[][][][];
      expect(u[0][0][1]).toEqual([1, 2]);
      expect(u[0][1][0]).toEqual([1, 2]);
      expect(u[0][3][3]).toEqual([7, 8]);
      expectClose(avgPool2x(up), x);
      expectClose(avgPool2x(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])), [2.5]);
    });
  });

  it('positional embedding = [sin(c·f_k), cos(c·f_k)], f_k = 10000^(−k/(half−1))', () => {
    tf.tidy(() => {
      const e = positionalEmbedding(tf.tensor1d([0, 3.5]), 6, 10000).arraySync();
      const f = [1, 10000 ** -0.5, 10000 ** -1];
      expectClose(e[0], [0, 0, 0, 1, 1, 1]);
      expectClose(e[1], [...f.map((k) => Math.sin(3.5 * k)), ...f.map((k) => Math.cos(3.5 * k))], { rtol: 1e-5, atol: 1e-6 });
    });
  });
});
