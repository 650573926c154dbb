/** Image batch sources for the evaluator: a folder of PNG/JPEG files, or an `.npz` of images. */
import * as tf from '@tensorflow/tfjs-core';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { quantizeToUint8 } from './inception-preprocess.js';
import { readNpz } from './npz.js';
import type { ImageBatches } from './feature-stats.js';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.tif', '.tiff']);
const LOSSY = new Set(['.jpg', '.jpeg', '.webp']);

/** Sorted image files in `dir` (non-recursive). */
export async function listImageFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((f) => IMAGE_EXT.has(extname(f).toLowerCase())).sort();
  if (names.length === 0) throw new Error(`${dir}: no image files (${[...IMAGE_EXT].join(', ')}) found`);
  return names.map((f) => join(dir, f));
}

/** Decodes one file to RGB uint8 at its native size (no resize: the network input resize happens once, inside). */
async function decodeRgb(path: string): Promise<{ data: Uint8Array; h: number; w: number }> {
  const { data, info } = await sharp(await readFile(path)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels === 3) return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), h: info.height, w: info.width };
  // grey stays 1 channel in sharp's raw output: replicate
  const rgb = new Uint8Array(info.width * info.height * 3);
  for (let i = 0; i < info.width * info.height; i++) rgb.fill(data[i * info.channels], 3 * i, 3 * i + 3);
  return { data: rgb, h: info.height, w: info.width };
}

/** Batches of the images in `dir` (all must share one size), in file-name order; warns on lossy formats. */
export async function* imageFolderBatches(files: string[], batchSize: number, warn: (m: string) => void = console.warn): AsyncGenerator<tf.Tensor4D> {
  const lossy = files.filter((f) => LOSSY.has(extname(f).toLowerCase())).length;
  if (lossy > 0) warn(`${lossy} of ${files.length} images are in a lossy format (JPEG/WebP); compression shifts FID (fid-spec §5.3)`);
  let size: [number, number] | undefined;
  for (let b = 0; b < files.length; b += batchSize) {
    const imgs = await Promise.all(files.slice(b, b + batchSize).map(decodeRgb));
    const [h, w] = (size ??= [imgs[0].h, imgs[0].w]);
    const buf = new Uint8Array(imgs.length * h * w * 3);
    imgs.forEach((im, i) => {
      if (im.h !== h || im.w !== w) throw new Error(`${files[b + i]} is ${im.w}×${im.h}, but the first image is ${w}×${h}; all images must share one size`);
      buf.set(im.data, i * h * w * 3);
    });
    yield tf.tensor4d(buf, [imgs.length, h, w, 3], 'int32');
  }
}

/**
 * Images from an `.npz`: the array `images`, else `arr_0` (guided-diffusion sample files), else the only array;
 * uint8 [N, H, W, C] as is, float [N, H, W, C] in [-1, 1] quantised by {@link quantizeToUint8}.
 */
export async function npzImageBatches(path: string, batchSize: number): Promise<{ count: number; batches: ImageBatches }> {
  const arrays = readNpz(new Uint8Array(await readFile(path)), path);
  const names = Object.keys(arrays);
  const name = ['images', 'arr_0'].find((n) => n in arrays) ?? (names.length === 1 ? names[0] : undefined);
  if (!name) throw new Error(`${path}: expected an array 'images' or 'arr_0' (or a single array), found: ${names.join(', ')}`);
  const a = arrays[name];
  if (a.shape.length !== 4 || ![1, 3, 4].includes(a.shape[3])) {
    throw new Error(`${path}:${name} has shape (${a.shape.join(', ')}); expected NHWC images [N, H, W, C] with C = 1, 3 or 4`);
  }
  const [N, H, W, C] = a.shape;
  const isFloat = a.descr.includes('f');
  if (isFloat) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of a.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (lo < -1.5 || hi > 1.5) throw new Error(`${path}:${name} holds floats in [${lo}, ${hi}]; expected samples in [-1, 1] (or save uint8 images)`);
  }
  const per = H * W * C;
  function* batches(): Generator<tf.Tensor4D> {
    for (let b = 0; b < N; b += batchSize) {
      const n = Math.min(batchSize, N - b);
      const slice = a.data.subarray(b * per, (b + n) * per);
      yield isFloat
        ? (tf.tidy(() => quantizeToUint8(tf.tensor4d(Float32Array.from(slice), [n, H, W, C]))) as tf.Tensor4D)
        : tf.tensor4d(Int32Array.from(slice), [n, H, W, C], 'int32');
    }
  }
  return { count: N, batches: batches() };
}
