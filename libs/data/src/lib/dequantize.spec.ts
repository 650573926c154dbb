import { describe, expect, it } from 'vitest';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { dequantized } from './dequantize.js';
import { ImageDataset } from './image-dataset.js';
import { PointDataset } from './point-dataset.js';

describe('dequantized', () => {
  it('puts each image pixel p uniformly inside its bin [p/128 − 1, (p+1)/128 − 1)', async () => {
    const pixels = Uint8Array.from({ length: 2 * 4 * 4 }, (_, i) => (i * 37) % 256);
    const ds = new ImageDataset('t', pixels, 4, 4, 1);
    await expectNoLeak(async () => {
      const x = dequantized(ds, [1, 0], new Rng(3));
      const v = x.dataSync();
      x.dispose();
      for (let k = 0; k < 32; k++) {
        const p = pixels[k < 16 ? 16 + k : k - 16];
        expect(v[k]).toBeGreaterThanOrEqual(p / 128 - 1 - 1e-6);
        expect(v[k]).toBeLessThan((p + 1) / 128 - 1 + 1e-6);
      }
    });
  });

  it('leaves points unchanged and depends on the seed for images only', () => {
    const pts = new PointDataset('p', Float32Array.from([0.5, -1.25, 3, 4]), 2);
    const a = dequantized(pts, [1], new Rng(1));
    expect(Array.from(a.dataSync())).toEqual([3, 4]);
    a.dispose();
  });
});
