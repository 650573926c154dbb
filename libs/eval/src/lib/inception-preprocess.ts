import * as tf from '@tensorflow/tfjs-core';

/**
 * How images reach the 299×299 network input (fid-spec §1.4):
 * - `legacy-tf`: TF1 `resize_bilinear` (align_corners = half_pixel_centers = false), then (x − 128)/128 —
 *   TTUR, torch-fidelity, NVIDIA/EDM, clean-fid `legacy_tensorflow`. Default.
 * - `pytorch-fid`: half-pixel bilinear (`F.interpolate(align_corners=False)`), then x/127.5 − 1 (= 2·(x/255) − 1).
 * Statistics from one mode are not comparable with the other's.
 */
export type InceptionMode = 'legacy-tf' | 'pytorch-fid';

export const INCEPTION_SIZE = 299;

/** Grey [.., 1] → RGB by repetition, RGBA → RGB by dropping alpha (PIL `convert('RGB')`, EDM; fid-spec §5.11). */
function toRgb(x: tf.Tensor4D): tf.Tensor4D {
  const C = x.shape[3];
  switch (C) {
    case 3:
      return x;
    case 1:
      return tf.tile(x, [1, 1, 1, 3]);
    case 4:
      return tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 3]);
    default:
      throw new Error(`preprocessForInception: images must have 1, 3 or 4 channels ([B, H, W, C]), got ${C}`);
  }
}

/** uint8-valued images [B, H, W, C] (any dtype holding 0..255; C = 1, 3, 4) → network input [B, 299, 299, 3]. */
export function preprocessForInception(images: tf.Tensor4D, mode: InceptionMode = 'legacy-tf'): tf.Tensor4D {
  const [, H, W] = images.shape;
  return tf.tidy(() => {
    const x = toRgb(tf.cast(images, 'float32'));
    const same = H === INCEPTION_SIZE && W === INCEPTION_SIZE;
    switch (mode) {
      case 'legacy-tf': {
        const r = same ? x : tf.image.resizeBilinear(x, [INCEPTION_SIZE, INCEPTION_SIZE], false, false);
        return tf.sub(tf.mul(r, 1 / 128), 1); // (x − 128)/128, exact: 1/128 is a power of two
      }
      case 'pytorch-fid': {
        const r = same ? x : tf.image.resizeBilinear(x, [INCEPTION_SIZE, INCEPTION_SIZE], false, true);
        return tf.sub(tf.div(r, 127.5), 1);
      }
      default:
        throw new Error(`preprocessForInception: unknown mode '${mode as string}'; use 'legacy-tf' or 'pytorch-fid'`);
    }
  });
}

/**
 * Generated images in [-1, 1] (any float layout) → uint8 values as float32, like saving a PNG:
 * u = clip(round(127.5·x + 127.5), 0, 255), i.e. the usual `clip(round(255·y), 0, 255)` for y = (x+1)/2 ∈ [0, 1]
 * (fid-spec §5.4; `tf.round` rounds exact ties to even, which continuous samples hit with probability 0).
 * EDM's `generate.py` truncates `(x·127.5 + 128)` instead: the two differ by at most one level.
 */
export function quantizeToUint8(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.clipByValue(tf.round(tf.add(tf.mul(x, 127.5), 127.5)), 0, 255));
}
