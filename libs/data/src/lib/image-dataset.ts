import * as tf from '@tensorflow/tfjs-core';
import { checkIndices, checkLimit, type DatasetCommon } from './dataset.js';

/** Images stored as uint8 NHWC; the float view maps p ↦ p/127.5 − 1 into [−1, 1] (EDM convention). */
export class ImageDataset implements DatasetCommon {
  readonly kind = 'image' as const;
  readonly length: number;
  readonly sampleShape: readonly number[];
  private norm: number | undefined;

  constructor(
    readonly name: string,
    /** uint8 pixels, row-major [N, H, W, C]. */
    readonly pixels: Uint8Array,
    /** Height H. */
    readonly height: number,
    /** Width W. */
    readonly width: number,
    /** Channels C (1 or 3). */
    readonly channels: number,
    readonly labels?: Uint8Array,
    readonly classNames?: readonly string[],
  ) {
    const per = height * width * channels;
    if (!(per > 0) || pixels.length % per !== 0) {
      throw new RangeError(`${name}: ${pixels.length} pixels is not a whole number of ${height}×${width}×${channels} images`);
    }
    this.length = pixels.length / per;
    if (labels && labels.length !== this.length) {
      throw new RangeError(`${name}: ${labels.length} labels for ${this.length} images`);
    }
    this.sampleShape = [height, width, channels];
  }

  /** Pixels per image, H·W·C. */
  get pixelsPerImage(): number {
    return this.height * this.width * this.channels;
  }

  /** uint8 pixels of image k, [H, W, C] (a view). */
  image(k: number): Uint8Array {
    checkIndices([k], this.length, this.name);
    const per = this.pixelsPerImage;
    return this.pixels.subarray(k * per, (k + 1) * per);
  }

  gather(indices: ArrayLike<number>, flip?: ArrayLike<number>): Float32Array {
    checkIndices(indices, this.length, this.name);
    const { width: W, channels: C } = this;
    const per = this.pixelsPerImage;
    const rowLen = W * C;
    const out = new Float32Array(indices.length * per);
    for (let b = 0; b < indices.length; b++) {
      const src = indices[b] * per;
      const dst = b * per;
      const mirror = flip !== undefined && flip[b] !== 0;
      for (let h = 0; h < this.height; h++) {
        const r = h * rowLen;
        for (let w = 0; w < W; w++) {
          const from = src + r + (mirror ? W - 1 - w : w) * C;
          const to = dst + r + w * C;
          for (let c = 0; c < C; c++) out[to + c] = this.pixels[from + c] / 127.5 - 1;
        }
      }
    }
    return out;
  }

  tensor(indices?: ArrayLike<number>, flip?: ArrayLike<number>): tf.Tensor {
    const idx = indices ?? Uint32Array.from({ length: this.length }, (_, i) => i);
    return tf.tensor(this.gather(idx, flip), [idx.length, ...this.sampleShape], 'float32'); // [B, H, W, C]
  }

  averageNorm(): number {
    if (this.norm === undefined) {
      const sq = Float64Array.from({ length: 256 }, (_, p) => (p / 127.5 - 1) ** 2);
      const per = this.pixelsPerImage;
      let total = 0;
      for (let k = 0; k < this.length; k++) {
        let s = 0;
        for (let i = k * per; i < (k + 1) * per; i++) s += sq[this.pixels[i]];
        total += Math.sqrt(s);
      }
      this.norm = total / this.length;
    }
    return this.norm;
  }

  subset(limit: number): ImageDataset {
    const m = checkLimit(limit, this.length, this.name);
    if (m === this.length) return this;
    return new ImageDataset(
      this.name,
      this.pixels.subarray(0, m * this.pixelsPerImage),
      this.height,
      this.width,
      this.channels,
      this.labels?.subarray(0, m),
      this.classNames,
    );
  }
}
