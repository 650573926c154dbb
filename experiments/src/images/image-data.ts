import { loadDataset, type ImageDataset } from '@pfgm/data';
import { writeStandinCifar10 } from './standin-cifar10.js';

/** Which images an experiment trains on: the real data sets, or the generated CIFAR-format stand-in (plumbing checks). */
export interface ImageDataConfig {
  kind: 'fmnist' | 'cifar10' | 'standin-cifar10';
  /** Training images used (the first `limit`). */
  limit: number;
  /** Image side: Fashion-MNIST 32 pads 28 → 32 (the U-Nets' attention resolution 16 needs a power of two). */
  size?: number;
  /** Folder with local copies of the data files (else cache / system / download). */
  dataDir?: string;
}

/** `--data` spec recorded in the run configs. */
export function dataSpec(c: ImageDataConfig): string {
  return c.kind === 'fmnist' ? 'fmnist' : 'cifar10';
}

const loaded = new Map<string, Promise<ImageDataset>>();

/** Loads a split (memoized per process); the stand-in is written into `standinDir` first (deterministic, idempotent). */
export function loadImages(c: ImageDataConfig, split: 'train' | 'test', standinDir: string, limit?: number): Promise<ImageDataset> {
  const key = JSON.stringify([c, split, standinDir, limit]);
  const hit = loaded.get(key);
  if (hit) return hit;
  const p = load(c, split, standinDir, limit);
  loaded.set(key, p);
  p.catch(() => loaded.delete(key));
  return p;
}

async function load(c: ImageDataConfig, split: 'train' | 'test', standinDir: string, limit?: number): Promise<ImageDataset> {
  const dataDir = c.kind === 'standin-cifar10' ? writeStandinCifar10(standinDir, 64) : c.dataDir;
  const ds = await loadDataset(dataSpec(c), { split, limit, size: c.size, dataDir, download: c.kind !== 'standin-cifar10', log: (m) => process.stderr.write(`${m}\n`) });
  if (ds.kind !== 'image') throw new Error(`expected images from ${dataSpec(c)}, got ${ds.kind}`);
  return ds;
}
