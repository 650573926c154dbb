import type { GaussianStats } from '@pfgm/eval';
import { loadImages } from '../images/image-data.js';
import { datasetBatches, makeImageMetric, type ImageMetric } from '../images/image-metric.js';
import type { ImageEvalSettings } from './image-baselines-file.js';

/** The settings' metric network and the reference statistics every sample set is scored against. */
export interface ImageScorer {
  metric: ImageMetric;
  ref: GaussianStats;
  dispose(): void;
}

/**
 * Loads the metric of `settings` (`inceptionPath`: pytorch-fid weights for `fid`, else the cache) and the statistics
 * of the first `settings.reference.images` images of the Fashion-MNIST test split (Debian's dataset-fashion-mnist,
 * else the cache or a download), as the fmnist experiments do.
 */
export async function loadImageScorer(settings: ImageEvalSettings, inceptionPath?: string): Promise<ImageScorer> {
  const metric = await makeImageMetric(settings.metric, inceptionPath);
  try {
    const r = settings.reference;
    const images = await loadImages({ kind: r.data, limit: 60_000, size: r.size }, r.split, '');
    if (images.length < r.images) throw new Error(`reference: the ${r.split} split has ${images.length} images, the baselines need ${r.images}`);
    const ref = (await metric.stats(datasetBatches(images, r.images, settings.batch))).stats;
    return { metric, ref, dispose: () => metric.dispose() };
  } catch (e) {
    metric.dispose();
    throw e;
  }
}
