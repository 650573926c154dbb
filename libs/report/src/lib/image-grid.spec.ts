import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { imageGrid, saveImageGrid, toByte } from './image-grid.js';

/** Decodes a PNG to bytes in its own colour type (sharp would expand greyscale to RGB by default). */
async function decode(png: Buffer) {
  const meta = await sharp(png).metadata();
  const grey = meta.channels === 1;
  expect(png[25], 'PNG IHDR colour type: 0 grey, 2 RGB').toBe(grey ? 0 : 2);
  const { data, info } = await sharp(png).toColourspace(grey ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: meta.channels };
}

describe('imageGrid', () => {
  it('places every pixel of every image exactly (RGB, upscaled, padded, partial last row)', async () => {
    const [N, H, W, C] = [5, 2, 3, 3];
    const values = Uint8Array.from({ length: N * H * W * C }, (_, i) => i % 250); // never the pad value 255
    const [cols, pad, scale] = [3, 1, 2];
    const { png, width, height } = await imageGrid({ data: values, shape: [N, H, W, C] }, { cols, pad, scale });
    const out = await decode(png);
    expect([out.width, out.height, out.channels]).toEqual([width, height, 3]);
    expect([width, height]).toEqual([3 * 6 + 4 * 1, 2 * 4 + 3 * 1]); // 3 cols × 6 px + 4 gaps; 2 rows × 4 px + 3 gaps
    const at = (y: number, x: number, c: number) => out.data[(y * width + x) * 3 + c];
    const covered = new Set<number>();
    for (let n = 0; n < N; n++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++)
          for (let dy = 0; dy < scale; dy++)
            for (let dx = 0; dx < scale; dx++) {
              const y = pad + Math.floor(n / cols) * (H * scale + pad) + i * scale + dy;
              const x = pad + (n % cols) * (W * scale + pad) + j * scale + dx;
              covered.add(y * width + x);
              for (let c = 0; c < C; c++) expect(at(y, x, c)).toBe(values[((n * H + i) * W + j) * C + c]);
            }
    expect(covered.size).toBe(N * H * W * scale * scale);
    for (let p = 0; p < width * height; p++) if (!covered.has(p)) for (let c = 0; c < 3; c++) expect(out.data[p * 3 + c]).toBe(255);
  });

  it('maps a float [-1, 1] grey tensor back to the exact bytes, clips outliers, keeps one channel, leaks nothing', async () => {
    const bytes = [0, 1, 127, 128, 200, 255];
    const x = tf.tensor4d([...bytes.map((u) => u / 127.5 - 1), 1.7, -3], [2, 2, 2, 1]); // [N, H, W, C]
    const { png } = await expectNoLeak(() => imageGrid(x, { cols: 2, pad: 0 }));
    expect(x.isDisposed).toBe(false);
    const out = await decode(png);
    expect(out.channels).toBe(1);
    // image 0 is columns 0-1, image 1 columns 2-3; rows 0-1.
    expect(Array.from(out.data)).toEqual([0, 1, 200, 255, 127, 128, 255, 0]);
    x.dispose();
  });

  it('treats an int32 tensor as bytes and [N, H, W] as grey; nearest upscale repeats pixels', async () => {
    const x = tf.tensor3d([10, 20, 30, 40], [1, 2, 2], 'int32');
    const out = await decode((await imageGrid(x, { pad: 0, scale: 2 })).png);
    expect(Array.from(out.data)).toEqual([10, 10, 20, 20, 10, 10, 20, 20, 30, 30, 40, 40, 30, 30, 40, 40]);
    x.dispose();
  });

  it('writes a PNG file atomically', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pfgm-report-grid-')), 'samples.png');
    await saveImageGrid(path, { data: new Float32Array(4 * 8 * 8 * 3), shape: [4, 8, 8, 3] }, { cols: 2 });
    expect(await sharp(readFileSync(path)).metadata()).toMatchObject({ format: 'png', width: 2 * 8 + 3 * 2, height: 2 * 8 + 3 * 2 });
  });

  it('rejects bad input with clear errors', async () => {
    const ok = { data: new Uint8Array(12), shape: [1, 2, 2, 3] };
    await expect(imageGrid({ data: new Uint8Array(8), shape: [1, 2, 2, 2] })).rejects.toThrow(/channels must be 1.*got 2/);
    await expect(imageGrid({ data: new Uint8Array(7), shape: [1, 2, 2, 3] })).rejects.toThrow(/do not fill/);
    await expect(imageGrid({ data: [1, 2], shape: [2] })).rejects.toThrow(/\[N, H, W, C\]/);
    await expect(imageGrid(ok, { cols: 0 })).rejects.toThrow(/cols must be an integer ≥ 1/);
    await expect(imageGrid(ok, { scale: 1.5 })).rejects.toThrow(/scale/);
    await expect(imageGrid({ data: [0, 300, 0, 0], shape: [1, 2, 2] }, { range: 'byte' })).rejects.toThrow(/0…255, got 300/);
    expect(toByte(-1, 'signed')).toBe(0);
    expect(toByte(1, 'signed')).toBe(255);
  });
});
