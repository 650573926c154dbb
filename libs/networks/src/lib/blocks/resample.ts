import * as tf from '@tensorflow/tfjs-core';
import { conv2d, upsampleNearest2x } from '../ops.js';
import type { ParamStore } from '../param-store.js';
import { declareConv } from './common.js';

/** DDPM `Downsample(with_conv=True)`: pad right/bottom by 1, 3×3 conv with stride 2 ("SAME" emulation). */
export function declareDownsample(store: ParamStore, name: string, C: number): (x: tf.Tensor) => tf.Tensor {
  const conv = declareConv(store, name, 3, C, C);
  return (x) => conv2d(tf.pad(x, [[0, 0], [0, 1], [0, 1], [0, 0]]), conv.W.value, conv.b.value, 2, 'valid');
}

/** DDPM `Upsample(with_conv=True)`: nearest 2×, then 3×3 conv. */
export function declareUpsample(store: ParamStore, name: string, C: number): (x: tf.Tensor) => tf.Tensor {
  const conv = declareConv(store, name, 3, C, C);
  return (x) => conv2d(upsampleNearest2x(x), conv.W.value, conv.b.value);
}
