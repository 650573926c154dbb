import * as tf from '@tensorflow/tfjs-core';

/** A small weighted point set: distinct points repeated by multiplicity (the empirical distribution of Theorem-1 tests). */
export interface ToyData {
  /** Distinct points, [K][N]. */
  points: number[][];
  /** Multiplicity of each point (its weight ∝ multiplicity). */
  counts: number[];
}

/** The rows of a toy data set, each point repeated `counts[k]` times, [Σ counts, N]. */
export function toyTensor(d: ToyData): tf.Tensor2D {
  const rows = d.points.flatMap((p, k) => Array.from({ length: d.counts[k] }, () => p));
  return tf.tensor2d(rows);
}

/** 4 points in 2-D with weights 1:2:3:4. */
export const TOY_2D: ToyData = {
  points: [[-0.5, -0.3], [0.6, -0.4], [0.1, 0.7], [-0.6, 0.5]],
  counts: [1, 2, 3, 4],
};

/** 4 points in 3-D with weights 4:3:2:1. */
export const TOY_3D: ToyData = {
  points: [[0.5, 0.2, -0.4], [-0.4, 0.6, 0.1], [0.1, -0.6, 0.5], [-0.3, -0.2, -0.6]],
  counts: [4, 3, 2, 1],
};
