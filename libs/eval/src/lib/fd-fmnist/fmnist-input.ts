import * as tf from '@tensorflow/tfjs-core';

/** Largest |value| accepted: a bit of overshoot of [−1, 1] is clipped; 0..255 pixels are refused. */
export const FMNIST_INPUT_MAX_ABS = 2;

/**
 * Brings images in [−1, 1] to the classifier's input [B, 28, 28, 1] on the data's 8-bit grid:
 * - [B, 28, 28, C]: kept; [B, 32, 32, C]: the centre 28×28 crop (undoes `@pfgm/data`'s zero padding 28 → 32, which
 *   puts 2 rows/columns of −1 on each side), so padded real images come back exactly;
 * - C = 3: the mean of the channels (grey → RGB repeats the channel, so this returns the grey image);
 * - values are clipped to [−1, 1] and rounded to the 256 levels p/127.5 − 1 (p = round((x + 1)·127.5)), as the
 *   data is stored: real images pass unchanged, generated ones are quantised the way Inception FID quantises them.
 * Throws when the shape is not one of those or values reach beyond ±{@link FMNIST_INPUT_MAX_ABS} (e.g. 0..255 pixels).
 * Does not dispose `images`.
 */
export function fmnistInput(images: tf.Tensor): tf.Tensor4D {
  const [B, H, W, C] = images.shape;
  const ok = images.rank === 4 && ((H === 28 && W === 28) || (H === 32 && W === 32)) && (C === 1 || C === 3);
  if (!ok) {
    throw new Error(
      `FD-FMNIST: images have shape [${images.shape.join(', ')}]; expected [B, 28, 28, 1|3] or [B, 32, 32, 1|3] ` +
        `(NHWC, values in [−1, 1]; 32×32 is Fashion-MNIST zero-padded by @pfgm/data)`,
    );
  }
  const maxAbs = tf.tidy(() => tf.max(tf.abs(images)).dataSync()[0]);
  if (!(maxAbs <= FMNIST_INPUT_MAX_ABS)) {
    throw new Error(
      `FD-FMNIST: image values reach ${maxAbs}; expected [−1, 1] (the float view of the data). ` +
        `Map 0..255 pixels p to p/127.5 − 1 first${Number.isNaN(maxAbs) ? ' (the images contain NaN)' : ''}`,
    );
  }
  return tf.tidy(() => {
    const o = (H - 28) / 2;
    let x = o > 0 ? tf.slice(images, [0, o, o, 0], [B, 28, 28, C]) : images; // [B, 28, 28, C]
    if (C === 3) x = tf.mean(x, 3, true); // [B, 28, 28, 1]
    const p = tf.round(tf.mul(tf.add(tf.clipByValue(x, -1, 1), 1), 127.5)); // 0..255
    return tf.sub(tf.div(p, 127.5), 1) as tf.Tensor4D;
  });
}
