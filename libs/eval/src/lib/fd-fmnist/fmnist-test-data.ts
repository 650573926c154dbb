// Spec helper (not exported): the real Fashion-MNIST test split, read straight from its IDX files. @pfgm/eval may not
// import @pfgm/data (layering), so this is a 30-line reader; the data is installed by Debian's dataset-fashion-mnist.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Folder with t10k-*-idx*-ubyte.gz: env PFGM_FMNIST_DIR, else Debian's dataset-fashion-mnist. */
export function fmnistDir(): string {
  const dir = process.env['PFGM_FMNIST_DIR'] ?? '/usr/share/datasets/fashion-mnist';
  if (!existsSync(path.join(dir, 't10k-images-idx3-ubyte.gz'))) {
    throw new Error(`Fashion-MNIST test files not found in ${dir}: apt-get install dataset-fashion-mnist, or set PFGM_FMNIST_DIR to a folder with t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz`);
  }
  return dir;
}

function readIdx(file: string, magic: number): { dims: number[]; data: Uint8Array } {
  const bytes = gunzipSync(readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${file}: IDX magic ${view.getUint32(0)}, expected ${magic}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, data: bytes.subarray(4 + 4 * rank) };
}

/** The test split: pixels uint8 [10000, 28, 28] and labels [10000]. */
export function fmnistTestSplit(): { pixels: Uint8Array; labels: Uint8Array; n: number } {
  const dir = fmnistDir();
  const images = readIdx(path.join(dir, 't10k-images-idx3-ubyte.gz'), 0x803);
  const labels = readIdx(path.join(dir, 't10k-labels-idx1-ubyte.gz'), 0x801);
  if (images.dims[0] !== labels.dims[0] || images.dims[1] !== 28 || images.dims[2] !== 28) throw new Error(`unexpected IDX shapes ${images.dims} / ${labels.dims}`);
  return { pixels: images.data, labels: labels.data, n: images.dims[0] };
}

/** Float view p/127.5 − 1 (as @pfgm/data) of images `indices`, [B, 28, 28, 1] row-major. */
export function fmnistFloat(pixels: Uint8Array, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * 784);
  for (let b = 0; b < indices.length; b++) for (let i = 0; i < 784; i++) out[b * 784 + i] = pixels[indices[b] * 784 + i] / 127.5 - 1;
  return out;
}
