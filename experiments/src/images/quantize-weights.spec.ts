import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { quantizeWeights } from './quantize-weights.js';

describe('quantizeWeights', () => {
  it('maps kernels onto 2^b levels within scale/2, leaves biases and norms alone, and restores exactly', async () => {
    const vals = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * 0.3 + 0.05);
    const kernel = tf.variable(tf.tensor2d(vals, [8, 8]));
    const bias = tf.variable(tf.tensor1d([0.123456, -0.5]));
    const norm = tf.variable(tf.tensor2d([[0.3333, 0.7777]]));
    const bits = 5;
    await expectNoLeak(async () => {
      const restore = quantizeWeights([kernel, bias, norm], ['down.0.conv.W', 'down.0.conv.b', 'groupnorm.gain'], bits);
      const q = kernel.dataSync();
      const lo = Math.min(...vals);
      const scale = (Math.max(...vals) - lo) / (2 ** bits - 1);
      expect(new Set(Array.from(q, (v) => v.toFixed(5))).size).toBeLessThanOrEqual(2 ** bits);
      const hi = Math.max(...vals);
      for (let i = 0; i < vals.length; i++) {
        // Integer zero point: the grid is {scale·k}; interior values round (≤ scale/2), the truncated zp can clip the ends (≤ scale).
        expect(Math.abs(q[i] / scale - Math.round(q[i] / scale))).toBeLessThan(1e-3);
        const interior = vals[i] > lo + scale && vals[i] < hi - scale;
        expect(Math.abs(q[i] - vals[i])).toBeLessThanOrEqual((interior ? scale / 2 : scale) + 1e-6);
      }
      expect(Array.from(q)).not.toEqual(Array.from(vals));
      expect(Array.from(bias.dataSync())).toEqual(Array.from(Float32Array.of(0.123456, -0.5)));
      expect(Array.from(norm.dataSync())).toEqual(Array.from(Float32Array.of(0.3333, 0.7777)));
      restore();
      expect(Array.from(kernel.dataSync())).toEqual(Array.from(vals));
    });
    tf.dispose([kernel, bias, norm]);
  });

  it('rejects a bad bit width', () => {
    expect(() => quantizeWeights([], [], 1)).toThrow(/bits must be an integer in \[2, 16\]/);
  });
});
