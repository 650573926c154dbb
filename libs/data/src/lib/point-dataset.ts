import * as tf from '@tensorflow/tfjs-core';
import { checkIndices, checkLimit, type DatasetCommon } from './dataset.js';

/** Exact log-density log p(x) of points stored row-major [n, d]; one value per point. */
export type LogDensity = (x: ArrayLike<number>) => Float64Array;

/** Points in R^d stored as float32 [N, d]; the float view is the points themselves. */
export class PointDataset implements DatasetCommon {
  readonly kind = 'points' as const;
  readonly length: number;
  readonly sampleShape: readonly number[];
  private norm: number | undefined;

  constructor(
    readonly name: string,
    /** Coordinates, row-major [N, d]. */
    readonly points: Float32Array,
    /** Dimension d. */
    readonly dim: number,
    /** The exact log-density of the distribution the points were drawn from, when known. */
    readonly logDensity?: LogDensity,
    readonly labels?: Uint8Array,
    readonly classNames?: readonly string[],
  ) {
    if (!(dim > 0) || points.length % dim !== 0) {
      throw new RangeError(`${name}: ${points.length} coordinates is not a whole number of ${dim}-D points`);
    }
    this.length = points.length / dim;
    this.sampleShape = [dim];
  }

  gather(indices: ArrayLike<number>, flip?: ArrayLike<number>): Float32Array {
    if (flip !== undefined && Array.prototype.some.call(flip, (f: number) => f !== 0)) {
      throw new Error(`${this.name}: horizontal flip applies to images; this dataset holds ${this.dim}-D points`);
    }
    checkIndices(indices, this.length, this.name);
    const d = this.dim;
    const out = new Float32Array(indices.length * d);
    for (let b = 0; b < indices.length; b++) out.set(this.points.subarray(indices[b] * d, (indices[b] + 1) * d), b * d);
    return out;
  }

  tensor(indices?: ArrayLike<number>, flip?: ArrayLike<number>): tf.Tensor {
    if (indices === undefined && flip === undefined) return tf.tensor2d(this.points, [this.length, this.dim]); // [N, d]
    const idx = indices ?? Uint32Array.from({ length: this.length }, (_, i) => i);
    return tf.tensor2d(this.gather(idx, flip), [idx.length, this.dim]); // [B, d]
  }

  averageNorm(): number {
    if (this.norm === undefined) {
      const d = this.dim;
      let total = 0;
      for (let k = 0; k < this.length; k++) {
        let s = 0;
        for (let j = k * d; j < (k + 1) * d; j++) s += this.points[j] * this.points[j];
        total += Math.sqrt(s);
      }
      this.norm = total / this.length;
    }
    return this.norm;
  }

  subset(limit: number): PointDataset {
    const m = checkLimit(limit, this.length, this.name);
    if (m === this.length) return this;
    return new PointDataset(this.name, this.points.subarray(0, m * this.dim), this.dim, this.logDensity,
      this.labels?.subarray(0, m), this.classNames);
  }
}
