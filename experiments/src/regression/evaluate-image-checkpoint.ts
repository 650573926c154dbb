import * as tf from '@tensorflow/tfjs-core';
import type { GaussianStats } from '@pfgm/eval';
import { sample } from '@pfgm/methods';
import { openRun } from '@pfgm/runs';
import { Rng } from '@pfgm/tensor';
import type { ImageMetric } from '../images/image-metric.js';
import type { ImageEvalSettings } from './image-baselines-file.js';
import { corruptWeights } from './checkpoint-fault.js';
import type { Faults } from './evaluate-checkpoint.js';
import { faultyMethod, faultySolver } from './sampler-fault.js';

/** The image metric at one sampling seed. */
export interface ImageSeedValue {
  seed: number;
  /** Fréchet distance of the samples' features to the reference statistics; NaN when the sampler threw. */
  fd: number;
  /** Sample values that were not finite (set to 0 before scoring, as the image tables do). */
  nonFinite: number;
  nfe: number | null;
  /** The sampler's error, if any. */
  note?: string;
}

/**
 * Opens the image run in `dir` (the weights `settings.weights` names), draws `settings.samples` images per seed in
 * batches of `settings.batch` (batch b from the prior stream Rng(seed, [b])) with the fixed solver, clips them to
 * [−1, 1] (a non-finite value becomes 0 and is counted) and scores them against `ref` with `metric`: the image tables'
 * sampling and scoring (experiments/src/images/image-sweep.ts) at a CI-sized budget.
 */
export async function evaluateImageCheckpoint(
  dir: string,
  settings: ImageEvalSettings,
  metric: ImageMetric,
  ref: GaussianStats,
  seeds: readonly number[],
  faults: Faults = {},
): Promise<{ values: ImageSeedValue[] }> {
  const samplerFault = faults.sampler ?? { kind: 'none' };
  const run = await openRun(dir, { ema: settings.weights === 'ema' });
  try {
    corruptWeights(run.net, faults.checkpoint ?? { kind: 'none' });
    const method = faultyMethod(run.method, samplerFault);
    const solver = faultySolver(settings.solver, samplerFault);
    const values: ImageSeedValue[] = [];
    for (const seed of seeds) {
      const batches: tf.Tensor4D[] = [];
      let nfe = 0;
      try {
        for (let b = 0; b * settings.batch < settings.samples; b++) {
          const n = Math.min(settings.batch, settings.samples - b * settings.batch);
          const r = await sample(method, run.predictor, solver, n, run.shape, new Rng(seed, [b]));
          nfe = Math.max(nfe, r.nfe);
          batches.push(r.x as tf.Tensor4D);
        }
      } catch (e) {
        tf.dispose(batches);
        values.push({ seed, fd: NaN, nonFinite: 0, nfe: null, note: `sampler failed: ${(e as Error).message.split(';')[0]}` });
        continue;
      }
      const nonFinite = batches.reduce((a, x) => a + (tf.tidy(() => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(x)), 'int32')).arraySync()) as number), 0);
      const clipped = batches.map((x) => tf.tidy(() => tf.clipByValue(tf.where(tf.isFinite(x), x, tf.zerosLike(x)), -1, 1)) as tf.Tensor4D);
      tf.dispose(batches);
      const s = await metric.stats(clipped);
      values.push({ seed, fd: metric.distance(s.stats, ref), nonFinite, nfe });
    }
    return { values };
  } finally {
    run.dispose();
  }
}
