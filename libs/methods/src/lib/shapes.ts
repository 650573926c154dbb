import * as tf from '@tensorflow/tfjs-core';

/** N = prod(shape) of one sample. */
export function dimOf(dataShape: readonly number[]): number {
  return dataShape.reduce((a, b) => a * b, 1);
}

/** [B, ...] → [B, N]. */
export function flat(x: tf.Tensor): tf.Tensor2D {
  return tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
}

/** A [B] tensor filled with v. */
export function fillB(B: number, v: number): tf.Tensor1D {
  return tf.fill([B], v) as tf.Tensor1D;
}

/** Sum over all but the batch axis of x², as float64 numbers per row. */
export function rowSquaredNorms(x: tf.Tensor): Float64Array {
  const t = tf.tidy(() => tf.sum(tf.square(flat(x)), 1));
  const out = Float64Array.from(t.dataSync());
  t.dispose();
  return out;
}
