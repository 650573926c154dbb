import * as tf from '@tensorflow/tfjs-core';
import type { FmnistClassifierParams } from './fmnist-classifier-params.js';

/** Output of {@link fmnistClassifierForward}. */
export interface FmnistClassifierOutput {
  /** Penultimate features (dense1 after ReLU), [B, 128]: what FD-FMNIST takes statistics of. */
  features: tf.Tensor2D;
  /** Class logits, [B, 10]. */
  logits: tf.Tensor2D;
}

function param(p: FmnistClassifierParams, name: string): tf.Tensor {
  const t = p[name];
  if (t === undefined) throw new Error(`FD-FMNIST classifier: missing parameter '${name}'`);
  return t;
}

/**
 * The FD-FMNIST classifier (a small LeNet-style CNN), x [B, 28, 28, 1] in [−1, 1] → features and logits.
 * Used both for training (experiments `train-fd-fmnist`) and for the metric; differentiable on cpu and wasm.
 */
export function fmnistClassifierForward(p: FmnistClassifierParams, x: tf.Tensor4D): FmnistClassifierOutput {
  return tf.tidy(() => {
    const B = x.shape[0];
    const conv = (h: tf.Tensor4D, name: string) =>
      tf.fused.conv2d({ x: h, filter: param(p, `${name}.weight`) as tf.Tensor4D, bias: param(p, `${name}.bias`), strides: 1, pad: 'same', activation: 'relu' });
    const h1 = tf.maxPool(conv(x, 'conv1'), 2, 2, 'valid'); // [B, 14, 14, C1]
    const h2 = tf.maxPool(conv(h1, 'conv2'), 2, 2, 'valid'); // [B, 7, 7, C2]
    const flat = tf.reshape(h2, [B, -1]) as tf.Tensor2D; // [B, 7·7·C2]
    const features = tf.fused.matMul({ a: flat, b: param(p, 'dense1.weight') as tf.Tensor2D, bias: param(p, 'dense1.bias'), activation: 'relu' }); // [B, 128]
    const logits = tf.fused.matMul({ a: features, b: param(p, 'dense2.weight') as tf.Tensor2D, bias: param(p, 'dense2.bias') }); // [B, 10]
    return { features: features as tf.Tensor2D, logits: logits as tf.Tensor2D };
  });
}
