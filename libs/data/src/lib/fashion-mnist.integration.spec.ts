// Real Fashion-MNIST from Debian's dataset-fashion-mnist (installed by .ci/run). Absent package = failure, unless
// PFGM_SKIP_REAL_DATA=1 is set explicitly, in which case the tests are skipped with a visible reason.
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectSameBytes } from '../test/bytes.js';
import { startLoopbackServer } from '../test/loopback-server.js';
import { listAll, makeTempDir } from '../test/temp-dir.js';
import { adaptImages } from './adapt-images.js';
import { DataError } from './data-error.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadDataset } from './load-dataset.js';
import { debianFashionMnistDir } from './system-paths.js';

const skip = process.env.PFGM_SKIP_REAL_DATA === '1';
const debDir = debianFashionMnistDir();
const debFile = (name: string) => join(debDir ?? '/missing', name);
/** Test titles carry the skip reason, so a skipped run says why in the report. */
const title = (t: string) => (skip ? `${t} [skipped: PFGM_SKIP_REAL_DATA=1 set explicitly]` : t);

describe('real Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it.skipIf(skip)(title('the Debian package is installed (apt-get install dataset-fashion-mnist)'), () => {
    expect(
      debDir,
      'Fashion-MNIST is not installed: run `apt-get install -y dataset-fashion-mnist` (as .ci/run does), ' +
        'or set PFGM_SKIP_REAL_DATA=1 to skip these tests explicitly',
    ).toBeDefined();
  });

  it.skipIf(skip || !debDir)(title('train 60 000 and test 10 000 images of 28×28×1, 6000 / 1000 per class, checksums verified'), async () => {
    for (const [split, n, perClass] of [['train', 60000, 6000], ['test', 10000, 1000]] as const) {
      const ds = await loadFashionMnist({ split, download: false, cacheDir: '/nonexistent' });
      expect(ds.name).toBe(`fmnist/${split}`);
      expect(ds.length).toBe(n);
      expect(ds.sampleShape).toEqual([28, 28, 1]);
      const counts = new Array(10).fill(0);
      for (const l of ds.labels ?? []) counts[l]++;
      expect(counts).toEqual(new Array(10).fill(perClass));
    }
  });

  it.skipIf(skip || !debDir)(title('average L2 norm equals a tf.norm computation over the same float view'), async () => {
    const ds = await loadFashionMnist({ split: 'test', download: false, cacheDir: '/nonexistent' });
    const sub = ds.subset(2000);
    const x = sub.tensor();
    const ref = tf.tidy(() => tf.mean(tf.norm(tf.reshape(x, [2000, 784]), 'euclidean', 1)).dataSync()[0]);
    x.dispose();
    expect(sub.averageNorm()).toBeCloseTo(ref, 2);
    expect(ds.averageNorm()).toBeGreaterThan(10);
    expect(ds.averageNorm()).toBeLessThan(28); // ‖x‖ ≤ √784 = 28 in [−1, 1]
  });

  it.skipIf(skip || !debDir)(title('average L2 norm equals numpy float64 (fixtures/gen-fmnist-norm.py), at 28×28×1 and 32×32×3'), async () => {
    const ref = JSON.parse(readFileSync(new URL('../../fixtures/fmnist-avg-norm.json', import.meta.url), 'utf8')) as {
      test: { '28x28x1': number; '32x32x3': number };
    };
    const native = await loadDataset('fmnist', { split: 'test', download: false, cacheDir: '/nonexistent' });
    expect(native.averageNorm()).toBeCloseTo(ref.test['28x28x1'], 9);
    const rgb = await loadDataset('fmnist', { split: 'test', size: 32, channels: 3, download: false, cacheDir: '/nonexistent' });
    expect(rgb.averageNorm()).toBeCloseTo(ref.test['32x32x3'], 9);
  });

  it.skipIf(skip || !debDir)(title('pad to 32×32 and grey → RGB: a true centred zero pad, channels repeated'), async () => {
    const ds = (await loadFashionMnist({ split: 'test', download: false, cacheDir: '/nonexistent' })).subset(50);
    const big = adaptImages(ds, { size: 32, channels: 3, fit: 'pad' });
    expect(big.sampleShape).toEqual([32, 32, 3]);
    for (const k of [0, 17, 49]) {
      const src = ds.image(k);
      const dst = big.image(k);
      for (let h = 0; h < 32; h++) {
        for (let w = 0; w < 32; w++) {
          const inside = h >= 2 && h < 30 && w >= 2 && w < 30;
          const v = inside ? src[(h - 2) * 28 + (w - 2)] : 0;
          for (let c = 0; c < 3; c++) expect(dst[(h * 32 + w) * 3 + c]).toBe(v);
        }
      }
    }
  });

  it.skipIf(skip || !debDir)(title('download from a loopback server: verified against the decompressed sha256, cached, reused; a corrupted cache is replaced'), async () => {
    const gz = (name: string) => new Uint8Array(readFileSync(debFile(`${name}.gz`)));
    const images = gz('t10k-images-idx3-ubyte');
    const labels = gz('t10k-labels-idx1-ubyte');
    const server = await startLoopbackServer({
      '/t10k-images-idx3-ubyte.gz': { kind: 'ok', body: images },
      '/t10k-labels-idx1-ubyte.gz': { kind: 'ok', body: labels },
    });
    const tmp = await makeTempDir();
    try {
      const opts = { split: 'test', system: false, cacheDir: tmp.dir, baseUrl: server.url } as const;
      const a = await loadFashionMnist(opts);
      expect(a.length).toBe(10000);
      expect(server.hits).toEqual(['/t10k-images-idx3-ubyte.gz', '/t10k-labels-idx1-ubyte.gz']);
      expect(await listAll(tmp.dir)).toEqual(['fashion-mnist', 'fashion-mnist/t10k-images-idx3-ubyte.gz', 'fashion-mnist/t10k-labels-idx1-ubyte.gz']);
      const b = await loadFashionMnist(opts);
      expect(server.hits.length).toBe(2); // served from the cache
      expectSameBytes(b.pixels, a.pixels);
      // Corrupt one pixel of the cached images (a valid gzip with wrong content): it must be deleted and downloaded again.
      const cached = join(tmp.dir, 'fashion-mnist', 't10k-images-idx3-ubyte.gz');
      const raw = gunzipSync(await readFile(cached));
      raw[5000] ^= 0xff;
      await writeFile(cached, gzipSync(raw));
      const c = await loadFashionMnist(opts);
      expect(server.hits.length).toBe(3);
      expectSameBytes(c.pixels, a.pixels);
    } finally {
      await server.close();
      await tmp.cleanup();
    }
  });

  it.skipIf(skip || !debDir)(title('a truncated real download: error, nothing cached'), async () => {
    const images = new Uint8Array(readFileSync(debFile('t10k-images-idx3-ubyte.gz')));
    const server = await startLoopbackServer({ '/t10k-images-idx3-ubyte.gz': { kind: 'truncated', body: images, sendBytes: 1_000_000 } });
    const tmp = await makeTempDir();
    try {
      const err = await loadFashionMnist({ split: 'test', system: false, cacheDir: tmp.dir, baseUrl: server.url }).catch((e: unknown) => e);
      expect((err as DataError).reason).toBe('truncated');
      expect(await listAll(tmp.dir)).toEqual(['fashion-mnist']);
    } finally {
      await server.close();
      await tmp.cleanup();
    }
  });
});
