import type * as tf from '@tensorflow/tfjs-core';
import { GaussianAccumulator, type GaussianStats } from './gaussian-stats.js';
import type { FeatureExtractor } from './inception-extractor.js';

/** A stream of image batches [B, H, W, C] holding 0..255 (u8 or quantised floats); the consumer disposes each. */
export type ImageBatches = AsyncIterable<tf.Tensor4D> | Iterable<tf.Tensor4D>;

/** Options of {@link featureStats}. */
export interface FeatureStatsOptions {
  /** Keep the IS logits (N × 1008 float32). Default false (FID needs only the running sums). */
  withLogits?: boolean;
  /** Called after each batch with the number of images done. */
  onProgress?: (done: number) => void;
}

/** Result of {@link featureStats}. */
export interface FeatureStatsResult {
  stats: GaussianStats;
  /** Row-major [N, classes] when `withLogits`. */
  logits?: Float32Array;
}

/** Streams batches through the extractor into float64 Gaussian statistics (FID §2.1), never holding all features. */
export async function featureStats(batches: ImageBatches, extractor: FeatureExtractor, opts: FeatureStatsOptions = {}): Promise<FeatureStatsResult> {
  const acc = new GaussianAccumulator(extractor.dim);
  const logits: Float32Array[] = [];
  for await (const images of batches) {
    const out = extractor.features(images);
    images.dispose();
    try {
      acc.add((await out.pool.data()) as Float32Array);
      if (opts.withLogits) logits.push((await out.logits.data()) as Float32Array);
    } finally {
      out.pool.dispose();
      out.logits.dispose();
    }
    opts.onProgress?.(acc.n);
  }
  if (acc.n < 2) throw new Error(`featureStats: got ${acc.n} image(s); statistics need at least 2 (FID needs more than ${extractor.dim})`);
  const result: FeatureStatsResult = { stats: acc.stats() };
  if (opts.withLogits) {
    const all = new Float32Array(acc.n * extractor.classes);
    let o = 0;
    for (const l of logits) {
      all.set(l, o);
      o += l.length;
    }
    result.logits = all;
  }
  return result;
}
