import { adaptImages } from './adapt-images.js';
import { loadCifar10 } from './cifar10.js';
import { DataError } from './data-error.js';
import type { Dataset } from './dataset.js';
import { loadFashionMnist } from './fashion-mnist.js';
import type { ImageDataset } from './image-dataset.js';
import { loadImageFolder } from './image-folder.js';
import { isToy2dName, TOY_2D_NAMES, toyDataset } from './toy-2d.js';

/** A parsed `--data` spec. */
export type DatasetSpec =
  | { kind: 'fmnist' }
  | { kind: 'cifar10' }
  | { kind: 'toy'; name: (typeof TOY_2D_NAMES)[number] }
  | { kind: 'folder'; path: string };

/** Options of {@link loadDataset} (the CLI's `--data`, `--data-dir`, `--limit`, …). */
export interface LoadOptions {
  /** Folder holding local copies of the data (IDX files, cifar-10-binary.tar.gz, …); tried first. */
  dataDir?: string;
  /** Keep only the first `limit` examples (toys: the number of points; default 10 000). */
  limit?: number;
  /** Square image side: Fashion-MNIST 32 zero-pads 28 → 32, other sizes resize; image folders default 64. */
  size?: number;
  /** 3 turns grey images into RGB (for U-Nets built for CIFAR shapes). */
  channels?: 1 | 3;
  /** 'train' or 'test' (toys: held-out points from another stream; image folders: train only). Default 'train'. */
  split?: 'train' | 'test';
  /** Download cache; default env PFGM_CACHE, else ~/.cache/pfgm-bench. */
  cacheDir?: string;
  /** Allow downloads. Default true. */
  download?: boolean;
  /** Base URL for downloads (tests point it at a loopback server): Fashion-MNIST's folder, or the folder holding cifar-10-binary.tar.gz. */
  baseUrl?: string;
  /** Look in OS package locations (Debian dataset-fashion-mnist). Default true. */
  system?: boolean;
  /** Seed of the toy samplers. Default 0. */
  seed?: number;
  /** Progress messages (downloads). */
  log?: (msg: string) => void;
}

/** Default number of toy points. */
export const DEFAULT_TOY_POINTS = 10_000;

const SPEC_HELP = `expected fmnist | cifar10 | toy:<${TOY_2D_NAMES.join('|')}> | folder:<path>`;

/** Parses `fmnist | cifar10 | toy:<name> | folder:<path>` (also `fashion-mnist`, `cifar-10`). */
export function parseDatasetSpec(spec: string): DatasetSpec {
  const s = spec.trim();
  const colon = s.indexOf(':');
  const head = (colon < 0 ? s : s.slice(0, colon)).toLowerCase();
  const rest = colon < 0 ? '' : s.slice(colon + 1);
  switch (head) {
    case 'fmnist':
    case 'fashion-mnist':
      if (rest) break;
      return { kind: 'fmnist' };
    case 'cifar10':
    case 'cifar-10':
      if (rest) break;
      return { kind: 'cifar10' };
    case 'toy':
      if (!isToy2dName(rest)) throw new DataError(`unknown toy '${rest}' in --data ${spec}: ${SPEC_HELP}`, 'bad-option');
      return { kind: 'toy', name: rest };
    case 'folder':
      if (!rest) throw new DataError(`--data ${spec} names no folder: ${SPEC_HELP}`, 'bad-option');
      return { kind: 'folder', path: rest };
  }
  throw new DataError(`unknown dataset '${spec}': ${SPEC_HELP}`, 'bad-option');
}

/** Loads the dataset a `--data` spec names, applying split, limit, size and channels. */
export async function loadDataset(spec: string, opts: LoadOptions = {}): Promise<Dataset> {
  const s = parseDatasetSpec(spec);
  const { limit, size, channels } = opts;
  switch (s.kind) {
    case 'toy':
      if (size !== undefined || channels !== undefined) throw new DataError(`--data ${spec}: size and channels apply to images, not 2-D points`, 'bad-option');
      return toyDataset(s.name, limit ?? DEFAULT_TOY_POINTS, opts.seed ?? 0, opts.split ?? 'train');
    case 'fmnist': {
      const ds = await loadFashionMnist({ ...opts, baseUrl: opts.baseUrl });
      return adaptImages(limited(ds, limit), { size, channels, fit: 'pad' });
    }
    case 'cifar10': {
      const url = opts.baseUrl === undefined ? undefined : new URL('cifar-10-binary.tar.gz', withSlash(opts.baseUrl)).href;
      const ds = await loadCifar10({ ...opts, url });
      return adaptImages(limited(ds, limit), { size, channels, fit: 'resize' });
    }
    case 'folder': {
      if (opts.split === 'test') throw new DataError(`--data ${spec}: an image folder has no test split; point folder: at a held-out folder instead`, 'bad-option');
      const ds = await loadImageFolder(s.path, { size, limit });
      return adaptImages(ds, { channels, fit: 'resize' });
    }
  }
}

function limited(ds: ImageDataset, limit: number | undefined): ImageDataset {
  return limit === undefined ? ds : ds.subset(limit);
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
