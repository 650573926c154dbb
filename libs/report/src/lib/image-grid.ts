import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from './atomic-write.js';

/** A batch of images, NHWC (or NHW for grey): a tensor, or flat values with their shape. */
export type ImageBatch = tf.Tensor | { data: ArrayLike<number>; shape: readonly number[] };

/**
 * How pixel values map to bytes. 'signed': floats in [-1, 1] (the models' data space), mapped as in EDM's
 * generate.py, `clip(x·127.5 + 128, 0, 255)` truncated, which inverts u/127.5 − 1 exactly; values outside are
 * clipped. 'byte': integers 0…255, written as they are.
 */
export type PixelRange = 'signed' | 'byte';

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Images per row. Default ⌈√N⌉. */
  cols?: number;
  /** Gap between images and around the grid, in output pixels. Default 2 (as torchvision make_grid). */
  pad?: number;
  /** Byte value of the gaps and of empty cells. Default 255 (white). */
  padValue?: number;
  /** Nearest-neighbour upscale factor (integer) for tiny images, e.g. 4 for 28×28 → 112×112. Default 1. */
  scale?: number;
  /** Value range. Default: 'byte' for int32 tensors and Uint8Array/Uint8ClampedArray data, else 'signed'. */
  range?: PixelRange;
}

/** Raw pixels of a grid: `data` is [height, width, channels] bytes. */
export interface RawImage { data: Uint8Array; width: number; height: number; channels: 1 | 3 | 4 }

interface Batch { values: ArrayLike<number>; N: number; H: number; W: number; C: 1 | 3 | 4; range: PixelRange }

async function readBatch(images: ImageBatch, range?: PixelRange): Promise<Batch> {
  const isTensor = images instanceof tf.Tensor;
  const shape = isTensor ? images.shape : images.shape;
  const values = isTensor ? await images.data() : images.data;
  if (shape.length !== 3 && shape.length !== 4)
    throw new Error(`imageGrid: images must be [N, H, W, C] (or [N, H, W] for grey), got shape [${shape.join(', ')}]`);
  const [N, H, W, C = 1] = shape;
  if (C !== 1 && C !== 3 && C !== 4)
    throw new Error(`imageGrid: channels must be 1 (grey), 3 (RGB) or 4 (RGBA), got ${C} in shape [${shape.join(', ')}]; images are NHWC`);
  if (values.length !== N * H * W * C)
    throw new Error(`imageGrid: ${values.length} values do not fill shape [${shape.join(', ')}] (${N * H * W * C})`);
  if (N === 0) throw new Error('imageGrid: no images (N = 0)');
  const byteLike = isTensor ? images.dtype === 'int32' : values instanceof Uint8Array || values instanceof Uint8ClampedArray;
  return { values, N, H, W, C, range: range ?? (byteLike ? 'byte' : 'signed') };
}

/** One pixel value → byte (see {@link PixelRange}). */
export function toByte(v: number, range: PixelRange): number {
  if (range === 'signed') return Number.isNaN(v) ? 0 : Math.floor(Math.min(255, Math.max(0, v * 127.5 + 128)));
  if (!(Number.isInteger(v) && v >= 0 && v <= 255))
    throw new Error(`imageGrid: range 'byte' needs integers in 0…255, got ${v}; pass range: 'signed' for floats in [-1, 1]`);
  return v;
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`imageGrid: ${name} must be an integer ≥ ${min}, got ${v}`);
}

/** Lays images out row-major in a grid with gaps, upscaled by pixel repetition; pure, no encoding. */
export async function tileImages(images: ImageBatch, opts: ImageGridOptions = {}): Promise<RawImage> {
  const b = await readBatch(images, opts.range);
  const { cols = Math.ceil(Math.sqrt(b.N)), pad = 2, padValue = 255, scale = 1 } = opts;
  checkInt('cols', cols, 1);
  checkInt('pad', pad, 0);
  checkInt('scale', scale, 1);
  checkInt('padValue', padValue, 0);
  if (padValue > 255) throw new Error(`imageGrid: padValue must be a byte 0…255, got ${padValue}`);
  const rows = Math.ceil(b.N / cols);
  const [h, w, C] = [b.H * scale, b.W * scale, b.C];
  const width = cols * w + (cols + 1) * pad;
  const height = rows * h + (rows + 1) * pad;
  const data = new Uint8Array(width * height * C).fill(padValue); // [height, width, C]
  for (let n = 0; n < b.N; n++) {
    const top = pad + Math.floor(n / cols) * (h + pad);
    const left = pad + (n % cols) * (w + pad);
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        const src = ((n * b.H + Math.floor(i / scale)) * b.W + Math.floor(j / scale)) * C;
        const dst = ((top + i) * width + left + j) * C;
        for (let c = 0; c < C; c++) data[dst + c] = toByte(b.values[src + c], b.range);
      }
  }
  return { data, width, height, channels: C };
}

/** A grid of sample images as a PNG (grey, RGB or RGBA as the input), encoded by sharp. Never disposes `images`. */
export async function imageGrid(images: ImageBatch, opts: ImageGridOptions = {}): Promise<{ png: Buffer; width: number; height: number }> {
  const raw = await tileImages(images, opts);
  const png = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } })
    .toColourspace(raw.channels === 1 ? 'b-w' : 'srgb')
    .png()
    .toBuffer();
  return { png, width: raw.width, height: raw.height };
}

/** Writes {@link imageGrid}'s PNG to `path`, atomically. */
export async function saveImageGrid(path: string, images: ImageBatch, opts: ImageGridOptions = {}): Promise<void> {
  writeFileAtomic(path, (await imageGrid(images, opts)).png);
}
