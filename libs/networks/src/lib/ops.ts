import * as tf from '@tensorflow/tfjs-core';

// Functional building blocks on tfjs-core ops whose gradients work on cpu and wasm (see tfjs-wasm.md).
// NHWC throughout. None of these dispose their arguments; callers run them inside tf.tidy.

/** SiLU / swish: x·σ(x) (score_sde `nonlinearity='swish'`). */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** Dense layer: x·W + b. x [B, in], W [in, out], b [out] → [B, out]. */
export function dense(x: tf.Tensor, W: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.add(tf.matMul(x as tf.Tensor2D, W as tf.Tensor2D), b);
}

/** 2-D convolution with bias; 'same' padding unless given. x [B, H, W, Cin], W [k, k, Cin, Cout] → [B, H', W', Cout]. */
export function conv2d(
  x: tf.Tensor,
  W: tf.Tensor,
  b: tf.Tensor,
  stride = 1,
  pad: 'same' | 'valid' = 'same',
): tf.Tensor4D {
  return tf.fused.conv2d({
    x: x as tf.Tensor4D,
    filter: W as tf.Tensor4D,
    bias: b,
    strides: stride,
    pad,
  });
}

/** Pointwise linear map on channels ("NIN" in score_sde): [B, H, W, Cin]·[Cin, Cout] + b. */
export function nin(x: tf.Tensor, W: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [B, H, Wd, C] = x.shape;
  const y = dense(tf.reshape(x, [B * H * Wd, C]), W, b); // [B·H·W, Cout]
  return tf.reshape(y, [B, H, Wd, W.shape[1] as number]);
}

/**
 * GroupNorm (Wu & He 2018) via reshape + moments: x [B, H, W, C] normalised over (H, W, C/G) per group,
 * then scaled by gamma [C] and shifted by beta [C]. eps 1e-6 as in score_sde.
 */
export function groupNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, eps = 1e-6): tf.Tensor {
  const [B, H, W, C] = x.shape;
  const xg = tf.reshape(x, [B, H * W, groups, C / groups]); // [B, HW, G, C/G]
  const { mean, variance } = tf.moments(xg, [1, 3], true); // [B, 1, G, 1]
  const normed = tf.mul(tf.sub(xg, mean), tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(tf.reshape(normed, [B, H, W, C]), gamma), beta);
}

/** Nearest-neighbour 2× upsampling by reshape × ones (its gradient is a plain sum; correct on every backend). */
export function upsampleNearest2x(x: tf.Tensor): tf.Tensor {
  const [B, H, W, C] = x.shape;
  const y = tf.mul(tf.reshape(x, [B, H, 1, W, 1, C]), tf.ones([1, 1, 2, 1, 2, 1])); // [B, H, 2, W, 2, C]
  return tf.reshape(y, [B, 2 * H, 2 * W, C]);
}

/** 2×2 average pooling, stride 2 (score_sde `naive_downsample_2d`). */
export function avgPool2x(x: tf.Tensor): tf.Tensor {
  return tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid');
}

/** Inverted dropout with a seeded mask (tf.dropout draws its mask from `seed`, identically on every backend). */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  return rate > 0 ? tf.dropout(x, rate, undefined, seed) : x;
}
