import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deadLoopbackUrl, startLoopbackServer } from '../test/loopback-server.js';
import { listAll, makeTempDir } from '../test/temp-dir.js';
import { DataError } from './data-error.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { encodeIdx } from './idx.js';

/** A synthetic split: n images 28×28 with pixel (k, h, w) = (k + 3h + 5w) mod 256 and label k mod 10. */
function synthetic(n: number) {
  const pixels = new Uint8Array(n * 784);
  for (let k = 0; k < n; k++) for (let p = 0; p < 784; p++) pixels[k * 784 + p] = (k + 3 * Math.floor(p / 28) + 5 * (p % 28)) % 256;
  const labels = Uint8Array.from({ length: n }, (_, k) => k % 10);
  return { pixels, labels, images: encodeIdx([n, 28, 28], pixels), labelsIdx: encodeIdx([n], labels) };
}

describe('Fashion-MNIST from a --data folder (synthetic IDX files)', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir();
  });
  afterEach(() => tmp.cleanup());
  const noSystem = { system: false, download: false } as const;

  it('raw IDX files parse back exactly: pixels, labels, shape [N, 28, 28, 1]', async () => {
    const s = synthetic(23);
    await writeFile(join(tmp.dir, 't10k-images-idx3-ubyte'), s.images);
    await writeFile(join(tmp.dir, 't10k-labels-idx1-ubyte'), s.labelsIdx);
    const ds = await loadFashionMnist({ ...noSystem, split: 'test', dataDir: tmp.dir, cacheDir: join(tmp.dir, 'cache') });
    expect(ds.length).toBe(23);
    expect(ds.sampleShape).toEqual([28, 28, 1]);
    expect(ds.pixels).toEqual(s.pixels);
    expect(ds.labels).toEqual(s.labels);
    expect(ds.classNames?.[9]).toBe('Ankle boot');
  });

  it('.gz files in a fashion-mnist/ subfolder parse back exactly', async () => {
    const s = synthetic(12);
    await mkdir(join(tmp.dir, 'fashion-mnist'));
    await writeFile(join(tmp.dir, 'fashion-mnist', 'train-images-idx3-ubyte.gz'), gzipSync(s.images));
    await writeFile(join(tmp.dir, 'fashion-mnist', 'train-labels-idx1-ubyte.gz'), gzipSync(s.labelsIdx));
    const ds = await loadFashionMnist({ ...noSystem, dataDir: tmp.dir, cacheDir: join(tmp.dir, 'cache') });
    expect(ds.pixels).toEqual(s.pixels);
    expect(ds.labels).toEqual(s.labels);
  });

  it('truncated image file: error names the file and expected vs found size; nothing is returned', async () => {
    const s = synthetic(5);
    const images = join(tmp.dir, 'train-images-idx3-ubyte');
    await writeFile(images, s.images.subarray(0, s.images.length - 100));
    await writeFile(join(tmp.dir, 'train-labels-idx1-ubyte'), s.labelsIdx);
    await expect(loadFashionMnist({ ...noSystem, dataDir: tmp.dir })).rejects.toThrow(
      new RegExp(`${images}: truncated IDX file: header declares dims \\[5, 28, 28\\] → expected 3936 bytes, found 3836`),
    );
  });

  it('truncated .gz: error names the file (corrupt gzip)', async () => {
    const s = synthetic(5);
    const gz = gzipSync(s.images);
    const images = join(tmp.dir, 'train-images-idx3-ubyte.gz');
    await writeFile(images, gz.subarray(0, gz.length - 30));
    await writeFile(join(tmp.dir, 'train-labels-idx1-ubyte.gz'), gzipSync(s.labelsIdx));
    await expect(loadFashionMnist({ ...noSystem, dataDir: tmp.dir })).rejects.toThrow(new RegExp(`${images}: corrupt or truncated gzip data`));
  });

  it('labels and images swapped, counts disagreeing, labels out of range: clear errors', async () => {
    const s = synthetic(5);
    await writeFile(join(tmp.dir, 'train-images-idx3-ubyte'), s.labelsIdx);
    await writeFile(join(tmp.dir, 'train-labels-idx1-ubyte'), s.images);
    await expect(loadFashionMnist({ ...noSystem, dataDir: tmp.dir })).rejects.toThrow(/expected 3-D images \[N, H, W\], found dims \[5\]/);
    await writeFile(join(tmp.dir, 'train-images-idx3-ubyte'), s.images);
    await writeFile(join(tmp.dir, 'train-labels-idx1-ubyte'), encodeIdx([4], s.labels.subarray(0, 4)));
    await expect(loadFashionMnist({ ...noSystem, dataDir: tmp.dir })).rejects.toThrow(/4 labels for the 5 images/);
    await writeFile(join(tmp.dir, 'train-labels-idx1-ubyte'), encodeIdx([5], Uint8Array.from([1, 2, 10, 3, 4])));
    await expect(loadFashionMnist({ ...noSystem, dataDir: tmp.dir })).rejects.toThrow(/label 10 at index 2, expected 0–9/);
  });

  it('nothing anywhere and no network: the error lists every path tried and how to provide the data', async () => {
    const baseUrl = await deadLoopbackUrl();
    const cache = join(tmp.dir, 'cache');
    const err = await loadFashionMnist({ system: false, dataDir: join(tmp.dir, 'empty'), cacheDir: cache, baseUrl }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    const msg = (err as DataError).message;
    expect((err as DataError).reason).toBe('not-found');
    expect(msg).toContain(`--data ${join(tmp.dir, 'empty')}: no train-images-idx3-ubyte[.gz]`);
    expect(msg).toContain(`cache ${join(cache, "fashion-mnist")}: no verified train-images-idx3-ubyte.gz`);
    expect(msg).toMatch(/download http:\/\/127\.0\.0\.1:\d+\/train-images-idx3-ubyte\.gz: could not reach .*ECONNREFUSED/);
    expect(msg).toContain('apt-get install dataset-fashion-mnist');
    expect(msg).toContain('--data <folder>');
    expect(await listAll(cache)).toEqual(['fashion-mnist']); // the empty folder, no file
  });

  it('download disabled: says so, no request is made', async () => {
    const server = await startLoopbackServer({});
    try {
      const err = await loadFashionMnist({ system: false, cacheDir: tmp.dir, baseUrl: server.url, download: false }).catch((e: unknown) => e);
      expect((err as DataError).message).toContain('download: disabled');
      expect(server.hits).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a download whose content is not Fashion-MNIST: checksum error, nothing cached', async () => {
    const s = synthetic(5);
    const server = await startLoopbackServer({
      '/train-images-idx3-ubyte.gz': { kind: 'ok', body: gzipSync(s.images) },
      '/train-labels-idx1-ubyte.gz': { kind: 'ok', body: gzipSync(s.labelsIdx) },
    });
    try {
      const err = await loadFashionMnist({ system: false, cacheDir: tmp.dir, baseUrl: server.url }).catch((e: unknown) => e);
      expect((err as DataError).reason).toBe('corrupt');
      expect((err as DataError).message).toMatch(/decompressed train-images-idx3-ubyte has 3936 bytes, expected 47040016/);
      expect(await listAll(tmp.dir)).toEqual(['fashion-mnist']);
    } finally {
      await server.close();
    }
  });
});
