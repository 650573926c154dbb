import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose, expectNoLeak } from '@pfgm/tensor/testing';
import { featureStats } from './feature-stats.js';
import { gaussianStats } from './gaussian-stats.js';
import type { FeatureExtractor } from './inception-extractor.js';
import { preprocessForInception, quantizeToUint8 } from './inception-preprocess.js';
import { imageFolderBatches, listImageFiles, npzImageBatches } from './image-sources.js';
import { writeNpz } from './npz.js';

const tmp = mkdtempSync(join(tmpdir(), 'pfgm-feat-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A tiny stand-in extractor: pool = per-channel spatial means and maxima [B, 6]; logits = pool·[1, −1]. */
const fake: FeatureExtractor = {
  dim: 6,
  classes: 2,
  features: (x) =>
    tf.tidy(() => {
      const f = tf.cast(x, 'float32');
      const pool = tf.concat([tf.mean(f, [1, 2]), tf.max(f, [1, 2])], 1) as tf.Tensor2D;
      return { pool, logits: tf.matMul(pool, tf.tensor2d([1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1], [6, 2])) };
    }),
  dispose: () => undefined,
};

describe('featureStats', () => {
  it('streams batches into the same float64 statistics as all features at once, without leaks', async () => {
    const pixels = Float32Array.from({ length: 10 * 4 * 4 * 3 }, (_, i) => (i * 37) % 256);
    const all = tf.tidy(() => fake.features(tf.tensor4d(pixels, [10, 4, 4, 3])).pool);
    const expected = gaussianStats(await all.data(), 6);
    all.dispose();
    const res = await expectNoLeak(() => {
      const batches = [0, 3, 7].map((s, k, a) => tf.tensor4d(pixels.subarray(s * 48, (a[k + 1] ?? 10) * 48), [(a[k + 1] ?? 10) - s, 4, 4, 3]));
      return featureStats(batches, fake, { withLogits: true });
    });
    expect(res.stats.n).toBe(10);
    expectClose(res.stats.mu, expected.mu, { rtol: 1e-12 });
    expectClose(res.stats.sigma, expected.sigma, { rtol: 1e-9, atol: 1e-9 });
    expect(res.logits?.length).toBe(20);
  });
});

describe('preprocessing and quantisation', () => {
  it('scales 0..255 to [-1, 1) (legacy-tf) or [-1, 1] (pytorch-fid) and skips resizing at 299', async () => {
    const img = tf.fill([1, 299, 299, 3], 255);
    const ref = tf.tidy(() => tf.concat([tf.zeros([1, 1, 299, 3]), tf.fill([1, 298, 299, 3], 255)], 1)) as tf.Tensor4D;
    await expectNoLeak(async () => {
      const a = preprocessForInception(ref, 'legacy-tf');
      const b = preprocessForInception(ref, 'pytorch-fid');
      expect(Array.from((await a.data()).subarray(0, 3))).toEqual([-1, -1, -1]);
      expect((await a.data())[299 * 3 * 5]).toBe(0.9921875); // (255 − 128)/128
      expectClose((await b.data())[299 * 3 * 5], 1, { rtol: 1e-7 });
      tf.dispose([a, b]);
    });
    tf.dispose([img, ref]);
  });

  it('legacy-tf resize is TF1 bilinear: src = dst·in/out (row 0 equals input row 0, no half-pixel shift)', async () => {
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => [0, 128, 255, 64][Math.floor(i / 3)]), [1, 2, 2, 3]);
    const a = preprocessForInception(x, 'legacy-tf');
    const b = preprocessForInception(x, 'pytorch-fid');
    const av = await a.data();
    const bv = await b.data();
    expect(av[0]).toBe(-1); // dst 0 ↦ src 0 exactly
    const k = 100; // src = 100·2/299 = 0.6689 → 0 + 128·0.6689
    expectClose(av[k * 3], (128 * ((k * 2) / 299) - 128) / 128, { rtol: 1e-6 });
    expectClose(bv[k * 3], (128 * ((k + 0.5) * (2 / 299) - 0.5)) / 127.5 - 1, { rtol: 1e-6 }); // half-pixel
    tf.dispose([x, a, b]);
  });

  it('grey and RGBA become RGB', () => {
    const grey = tf.fill([1, 3, 3, 1], 200);
    const rgba = tf.tidy(() => tf.concat([tf.fill([1, 3, 3, 3], 200), tf.fill([1, 3, 3, 1], 7)], 3)) as tf.Tensor4D;
    const a = preprocessForInception(grey as tf.Tensor4D);
    const b = preprocessForInception(rgba);
    expect(a.shape).toEqual([1, 299, 299, 3]);
    expectClose(a, b, { rtol: 0, atol: 0 });
    tf.dispose([grey, rgba, a, b]);
    const bad = tf.zeros([1, 3, 3, 2]) as tf.Tensor4D;
    expect(() => preprocessForInception(bad)).toThrow(/1, 3 or 4 channels/);
    bad.dispose();
  });

  it('quantises [-1, 1] to uint8 with round(127.5x + 127.5), clipped', async () => {
    const q = quantizeToUint8(tf.tensor1d([-1.2, -1, -0.999, 0, 0.5, 1, 3]));
    expect(Array.from(await q.data())).toEqual([0, 0, 0, 128, 191, 255, 255]);
    q.dispose();
  });
});

describe('image sources', () => {
  it('reads a folder of PNGs at native size (grey replicated) and an npz of uint8 or float images', async () => {
    const dir = join(tmp, 'pngs');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const rgb = Buffer.from(Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 11) % 256));
    await sharp(rgb, { raw: { width: 5, height: 4, channels: 3 } }).png().toFile(join(dir, 'a.png'));
    await sharp(Buffer.alloc(20, 77), { raw: { width: 5, height: 4, channels: 1 } }).png().toFile(join(dir, 'b.png'));
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const files = await listImageFiles(dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['a.png', 'b.png']);
    const batches: tf.Tensor4D[] = [];
    for await (const b of imageFolderBatches(files, 8)) batches.push(b);
    expect(batches[0].shape).toEqual([2, 4, 5, 3]);
    const px = await batches[0].data();
    expect(Array.from(px.subarray(0, 60))).toEqual(Array.from(rgb));
    expect(Array.from(px.subarray(60))).toEqual(new Array(60).fill(77));
    tf.dispose(batches);

    const npz = join(tmp, 'samples.npz');
    writeFileSync(npz, writeNpz({ arr_0: { data: Float32Array.from([-1, 0, 1, 0.5, -0.5, 0.2]), shape: [2, 1, 1, 3] } }));
    const { count, batches: fb } = await npzImageBatches(npz, 1);
    expect(count).toBe(2);
    const got: number[] = [];
    for await (const b of fb) {
      got.push(...(await b.data()));
      b.dispose();
    }
    expect(got).toEqual([0, 128, 255, 191, 64, 153]);
    writeFileSync(npz, writeNpz({ x: { data: Float32Array.of(0, 200), shape: [1, 1, 2, 1] } }));
    await expect(npzImageBatches(npz, 1)).rejects.toThrow(/floats in \[0, 200\]; expected samples in \[-1, 1\]/);
  });
});
