import * as tf from '@tensorflow/tfjs-core';

// FIR resampling of StyleGAN2 / NCSN++ (score_sde `up_or_down_sampling.upsample_2d` / `downsample_2d`, i.e.
// `upfirdn2d` with factor 2): zero-insert (up), pad, filter with the separable kernel k⊗k / (Σk)², keep every second
// pixel (down). Per channel, NHWC. EDM's `resample_filter` (conv_transpose2d / strided conv with the same kernel,
// padding (K−1)/2) computes the same thing for even-length kernels. Callers run these inside tf.tidy.

/** The 2-D filter [K, K, 1, 1]: outer(k, k)/(Σk)² · gain, flipped (upfirdn2d convolves). */
function firFilter(k: readonly number[], gain: number): tf.Tensor4D {
  const K = k.length;
  const s = k.reduce((a, b) => a + b, 0);
  const w = new Float32Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) w[i * K + j] = (k[K - 1 - i] * k[K - 1 - j] * gain) / (s * s);
  return tf.tensor4d(w, [K, K, 1, 1]);
}

/**
 * The same filter on every channel (a depthwise conv), written as a plain conv over [B·C, H, W, 1]: tfjs-wasm has no
 * depthwise-conv gradient kernels, but conv2d's (so FIR blocks train on wasm too).
 */
function filterChannels(x: tf.Tensor4D, k: readonly number[], gain: number, stride: number): tf.Tensor {
  const [B, H, W, C] = x.shape;
  const planes = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [B * C, H, W, 1]);
  const y = tf.conv2d(planes as tf.Tensor4D, firFilter(k, gain), stride, 'valid'); // [B·C, H', W', 1]
  return tf.transpose(tf.reshape(y, [B, C, y.shape[1], y.shape[2]]), [0, 2, 3, 1]);
}

/**
 * 2× FIR upsampling, `upsample_2d(x, k, factor=2)`: x [B, H, W, C] → [B, 2H, 2W, C]. Constant images keep their value
 * (gain 4 on the zero-inserted grid); k = [1, 1] is nearest-neighbour upsampling.
 */
export function firUpsample2x(x: tf.Tensor, k: readonly number[]): tf.Tensor {
  const [B, H, W, C] = x.shape;
  const p = k.length - 2;
  const lo = Math.floor((p + 1) / 2) + 1; // upfirdn2d pad = ((p + 1) // 2 + factor − 1, p // 2)
  const hi = Math.floor(p / 2);
  const zeros = tf.pad(tf.reshape(x, [B, H, 1, W, 1, C]), [[0, 0], [0, 0], [0, 1], [0, 0], [0, 1], [0, 0]]);
  const up = tf.reshape(zeros, [B, 2 * H, 2 * W, C]); // x at even positions
  const padded = tf.pad(up, [[0, 0], [lo, hi], [lo, hi], [0, 0]]) as tf.Tensor4D;
  return filterChannels(padded, k, 4, 1);
}

/**
 * 2× FIR downsampling, `downsample_2d(x, k, factor=2)`: x [B, H, W, C] → [B, H/2, W/2, C]; k = [1, 1] is 2×2 mean.
 * `pad` overrides upfirdn2d's ((K − 1) // 2, (K − 2) // 2) border (EDM's fused conv + down filters without one).
 */
export function firDownsample2x(x: tf.Tensor, k: readonly number[], pad?: readonly [number, number]): tf.Tensor {
  const p = k.length - 2;
  const [lo, hi] = pad ?? [Math.floor((p + 1) / 2), Math.floor(p / 2)]; // upfirdn2d pad = ((p + 1) // 2, p // 2)
  const padded = tf.pad(x, [[0, 0], [lo, hi], [lo, hi], [0, 0]]) as tf.Tensor4D;
  return filterChannels(padded, k, 1, 2);
}

/**
 * EDM `Conv2d(kernel=3, down=True, fused_resample=True)` (SongUNet's residual encoder, `aux_residual`): 3×3 conv with
 * a 2-pixel zero border (no bias), then the FIR filter at stride 2 without padding, then the bias.
 * x [B, H, W, Cin], W [3, 3, Cin, Cout], b [Cout] → [B, H/2, W/2, Cout].
 */
export function fusedConvFirDown(x: tf.Tensor, W: tf.Tensor, b: tf.Tensor, k: readonly number[]): tf.Tensor {
  const pad = (W.shape[0] as number) >> 1; // w_pad
  const fPad = (k.length - 1) >> 1; // f_pad
  const padded = tf.pad(x, [[0, 0], [pad + fPad, pad + fPad], [pad + fPad, pad + fPad], [0, 0]]) as tf.Tensor4D;
  const h = tf.conv2d(padded, W as tf.Tensor4D, 1, 'valid');
  return tf.add(firDownsample2x(h, k, [0, 0]), b);
}
