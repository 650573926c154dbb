import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test/temp-dir.js';
import { encodeIdx } from './idx.js';
import { DEFAULT_TOY_POINTS, loadDataset, parseDatasetSpec } from './load-dataset.js';

describe('parseDatasetSpec', () => {
  it('parses the four kinds and aliases', () => {
    expect(parseDatasetSpec('fmnist')).toEqual({ kind: 'fmnist' });
    expect(parseDatasetSpec('Fashion-MNIST')).toEqual({ kind: 'fmnist' });
    expect(parseDatasetSpec('cifar10')).toEqual({ kind: 'cifar10' });
    expect(parseDatasetSpec('toy:8gaussians')).toEqual({ kind: 'toy', name: '8gaussians' });
    expect(parseDatasetSpec('folder:/data/celeba:64')).toEqual({ kind: 'folder', path: '/data/celeba:64' });
  });

  it('unknown names say what is accepted', () => {
    expect(() => parseDatasetSpec('mnist')).toThrow(/unknown dataset 'mnist': expected fmnist \| cifar10 \| toy:<8gaussians\|checkerboard\|moons\|swissroll\|rings\|mixture> \| folder:<path>/);
    expect(() => parseDatasetSpec('toy:spiral')).toThrow(/unknown toy 'spiral'/);
    expect(() => parseDatasetSpec('folder:')).toThrow(/names no folder/);
    expect(() => parseDatasetSpec('cifar10:x')).toThrow(/unknown dataset/);
  });
});

describe('loadDataset', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  it('toy: default size, limit = number of points, seed; size/channels refused', async () => {
    const a = await loadDataset('toy:mixture');
    expect(a.length).toBe(DEFAULT_TOY_POINTS);
    expect(a.kind === 'points' && a.logDensity !== undefined).toBe(true);
    const b = await loadDataset('toy:moons', { limit: 500, seed: 3 });
    expect(b.length).toBe(500);
    await expect(loadDataset('toy:moons', { size: 32 })).rejects.toThrow(/size and channels apply to images/);
    const test = await loadDataset('toy:moons', { limit: 500, seed: 3, split: 'test' });
    expect(test.kind === 'points' && b.kind === 'points' && test.points[0] !== b.points[0]).toBe(true);
  });

  it('fmnist from --data with limit, size 32 and channels 3', async () => {
    const n = 20;
    const pixels = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 5) % 256);
    await writeFile(join(tmp.dir, 'train-images-idx3-ubyte'), encodeIdx([n, 28, 28], pixels));
    await writeFile(join(tmp.dir, 'train-labels-idx1-ubyte'), encodeIdx([n], Uint8Array.from({ length: n }, (_, k) => k % 10)));
    const ds = await loadDataset('fmnist', { dataDir: tmp.dir, system: false, download: false, limit: 7, size: 32, channels: 3 });
    expect(ds.length).toBe(7);
    expect(ds.sampleShape).toEqual([32, 32, 3]);
    expect(ds.labels?.length).toBe(7);
    if (ds.kind !== 'image') throw new Error('expected images');
    expect(ds.image(6)[(2 * 32 + 2) * 3]).toBe(pixels[6 * 784]);
    await expect(loadDataset('fmnist', { dataDir: tmp.dir, system: false, download: false, limit: 21 })).rejects.toThrow(/limit 21 exceeds the 20 examples of fmnist\/train/);
  });

  it('folder: size and limit reach the decoder', async () => {
    for (const name of ['a', 'b', 'c']) {
      await sharp({ create: { width: 10, height: 12, channels: 3, background: '#336699' } }).png().toFile(join(tmp.dir, `${name}.png`));
    }
    const ds = await loadDataset(`folder:${tmp.dir}`, { size: 6, limit: 2 });
    expect(ds.name).toBe(`folder:${tmp.dir}`);
    expect(ds.length).toBe(2);
    expect(ds.sampleShape).toEqual([6, 6, 3]);
    await expect(loadDataset(`folder:${tmp.dir}`, { split: 'test' })).rejects.toThrow(/an image folder has no test split/);
  });
});
