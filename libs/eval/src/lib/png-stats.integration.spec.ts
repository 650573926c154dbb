// End to end: a folder of PNGs (RGB, grey, RGBA) → decode → legacy-tf preprocessing → FID Inception (synthetic
// weights) → streaming float64 statistics, against the same chain in PyTorch + PIL + np.cov
// (fixtures/make_png_stats_fixture.py). Runs on wasm.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureStats } from './feature-stats.js';
import { imageFolderBatches, listImageFiles } from './image-sources.js';
import { InceptionExtractor } from './inception-extractor.js';
import { readNpz } from './npz.js';
import { syntheticInceptionStateDict } from './synthetic-inception-weights.js';

const ref = readNpz(new Uint8Array(readFileSync(new URL('../../fixtures/png-stats.npz', import.meta.url))));

/** max |a − b| / (|b| + rms(b)). */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ss = 0;
  for (let i = 0; i < b.length; i++) ss += b[i] * b[i];
  const rms = Math.sqrt(ss / b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + rms));
  return worst;
}

describe('PNG folder → Inception statistics, end to end vs PyTorch/PIL/numpy', () => {
  let prev: string;
  let ex: InceptionExtractor;
  beforeAll(async () => {
    prev = tf.getBackend();
    await tf.setBackend('wasm');
    ex = InceptionExtractor.fromStateDict(syntheticInceptionStateDict(), 'legacy-tf');
  }, 60_000);
  afterAll(async () => {
    ex.dispose();
    await tf.setBackend(prev);
  });

  it('mu agrees to 1e-4 relative, diag(Sigma) and Sigma row 0 to 1e-3', async () => {
    const files = await listImageFiles(fileURLToPath(new URL('../../fixtures/pngs/', import.meta.url)));
    expect(files).toHaveLength(5);
    const before = tf.memory().numTensors;
    const { stats } = await featureStats(imageFolderBatches(files, 2), ex);
    expect(tf.memory().numTensors).toBe(before);
    expect(stats.n).toBe(5);
    const D = 2048;
    const diag = Float64Array.from({ length: D }, (_, i) => stats.sigma[i * D + i]);
    const errs = [relError(stats.mu, ref.mu.data), relError(diag, ref.sigma_diag.data), relError(stats.sigma.subarray(0, D), ref.sigma_row0.data)];
    console.log(`worst relative error: mu ${errs[0].toExponential(2)}, diag ${errs[1].toExponential(2)}, row 0 ${errs[2].toExponential(2)}`);
    expect(errs[0]).toBeLessThanOrEqual(1e-4);
    // With N = 5 the covariance subtracts nearly equal numbers (feature means ≫ their spread across 5 images), which
    // amplifies the ~1e-6 float32 feature differences ~100×: measured 2e-5 (diag) and 1.0e-4 (row 0).
    expect(errs[1]).toBeLessThanOrEqual(1e-3);
    expect(errs[2]).toBeLessThanOrEqual(1e-3);
  }, 60_000);
});
