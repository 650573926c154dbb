import * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset } from '@pfgm/data';
import { fdFmnist, fdFmnistStats, featureStats, FmnistClassifier, frechetDistance, inceptionScore, InceptionExtractor, syntheticInceptionStateDict, type GaussianStats } from '@pfgm/eval';

/**
 * The sample-quality metric of an image experiment:
 * - `fd-fmnist`: Fréchet distance in the committed Fashion-MNIST classifier's features (FD-FMNIST; NOT FID);
 * - `fid`: FID and IS with pytorch-fid's Inception weights (path / cache / download);
 * - `fid-synthetic-weights`: the same network with deterministic synthetic weights: a plumbing check, not FID.
 */
export type MetricKind = 'fd-fmnist' | 'fid' | 'fid-synthetic-weights';

/** The plumbing metric keeps the first 64 of the 2048 pool features (a 2048² eigenproblem takes minutes on 2 cores). */
export const PLUMBING_DIMS = 64;

/** Gaussian statistics restricted to the first k coordinates. */
export function truncateStats(s: GaussianStats, k: number): GaussianStats {
  const d = s.mu.length;
  const sigma = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) sigma[i * k + j] = s.sigma[i * d + j];
  return { ...s, mu: s.mu.slice(0, k), sigma };
}

/** Column names per metric: never "fid" for anything but the real FID. */
export function metricColumns(kind: MetricKind): { fd: string; is?: string } {
  switch (kind) {
    case 'fd-fmnist':
      return { fd: 'fd_fmnist' };
    case 'fid':
      return { fd: 'fid', is: 'is' };
    case 'fid-synthetic-weights':
      return { fd: `fd_synthetic_inception_${PLUMBING_DIMS}d`, is: 'is_synthetic_inception' };
  }
}

/** Scores batches of samples in [−1, 1] against reference statistics of held-out data. */
export interface ImageMetric {
  kind: MetricKind;
  /** Statistics of images [B, H, W, C] in [−1, 1], consumed from `batches` (each disposed). */
  stats(batches: Iterable<tf.Tensor4D>): Promise<{ stats: GaussianStats; is?: number }>;
  distance(a: GaussianStats, b: GaussianStats): number;
  dispose(): void;
}

/** Loads the metric's network. `inceptionPath`: pytorch-fid weights for `fid` (else cache, else download). */
export async function makeImageMetric(kind: MetricKind, inceptionPath?: string): Promise<ImageMetric> {
  if (kind === 'fd-fmnist') {
    const c = FmnistClassifier.load();
    return { kind, stats: async (b) => ({ stats: await fdFmnistStats(b, c) }), distance: (a, b) => fdFmnist(a, b), dispose: () => c.dispose?.() };
  }
  const ex = kind === 'fid' ? await InceptionExtractor.load({ path: inceptionPath }) : InceptionExtractor.fromStateDict(syntheticInceptionStateDict(0));
  return {
    kind,
    stats: async (batches) => {
      const r = await featureStats(toBytes(batches), ex, { withLogits: true });
      const is = r.logits ? inceptionScore(r.logits, ex.classes, { splits: 1 }).mean : undefined;
      return { stats: r.stats, is };
    },
    // Plumbing checks use a handful of images and 64 feature dims: the biased finite value, allowed only for synthetic weights.
    distance: (a, b) =>
      kind === 'fid' ? frechetDistance(a, b) : frechetDistance(truncateStats(a, PLUMBING_DIMS), truncateStats(b, PLUMBING_DIMS), { fewSamples: 'warn', onWarning: () => undefined }),
    dispose: () => ex.dispose(),
  };
}

/** [−1, 1] float images → 0..255 RGB (grey tiled to 3 channels), as Inception's input. */
function* toBytes(batches: Iterable<tf.Tensor4D>): Iterable<tf.Tensor4D> {
  for (const b of batches) {
    const out = tf.tidy(() => {
      const u = tf.round(tf.clipByValue(tf.mul(tf.add(b, 1), 127.5), 0, 255)) as tf.Tensor4D;
      return u.shape[3] === 1 ? (tf.tile(u, [1, 1, 1, 3]) as tf.Tensor4D) : u;
    });
    b.dispose();
    yield out;
  }
}

/** Batches of the first `n` images of a data set in [−1, 1]. */
export function* datasetBatches(ds: ImageDataset, n: number, batch: number): Iterable<tf.Tensor4D> {
  for (let i = 0; i < n; i += batch) {
    const idx = Uint32Array.from({ length: Math.min(batch, n - i) }, (_, k) => i + k);
    yield ds.tensor(idx) as tf.Tensor4D;
  }
}
