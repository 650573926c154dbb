import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { DataError } from './data-error.js';
import { checkLimit } from './dataset.js';
import { ImageDataset } from './image-dataset.js';

/** File extensions decoded as images. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'] as const;

/** Options for {@link loadImageFolder}. */
export interface ImageFolderOptions {
  /** Square side after the centre crop (EDM/ADM: 64 for CelebA/FFHQ/ImageNet-64, 256 for LSUN). Default 64. */
  size?: number;
  /** Decode only the first `limit` files in sorted path order. */
  limit?: number;
  /** Images decoded at once (sharp runs them on its thread pool). Default 8. */
  concurrency?: number;
}

/** Image files under `dir`, recursively, sorted by path (a stable order for seeds and `limit`). */
export async function listImages(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (err) {
    throw new DataError(`image folder ${dir} cannot be read (${(err as Error).message})`, 'not-found', dir, { cause: err });
  }
  return entries
    .filter((e) => (IMAGE_EXTENSIONS as readonly string[]).includes(extname(e).toLowerCase()))
    .sort()
    .map((e) => join(dir, e));
}

/** Decodes one image to RGB uint8 size×size: centre crop to a square, then resize (sharp `fit: 'cover'`, Lanczos3). */
export async function decodeImage(file: string, size: number): Promise<Uint8Array> {
  try {
    const { data, info } = await sharp(file)
      .autoOrient()
      .resize(size, size, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.width !== size || info.height !== size || info.channels !== 3) {
      throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${size}×${size}×3`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  } catch (err) {
    throw new DataError(`${file}: cannot decode image (${(err as Error).message})`, 'corrupt', file, { cause: err });
  }
}

/** Loads a folder of PNG/JPEG/WebP images (CelebA / LSUN style) as uint8 [N, size, size, 3], without labels. */
export async function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): Promise<ImageDataset> {
  const { size = 64, limit, concurrency = 8 } = opts;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
  let files = await listImages(dir);
  if (files.length === 0) {
    throw new DataError(`image folder ${dir} holds no images (looked for ${IMAGE_EXTENSIONS.join(', ')}, recursively)`, 'not-found', dir);
  }
  if (limit !== undefined) files = files.slice(0, checkLimit(limit, files.length, `folder:${dir}`));
  const per = size * size * 3;
  const pixels = new Uint8Array(files.length * per);
  for (let first = 0; first < files.length; first += concurrency) {
    const chunk = files.slice(first, first + concurrency);
    const decoded = await Promise.all(chunk.map((f) => decodeImage(f, size)));
    decoded.forEach((img, j) => pixels.set(img, (first + j) * per));
  }
  return new ImageDataset(`folder:${dir}`, pixels, size, size, 3);
}
