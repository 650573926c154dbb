// The committed FD-FMNIST classifier on the real Fashion-MNIST test split (Debian's dataset-fashion-mnist, or
// PFGM_FMNIST_DIR): accuracy on the first 2000 images, and FD-FMNIST sanity: two halves of the test split are close,
// noise and a single class are far. Runs on wasm (~9000 forward passes).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng } from '@pfgm/tensor';
import type { GaussianStats } from '../gaussian-stats.js';
import { fdFmnist, fdFmnistStats } from './fd-fmnist.js';
import { FmnistClassifier } from './fmnist-classifier.js';
import { fmnistFloat, fmnistTestSplit } from './fmnist-test-data.js';

const BATCH = 500;

describe('FD-FMNIST on real Fashion-MNIST test images', () => {
  let prevBackend: string;
  let classifier: FmnistClassifier;
  const data = fmnistTestSplit();
  const range = (first: number, n: number) => Uint32Array.from({ length: n }, (_, i) => first + i);
  /** Batches [≤500, 28, 28, 1] of the given test images, optionally as @pfgm/data's 32×32 RGB (zero-padded, repeated). */
  function* real(indices: Uint32Array, padRgb = false): Generator<tf.Tensor4D> {
    for (let s = 0; s < indices.length; s += BATCH) {
      const idx = indices.subarray(s, s + BATCH);
      const x = tf.tensor4d(fmnistFloat(data.pixels, idx), [idx.length, 28, 28, 1]);
      if (!padRgb) yield x;
      else {
        yield tf.tidy(() => tf.tile(tf.pad(x, [[0, 0], [2, 2], [2, 2], [0, 0]], -1), [1, 1, 1, 3]) as tf.Tensor4D);
        x.dispose();
      }
    }
  }

  beforeAll(async () => {
    prevBackend = tf.getBackend();
    await initBackend('wasm');
    classifier = FmnistClassifier.load();
  }, 60_000);
  afterAll(async () => {
    classifier?.dispose();
    await tf.setBackend(prevBackend);
  });

  it('classifies the first 2000 test images with accuracy ≥ 0.89', () => {
    let correct = 0;
    let offset = 0;
    for (const x of real(range(0, 2000))) {
      const { features, logits } = classifier.forward(x);
      const pred = tf.tidy(() => tf.argMax(logits, 1).dataSync());
      pred.forEach((p, i) => (correct += p === data.labels[offset + i] ? 1 : 0));
      offset += pred.length;
      tf.dispose([x, features, logits]);
    }
    const accuracy = correct / 2000;
    console.log(`FD-FMNIST classifier: accuracy ${accuracy} on the first 2000 test images (record: ${classifier.testAccuracy} on all 10000)`);
    expect(offset).toBe(2000);
    expect(accuracy).toBeGreaterThanOrEqual(0.89);
  });

  it('is small between two halves of the test split, large against noise and against a single class', async () => {
    const A = await fdFmnistStats(real(range(0, 2000)), classifier); // test images 0..1999
    const B = await fdFmnistStats(real(range(2000, 2000)), classifier); // test images 2000..3999
    const B32 = await fdFmnistStats(real(range(2000, 2000), true), classifier); // the same as 32×32 RGB
    const rng = new Rng(11);
    const noise = await fdFmnistStats(
      [0, 1, 2, 3].map(() => tf.tidy(() => tf.sub(tf.mul(rng.uniform([BATCH, 28, 28, 1]), 2), 1) as tf.Tensor4D)), // uniform in [−1, 1]
      classifier,
    );
    const classIdx = Uint32Array.from(range(0, data.n).filter((k) => data.labels[k] === 0)); // all 1000 "T-shirt/top"
    const oneClass = await fdFmnistStats(real(classIdx), classifier);
    const fd = (s: GaussianStats) => fdFmnist(A, s);
    const d = { halves: fd(B), halves32: fd(B32), noise: fd(noise), oneClass: fd(oneClass), same: fd(A) };
    console.log(`FD-FMNIST (N = 2000 vs …): ${JSON.stringify(d)}`);
    expect(Math.abs(d.same)).toBeLessThan(1e-5); // float64 cancellation of traces ~10²
    expect(d.halves32).toBeCloseTo(d.halves, 6); // 32×32 RGB input is cropped/averaged back to the same images
    expect(d.halves).toBeGreaterThan(0);
    expect(d.oneClass).toBeGreaterThan(10 * d.halves);
    expect(d.noise).toBeGreaterThan(10 * d.halves);
  });
});
