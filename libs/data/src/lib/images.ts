import * as tf from '@tensorflow/tfjs-core';

/** Shape of a uint8 NHWC image array (EDM's dataset layout, channels last). */
export interface ImageShape {
  /** Number of images N. */
  n: number;
  /** Height H in pixels. */
  height: number;
  /** Width W in pixels. */
  width: number;
  /** Channels C: 1 (grey) or 3 (RGB). */
  channels: number;
}

/** uint8 pixel → float in [−1, 1]: p/127.5 − 1 (EDM `training_loop.py`: `images / 127.5 - 1`). */
export function pixelToFloat(p: number): number {
  return p / 127.5 - 1;
}

/** Float in [−1, 1] → uint8 pixel, rounded and clipped (EDM `generate.py`: `(x * 127.5 + 128).clip(0, 255)`). */
export function floatToPixel(x: number): number {
  const p = Math.floor(x * 127.5 + 128);
  return p < 0 ? 0 : p > 255 ? 255 : p;
}

/** Float images in [−1, 1] (any shape) → uint8 tensor of the same shape, rounded and clipped. */
export function floatToUint8Tensor(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.clipByValue(tf.floor(tf.add(tf.mul(x, 127.5), 128)), 0, 255), 'int32'));
}

/** Mirrors images left–right: out[n, h, w, c] = src[n, h, W−1−w, c]. */
export function flipHorizontal(src: Uint8Array, s: ImageShape): Uint8Array {
  const { n, height: H, width: W, channels: C } = s;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < n * H; i++) {
    const row = i * W * C;
    for (let w = 0; w < W; w++) {
      const from = row + (W - 1 - w) * C;
      for (let c = 0; c < C; c++) out[row + w * C + c] = src[from + c];
    }
  }
  return out;
}

/** Zero-pads every image to size×size, centred (Fashion-MNIST 28 → 32 for CIFAR-shaped U-Nets). */
export function padImages(src: Uint8Array, s: ImageShape, size: number): Uint8Array {
  const { n, height: H, width: W, channels: C } = s;
  if (size < H || size < W) throw new Error(`padImages: size ${size} is smaller than the ${H}×${W} images`);
  const top = Math.floor((size - H) / 2);
  const left = Math.floor((size - W) / 2);
  const out = new Uint8Array(n * size * size * C);
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < H; h++) {
      const from = ((i * H + h) * W) * C;
      const to = ((i * size + top + h) * size + left) * C;
      out.set(src.subarray(from, from + W * C), to);
    }
  }
  return out;
}

/** Repeats the single grey channel three times: [N, H, W, 1] → [N, H, W, 3]. */
export function greyToRgb(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length * 3);
  for (let i = 0; i < src.length; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = src[i];
  return out;
}

/** Bilinear resize of every image to size×size (half-pixel centres), rounded back to uint8; chunked to bound memory. */
export function resizeImages(src: Uint8Array, s: ImageShape, size: number, chunk = 1024): Uint8Array {
  const { n, height: H, width: W, channels: C } = s;
  const per = size * size * C;
  const out = new Uint8Array(n * per);
  for (let first = 0; first < n; first += chunk) {
    const m = Math.min(chunk, n - first);
    const part = tf.tidy(() => {
      const x = tf.tensor4d(src.subarray(first * H * W * C, (first + m) * H * W * C), [m, H, W, C], 'int32');
      const y = tf.image.resizeBilinear(tf.cast(x, 'float32') as tf.Tensor4D, [size, size], false, true); // [m, size, size, C]
      return tf.clipByValue(tf.round(y), 0, 255);
    });
    out.set(part.dataSync() as Float32Array, first * per);
    part.dispose();
  }
  return out;
}
