import * as tf from '@tensorflow/tfjs-core';
import { FMNIST_CLASSIFIER_LAYOUT, type FmnistClassifierParams } from '@pfgm/eval';
import { Rng } from '@pfgm/tensor';

/**
 * Seeded He-normal initialisation (He et al. 2015: std √(2 / fan_in)) of the FD-FMNIST classifier, biases 0.
 * Parameter k of the layout draws from the stream (seed, [k]), so the result depends only on the seed.
 */
export function initFmnistClassifier(seed: number): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  FMNIST_CLASSIFIER_LAYOUT.forEach(([name, shape], k) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length === 1 ? 0 : n / shape[shape.length - 1]; // conv k·k·Cin, dense in
    const values = fanIn === 0 ? new Float32Array(n) : Float32Array.from(new Rng(seed, [k]).normalArray(n), (z) => z * Math.sqrt(2 / fanIn));
    params[name] = tf.variable(tf.tensor(values, [...shape], 'float32'), true); // unnamed: tfjs names are global
  });
  return params satisfies FmnistClassifierParams;
}
