import * as tf from '@tensorflow/tfjs-core';
import { expectClose, expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { ImageDataset } from './image-dataset.js';
import { PointDataset } from './point-dataset.js';

describe('ImageDataset', () => {
  // Two 1×2 grey images: [0, 255] → [−1, 1] (norm √2) and [255, 51] → [1, −0.6] (norm √1.36).
  const ds = new ImageDataset('two', Uint8Array.from([0, 255, 255, 51]), 1, 2, 1, Uint8Array.from([3, 4]));

  it('float view is p/127.5 − 1: 0 → −1, 255 → 1, 51 → −0.6', () => {
    expectClose(ds.gather([0, 1]), [-1, 1, 1, -0.6]);
  });

  it('average L2 norm matches the hand-computed (√2 + √1.36)/2', () => {
    expect(ds.averageNorm()).toBeCloseTo((Math.SQRT2 + Math.sqrt(1.36)) / 2, 12);
  });

  it('tensor() has shape [N, H, W, C] and the float values; no tensor leaks', async () => {
    await expectNoLeak(() => {
      const t = ds.tensor();
      expect(t.shape).toEqual([2, 1, 2, 1]);
      expectClose(t, [-1, 1, 1, -0.6]);
      t.dispose();
      const flipped = ds.tensor([1], [1]);
      expectClose(flipped, [-0.6, 1]);
      flipped.dispose();
    });
  });

  it('subset is a view of the first examples; bad limits and indices are clear errors', () => {
    const one = ds.subset(1);
    expect(one.length).toBe(1);
    expect(Array.from(one.labels ?? [])).toEqual([3]);
    expect(one.averageNorm()).toBeCloseTo(Math.SQRT2, 12);
    expect(() => ds.subset(3)).toThrow(/limit 3 exceeds the 2 examples of two/);
    expect(() => ds.subset(0)).toThrow(/limit must be a positive integer, got 0/);
    expect(() => ds.gather([2])).toThrow(/index 2 \(position 0\) is out of range for two with 2 examples/);
    expect(() => new ImageDataset('bad', new Uint8Array(5), 1, 2, 1)).toThrow(/5 pixels is not a whole number of 1×2×1 images/);
  });
});

describe('PointDataset', () => {
  const pts = new PointDataset('p', Float32Array.from([3, 4, 0, -2]), 2);

  it('float view is the points; average norm (5 + 2)/2; flip is refused', async () => {
    expect(pts.length).toBe(2);
    expect(pts.averageNorm()).toBe(3.5);
    expectClose(pts.gather([1, 0]), [0, -2, 3, 4]);
    expect(() => pts.gather([0], [1])).toThrow(/horizontal flip applies to images/);
    await expectNoLeak(() => tf.dispose([pts.tensor(), pts.tensor([1])]));
  });
});
