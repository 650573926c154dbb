import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';
import type { Dataset } from './dataset.js';

/**
 * Examples `idx` of a data set as the likelihood's input [B, ...sampleShape]: images uniformly dequantized in
 * [−1, 1] (x = (p + u)/128 − 1 with pixel p ∈ 0..255, u ~ U[0, 1); Song et al. 2021 App. D.2, pfgm-spec §3), points
 * unchanged. The caller disposes the result.
 */
export function dequantized(ds: Dataset, idx: readonly number[], rng: Rng): tf.Tensor {
  const x = ds.gather(idx);
  if (ds.kind === 'image') {
    const u = rng.uniformArray(x.length);
    for (let i = 0; i < x.length; i++) x[i] = (Math.round((x[i] + 1) * 127.5) + u[i]) / 128 - 1;
  }
  return tf.tensor(x, [idx.length, ...ds.sampleShape]);
}
