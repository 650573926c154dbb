import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test/temp-dir.js';
import { DataError } from './data-error.js';
import { loadImageFolder } from './image-folder.js';

/** A W×H RGB image whose pixel (x, y) is (x, y, 200) (distinct columns and rows). */
function gradient(W: number, H: number): Buffer {
  const buf = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) buf.set([x, y, 200], (y * W + x) * 3);
  return buf;
}

describe('image folders (sharp)', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  it('centre crop without scaling keeps the exact middle pixels (PNG 40×20 → 20×20 = columns 10..29)', async () => {
    await sharp(gradient(40, 20), { raw: { width: 40, height: 20, channels: 3 } }).png().toFile(join(tmp.dir, 'a.png'));
    const ds = await loadImageFolder(tmp.dir, { size: 20 });
    expect(ds.sampleShape).toEqual([20, 20, 3]);
    const img = ds.image(0);
    for (const [x, y] of [[0, 0], [19, 0], [7, 13], [19, 19]]) {
      expect(Array.from(img.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3))).toEqual([x + 10, y, 200]);
    }
  });

  it('recursive, sorted, PNG/JPEG, grey and alpha become RGB, resized to size; limit takes the first files', async () => {
    await mkdir(join(tmp.dir, 'sub'));
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 250, g: 10, b: 10 } } }).jpeg({ quality: 95 }).toFile(join(tmp.dir, 'b.jpg'));
    await sharp({ create: { width: 30, height: 30, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 1 } } }).png().toFile(join(tmp.dir, 'sub', 'c.png'));
    await sharp(Buffer.alloc(16 * 16, 128), { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(join(tmp.dir, 'a.png'));
    await writeFile(join(tmp.dir, 'notes.txt'), 'not an image');
    const ds = await loadImageFolder(tmp.dir, { size: 8 });
    expect(ds.length).toBe(3);
    expect(ds.sampleShape).toEqual([8, 8, 3]);
    expect(Array.from(ds.image(0).subarray(0, 3))).toEqual([128, 128, 128]); // a.png grey
    const red = ds.image(1).subarray(0, 3); // b.jpg
    expect(Math.abs(red[0] - 250) + Math.abs(red[1] - 10) + Math.abs(red[2] - 10)).toBeLessThan(12);
    expect(Array.from(ds.image(2).subarray(0, 3))).toEqual([0, 0, 255]); // sub/c.png
    expect((await loadImageFolder(tmp.dir, { size: 8, limit: 2 })).length).toBe(2);
  });

  it('a corrupt image, an empty folder, a missing folder: errors naming the path', async () => {
    await expect(loadImageFolder(tmp.dir)).rejects.toThrow(new RegExp(`image folder ${tmp.dir} holds no images`));
    await expect(loadImageFolder(join(tmp.dir, 'nope'))).rejects.toThrow(/cannot be read/);
    await writeFile(join(tmp.dir, 'x.png'), Buffer.from('this is not a png'));
    const err = await loadImageFolder(tmp.dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toMatch(new RegExp(`${join(tmp.dir, 'x.png')}: cannot decode image`));
  });
});
