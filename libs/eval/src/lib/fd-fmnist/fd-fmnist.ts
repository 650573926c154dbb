import type * as tf from '@tensorflow/tfjs-core';
import { frechetDistance, type FrechetOptions } from '../frechet-distance.js';
import { GaussianAccumulator, type GaussianStats } from '../gaussian-stats.js';
import { FMNIST_FEATURE_DIM } from './fmnist-classifier-params.js';
import type { FmnistClassifier } from './fmnist-classifier.js';

/** The metric's name for tables and logs. It is a Fréchet distance in a Fashion-MNIST classifier's features, NOT FID. */
export const FD_FMNIST_NAME = 'FD-FMNIST';

/** Penultimate features [B, 128] of images [B, 28|32, 28|32, 1|3] in [−1, 1]; the caller disposes the result. */
export function fdFmnistFeatures(classifier: FmnistClassifier, images: tf.Tensor): tf.Tensor2D {
  const { features, logits } = classifier.forward(images);
  logits.dispose();
  return features;
}

/** A stream of image batches in [−1, 1] ([B, 28|32, 28|32, 1|3]); the consumer disposes each. */
export type FmnistImageBatches = AsyncIterable<tf.Tensor> | Iterable<tf.Tensor>;

/** Options of {@link fdFmnistStats}. */
export interface FdFmnistStatsOptions {
  /** Called after each batch with the number of images done. */
  onProgress?: (done: number) => void;
}

/** Streams batches through the classifier into float64 Gaussian statistics of its penultimate features (disposes each batch). */
export async function fdFmnistStats(batches: FmnistImageBatches, classifier: FmnistClassifier, opts: FdFmnistStatsOptions = {}): Promise<GaussianStats> {
  const acc = new GaussianAccumulator(classifier.dim);
  for await (const images of batches) {
    try {
      const f = fdFmnistFeatures(classifier, images);
      try {
        acc.add((await f.data()) as Float32Array);
      } finally {
        f.dispose();
      }
    } finally {
      images.dispose();
    }
    opts.onProgress?.(acc.n);
  }
  if (acc.n <= classifier.dim) {
    throw new Error(`fdFmnistStats: got ${acc.n} image(s); FD-FMNIST needs more than ${classifier.dim} (its feature size) — use ≥ 2,000, 10,000 is standard for the test split`);
  }
  return acc.stats();
}

/**
 * FD-FMNIST: the Fréchet distance (Heusel et al. 2017, Eq. 6) between Gaussian statistics of the FD-FMNIST
 * classifier's penultimate features. Same formula as FID, different network: report it as FD-FMNIST, never as FID.
 */
export function fdFmnist(a: GaussianStats, b: GaussianStats, opts: FrechetOptions = {}): number {
  for (const [s, name] of [[a, 'a'], [b, 'b']] as const) {
    if (s.mu.length !== FMNIST_FEATURE_DIM) {
      throw new Error(`fdFmnist: ${name} has ${s.mu.length}-dimensional statistics; FD-FMNIST statistics are ${FMNIST_FEATURE_DIM}-dimensional (from fdFmnistStats), not Inception's 2048`);
    }
  }
  return frechetDistance(a, b, opts);
}
