import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { adaptImages } from './adapt-images.js';
import { ImageDataset } from './image-dataset.js';
import { flipHorizontal, floatToPixel, floatToUint8Tensor, greyToRgb, padImages, pixelToFloat, resizeImages } from './images.js';

describe('[−1, 1] ↔ uint8', () => {
  it('every pixel value survives the round trip; out-of-range floats clip', async () => {
    for (let p = 0; p < 256; p++) expect(floatToPixel(pixelToFloat(p))).toBe(p);
    expect([floatToPixel(-3), floatToPixel(5)]).toEqual([0, 255]);
    await expectNoLeak(() => {
      const x = tf.tensor1d([-1, 1, -3, 5, pixelToFloat(51)]);
      const u = floatToUint8Tensor(x);
      expect(Array.from(u.dataSync())).toEqual([0, 255, 0, 255, 51]);
      tf.dispose([x, u]);
    });
  });
});

describe('image transforms', () => {
  const shape = { n: 1, height: 2, width: 3, channels: 1 };
  const img = Uint8Array.from([1, 2, 3, 4, 5, 6]); // rows [1 2 3], [4 5 6]

  it('flipHorizontal mirrors each row and is its own inverse', () => {
    expect(Array.from(flipHorizontal(img, shape))).toEqual([3, 2, 1, 6, 5, 4]);
    const rgb = Uint8Array.from([1, 2, 3, 4, 5, 6]); // one row of two RGB pixels
    expect(Array.from(flipHorizontal(rgb, { n: 1, height: 1, width: 2, channels: 3 }))).toEqual([4, 5, 6, 1, 2, 3]);
    expect(flipHorizontal(flipHorizontal(img, shape), shape)).toEqual(img);
  });

  it('padImages centres with zeros', () => {
    const out = padImages(Uint8Array.from([7, 8, 9, 10]), { n: 1, height: 2, width: 2, channels: 1 }, 4);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 7, 8, 0, 0, 9, 10, 0, 0, 0, 0, 0]);
  });

  it('greyToRgb repeats the channel', () => {
    expect(Array.from(greyToRgb(Uint8Array.from([5, 200])))).toEqual([5, 5, 5, 200, 200, 200]);
  });

  it('resizeImages: bilinear with half-pixel centres (0,100 → 0,25,75,100); identity at the same size; no leaks', async () => {
    await expectNoLeak(() => {
      const up = resizeImages(Uint8Array.from([0, 100, 0, 100]), { n: 1, height: 2, width: 2, channels: 1 }, 4);
      expect(Array.from(up.subarray(0, 4))).toEqual([0, 25, 75, 100]);
      expect(Array.from(up.subarray(12, 16))).toEqual([0, 25, 75, 100]);
      const same = Uint8Array.from({ length: 2 * 5 * 5 * 3 }, (_, i) => (i * 17) % 256);
      expect(resizeImages(same, { n: 2, height: 5, width: 5, channels: 3 }, 5, 1)).toEqual(same);
    });
  });

  it('adaptImages: pad 28 → 32 and grey → RGB; resize RGB 32 → 16; RGB → grey refused', () => {
    const grey = new ImageDataset('g', Uint8Array.from({ length: 2 * 28 * 28 }, (_, i) => i % 251), 28, 28, 1, Uint8Array.from([0, 1]));
    const big = adaptImages(grey, { size: 32, channels: 3, fit: 'pad' });
    expect(big.sampleShape).toEqual([32, 32, 3]);
    expect(big.labels).toBe(grey.labels);
    expect(big.image(1)[(2 * 32 + 2) * 3 + 2]).toBe(grey.image(1)[0]);
    expect(big.image(1)[0]).toBe(0);
    const rgb = new ImageDataset('c', new Uint8Array(32 * 32 * 3).fill(77), 32, 32, 3);
    const small = adaptImages(rgb, { size: 16, fit: 'resize' });
    expect(small.sampleShape).toEqual([16, 16, 3]);
    expect(small.pixels.every((p) => p === 77)).toBe(true);
    expect(adaptImages(rgb, { fit: 'resize' })).toBe(rgb);
    expect(() => adaptImages(rgb, { channels: 1, fit: 'resize' })).toThrow(/cannot convert 3 channels to 1/);
  });
});
