import { expectNoLeak } from '@pfgm/tensor/testing';
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { describe, expect, it } from 'vitest';
import { batches, epochFlips, epochOrder } from './batches.js';
import { ImageDataset } from './image-dataset.js';
import { toyDataset } from './toy-2d.js';

const [N, H, W, C] = [103, 3, 5, 2];
const pixels = Uint8Array.from({ length: N * H * W * C }, (_, i) => (i * 13 + (i >> 7)) % 256);
const labels = Uint8Array.from({ length: N }, (_, k) => k % 10);
const ds = new ImageDataset('synthetic', pixels, H, W, C, labels);

/** Float view of image k, mirrored when asked, computed directly from the uint8 pixels. */
function expectedImage(k: number, mirror: boolean): number[] {
  const out: number[] = [];
  for (let h = 0; h < H; h++) {
    for (let w = 0; w < W; w++) {
      for (let c = 0; c < C; c++) out.push(pixels[((k * H + h) * W + (mirror ? W - 1 - w : w)) * C + c] / 127.5 - 1);
    }
  }
  return out;
}

describe('batches', () => {
  it('every example appears exactly once per epoch (last batch smaller); dropLast drops only the remainder', async () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    await expectNoLeak(() => {
      for (const b of batches(ds, { batchSize: 10, seed: 1, epoch: 0 })) {
        seen.push(...b.indices);
        sizes.push(b.x.shape[0]);
        expect(b.x.shape).toEqual([b.indices.length, H, W, C]);
        b.x.dispose();
      }
    });
    expect(sizes).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    const kept: number[] = [];
    for (const b of batches(ds, { batchSize: 10, seed: 1, epoch: 0, dropLast: true })) {
      kept.push(...b.indices);
      b.x.dispose();
    }
    expect(kept).toEqual(seen.slice(0, 100));
  });

  it('same seed and epoch → same order; another epoch or seed → another order', () => {
    const a = epochOrder(N, 7, 3);
    expect(epochOrder(N, 7, 3)).toEqual(a);
    expect(epochOrder(N, 7, 4)).not.toEqual(a);
    expect(epochOrder(N, 8, 3)).not.toEqual(a);
  });

  it('the shuffle is uniform: position of element 0 over 3000 epochs passes a χ² test', () => {
    const n = 10;
    const counts = new Array(n).fill(0);
    for (let e = 0; e < 3000; e++) counts[epochOrder(n, 42, e).indexOf(0)]++;
    const chi2 = counts.reduce((s, c) => s + (c - 300) ** 2 / 300, 0);
    expect(1 - chisquareCdf(chi2, n - 1)).toBeGreaterThan(1e-3);
  });

  it('rows are the float view of their indices; flip is a true left–right mirror; labels follow', () => {
    let flippedRows = 0;
    let plainRows = 0;
    for (const b of batches(ds, { batchSize: 16, seed: 5, epoch: 2, flip: true })) {
      const x = b.x.dataSync();
      const per = H * W * C;
      b.indices.forEach((k, i) => {
        const mirror = b.flipped?.[i] === 1;
        if (mirror) flippedRows++;
        else plainRows++;
        const row = Array.from(x.subarray(i * per, (i + 1) * per));
        expect(row).toEqual(expectedImage(k, mirror).map(Math.fround));
        expect(b.labels?.[i]).toBe(labels[k]);
      });
      b.x.dispose();
    }
    expect(flippedRows).toBeGreaterThan(20);
    expect(plainRows).toBeGreaterThan(20);
  });

  it('flips are seeded and fair (binomial: 5000 draws within 4σ of ½)', () => {
    const f = epochFlips(5000, 3, 0);
    expect(epochFlips(5000, 3, 0)).toEqual(f);
    const ones = f.reduce((s, v) => s + v, 0);
    expect(Math.abs(ones - 2500)).toBeLessThan(4 * Math.sqrt(5000 * 0.25));
  });

  it('bad options and flip on points are errors', () => {
    expect(() => batches(ds, { batchSize: 0, seed: 0, epoch: 0 }).next()).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => batches(ds, { batchSize: 4, seed: 0, epoch: -1 }).next()).toThrow(/epoch must be a non-negative integer/);
    expect(() => batches(toyDataset('moons', 10), { batchSize: 4, seed: 0, epoch: 0, flip: true }).next()).toThrow(/flip applies to images/);
  });
});
