import type * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset } from './image-dataset.js';
import type { PointDataset } from './point-dataset.js';

/** What every dataset offers, whatever it stores. */
export interface DatasetCommon {
  /** Where the data came from, e.g. `fmnist/train`, `toy:moons`. */
  readonly name: string;
  /** Number of examples N. */
  readonly length: number;
  /** Shape of one example in the float view: [H, W, C] for images, [d] for points. */
  readonly sampleShape: readonly number[];
  /** Class label per example (0-based), when the source has labels. */
  readonly labels?: Uint8Array;
  /** Names of the classes, indexed by label, when known. */
  readonly classNames?: readonly string[];
  /** Float view of the examples `indices` (flip[i] ≠ 0 mirrors example i left–right), row-major [B, ...sampleShape]. */
  gather(indices: ArrayLike<number>, flip?: ArrayLike<number>): Float32Array;
  /** The float view as a new tensor [B, ...sampleShape] (all examples when `indices` is omitted); the caller disposes it. */
  tensor(indices?: ArrayLike<number>, flip?: ArrayLike<number>): tf.Tensor;
  /** Average L2 norm ‖y‖ of the examples in the float view (PFGM hyperparameter recipe, spec §1.7). */
  averageNorm(): number;
  /** The first `limit` examples (a view, no copy). */
  subset(limit: number): Dataset;
}

/** A dataset: images stored as uint8 NHWC, or points stored as float32. */
export type Dataset = ImageDataset | PointDataset;

/** Checks a `limit` against the dataset size; returns it. */
export function checkLimit(limit: number, length: number, name: string): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
  if (limit > length) {
    throw new RangeError(`limit ${limit} exceeds the ${length} examples of ${name}; pass a limit ≤ ${length} or none`);
  }
  return limit;
}

/** Checks example indices against N; returns them as a plain array view. */
export function checkIndices(indices: ArrayLike<number>, length: number, name: string): void {
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= length) {
      throw new RangeError(`index ${k} (position ${i}) is out of range for ${name} with ${length} examples`);
    }
  }
}
