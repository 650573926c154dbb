import { readFile, writeFile } from 'node:fs/promises';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import type { GaussianStats } from './gaussian-stats.js';
import { readNpy, writeNpy, type NpyArray, type NpyData } from './npy.js';

/** Parses an `.npz` (zip of `.npy`, stored as by `np.savez` or deflated as by `np.savez_compressed`). */
export function readNpz(bytes: Uint8Array, where = '.npz'): Record<string, NpyArray> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new Error(`${where}: not a readable .npz (zip) archive: ${(e as Error).message}`);
  }
  const out: Record<string, NpyArray> = {};
  for (const [name, data] of Object.entries(files)) {
    out[name.replace(/\.npy$/, '')] = readNpy(data, `${where}:${name}`);
  }
  return out;
}

/** Serialises arrays as an `.npz` readable by `np.load`; `compress` ↔ `np.savez_compressed`. */
export function writeNpz(arrays: Record<string, { data: NpyData; shape: readonly number[] }>, compress = false): Uint8Array {
  const files: Zippable = {};
  for (const [name, { data, shape }] of Object.entries(arrays)) files[`${name}.npy`] = writeNpy(data, shape);
  return zipSync(files, { level: compress ? 6 : 0 });
}

/** Reads pytorch-fid/TTUR-style statistics (`mu` [D], `sigma` [D, D], any float dtype → float64). */
export async function readStatsNpz(path: string): Promise<GaussianStats> {
  const arrays = readNpz(new Uint8Array(await readFile(path)), path);
  const { mu, sigma } = arrays;
  if (!mu || !sigma) {
    const keys = Object.keys(arrays).join(', ') || 'none';
    const hint = arrays.pool_3 ? ' (this looks like score_sde raw activations; compute mu/sigma with `pfgm stats`)' : '';
    throw new Error(`${path}: expected arrays 'mu' and 'sigma' (pytorch-fid/TTUR stats), found: ${keys}${hint}`);
  }
  const D = mu.data.length;
  if (mu.shape.length !== 1 || sigma.shape.length !== 2 || sigma.shape[0] !== D || sigma.shape[1] !== D) {
    throw new Error(`${path}: mu has shape (${mu.shape}) and sigma (${sigma.shape}); expected (D,) and (D, D)`);
  }
  return { n: 0, mu: Float64Array.from(mu.data), sigma: Float64Array.from(sigma.data) };
}

/** Writes `mu`, `sigma` as float64 (`np.savez` layout; `compress` like pytorch-fid's `savez_compressed`). */
export async function writeStatsNpz(path: string, stats: GaussianStats, compress = false): Promise<void> {
  const D = stats.mu.length;
  await writeFile(path, writeNpz({ mu: { data: stats.mu, shape: [D] }, sigma: { data: stats.sigma, shape: [D, D] } }, compress));
}
