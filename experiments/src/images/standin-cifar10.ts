import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cifar10Files, encodeCifarBatch } from '@pfgm/data';
import { Rng } from '@pfgm/tensor';

/**
 * Writes a synthetic CIFAR-format stand-in (data_batch_1..5.bin, test_batch.bin; `perFile` images each) into `dir`:
 * smooth colour blobs from a seeded Rng. For plumbing checks only: it is NOT CIFAR-10, and its metrics mean nothing.
 */
export function writeStandinCifar10(dir: string, perFile: number, seed = 0): string {
  mkdirSync(dir, { recursive: true });
  for (const [f, name] of [...cifar10Files('train'), ...cifar10Files('test')].entries()) {
    const path = join(dir, name);
    if (existsSync(path)) continue;
    const rng = new Rng(seed, [f]);
    const pixels = new Uint8Array(perFile * 3072);
    const labels = new Uint8Array(perFile);
    for (let i = 0; i < perFile; i++) {
      labels[i] = Math.floor(rng.next() * 10);
      const [cx, cy, r] = [32 * rng.next(), 32 * rng.next(), 4 + 10 * rng.next()];
      const colour = [rng.next(), rng.next(), rng.next()].map((c) => 40 + 200 * c);
      for (let p = 0; p < 1024; p++) {
        const w = Math.exp(-(((p % 32) - cx) ** 2 + (Math.floor(p / 32) - cy) ** 2) / (2 * r * r));
        for (let c = 0; c < 3; c++) pixels[i * 3072 + p * 3 + c] = Math.round(20 + w * colour[c] + 10 * rng.next());
      }
    }
    writeFileSync(path, encodeCifarBatch(pixels, labels));
  }
  return dir;
}
