import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from './cache-dir.js';
import { DataError } from './data-error.js';
import { download } from './download.js';
import { ImageDataset } from './image-dataset.js';
import { parseIdx } from './idx.js';
import { gunzipBytes, readMaybeGzip } from './read-file.js';
import { debianFashionMnistDir } from './system-paths.js';

/** One IDX file of Fashion-MNIST with the size and sha256 of its DECOMPRESSED content (data-notes.md). */
export interface IdxFileInfo {
  name: string;
  bytes: number;
  sha256: string;
}

/** The four Fashion-MNIST files (Xiao et al. 2017); checksums of the decompressed IDX, as .gz bytes differ between sources. */
export const FASHION_MNIST_FILES = {
  train: {
    images: { name: 'train-images-idx3-ubyte', bytes: 47040016, sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888' },
    labels: { name: 'train-labels-idx1-ubyte', bytes: 60008, sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9' },
  },
  test: {
    images: { name: 't10k-images-idx3-ubyte', bytes: 7840016, sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b' },
    labels: { name: 't10k-labels-idx1-ubyte', bytes: 10008, sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34' },
  },
} as const satisfies Record<string, Record<'images' | 'labels', IdxFileInfo>>;

/** Official download location (the Fashion-MNIST README). */
export const FASHION_MNIST_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

/** Class names by label. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** Where to look for Fashion-MNIST, in this order: `dataDir`, the Debian package, the cache, a download into the cache. */
export interface FashionMnistOptions {
  /** 'train' (60 000 images) or 'test' (10 000). Default 'train'. */
  split?: 'train' | 'test';
  /** A folder with the IDX files, raw or .gz (also tried: its `fashion-mnist/` subfolder). Checked structurally only. */
  dataDir?: string;
  /** Look in the Debian package `dataset-fashion-mnist` (found with `dpkg -L`). Default true. */
  system?: boolean;
  /** Cache folder; default {@link cacheDir}() (env PFGM_CACHE). Files live in `<cache>/fashion-mnist/`. */
  cacheDir?: string;
  /** Download into the cache when no local copy exists. Default true. */
  download?: boolean;
  /** Base URL of the .gz files (tests point it at a loopback server). Default {@link FASHION_MNIST_URL}. */
  baseUrl?: string;
  /** Progress messages. */
  log?: (msg: string) => void;
}

type Files = { images: IdxFileInfo; labels: IdxFileInfo };

/** Loads one split of Fashion-MNIST as uint8 [N, 28, 28, 1] with labels; errors say which sources were tried and how to provide the data. */
export async function loadFashionMnist(opts: FashionMnistOptions = {}): Promise<ImageDataset> {
  const split = opts.split ?? 'train';
  const files: Files = FASHION_MNIST_FILES[split];
  const tried: string[] = [];
  const dirs: { dir: string; label: string; verify: boolean }[] = [];
  if (opts.dataDir) {
    dirs.push({ dir: opts.dataDir, label: '--data', verify: false }, { dir: join(opts.dataDir, 'fashion-mnist'), label: '--data', verify: false });
  }
  if (opts.system ?? true) {
    const deb = debianFashionMnistDir();
    if (deb) dirs.push({ dir: deb, label: 'Debian dataset-fashion-mnist', verify: true });
    else tried.push('Debian package dataset-fashion-mnist: not installed (dpkg -L found nothing)');
  }
  for (const { dir, label, verify } of dirs) {
    const paths = locate(dir, files);
    if (!paths) {
      tried.push(`${label} ${dir}: no ${files.images.name}[.gz] with ${files.labels.name}[.gz]`);
      continue;
    }
    opts.log?.(`Fashion-MNIST ${split}: ${paths.images}${tried.length ? ` (after: ${tried.join('; ')})` : ''}`);
    return build(split, await readIdx(paths.images, files.images, verify), await readIdx(paths.labels, files.labels, verify));
  }
  const cache = join(cacheDir(opts.cacheDir), 'fashion-mnist');
  const baseUrl = opts.baseUrl ?? FASHION_MNIST_URL;
  const got: FileBytes[] = [];
  for (const f of [files.images, files.labels]) {
    const dest = join(cache, `${f.name}.gz`);
    const hit = await fromCache(dest, f, opts.log);
    if (hit) {
      got.push(hit);
      continue;
    }
    tried.push(`cache ${cache}: no verified ${f.name}.gz`);
    if (opts.download === false) {
      tried.push('download: disabled');
      throw notFound(split, files, tried, cache, baseUrl);
    }
    const url = new URL(`${f.name}.gz`, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
    try {
      await download({ url, dest, verify: (tmp) => verifyGz(tmp, f), log: opts.log });
    } catch (err) {
      if (!(err instanceof DataError) || (err.reason !== 'network' && err.reason !== 'http')) throw err;
      tried.push(`download ${url}: ${err.message}`);
      throw notFound(split, files, tried, cache, baseUrl, err);
    }
    got.push(await readIdx(dest, f, true));
  }
  return build(split, got[0], got[1]);
}

/** Paths of the images and labels files in `dir` (raw name first, then .gz); undefined unless both exist. */
function locate(dir: string, files: Files): { images: string; labels: string } | undefined {
  const find = (name: string) => [join(dir, name), join(dir, `${name}.gz`)].find((p) => existsSync(p));
  const images = find(files.images.name);
  const labels = find(files.labels.name);
  return images && labels ? { images, labels } : undefined;
}

/** Reads (gunzipping if needed) and, when `verify`, checks size and sha256 of the decompressed content. */
async function readIdx(path: string, info: IdxFileInfo, verify: boolean): Promise<FileBytes> {
  const buf = await readMaybeGzip(path);
  if (verify) checkContent(buf, info, path);
  return { path, buf };
}

/** File contents with the path they came from (for error messages). */
interface FileBytes {
  path: string;
  buf: Uint8Array;
}

function checkContent(buf: Uint8Array, info: IdxFileInfo, path: string): void {
  if (buf.length !== info.bytes) {
    throw new DataError(`${path}: decompressed ${info.name} has ${buf.length} bytes, expected ${info.bytes} (truncated or not Fashion-MNIST)`, 'corrupt', path);
  }
  const sha = createHash('sha256').update(buf).digest('hex');
  if (sha !== info.sha256) {
    throw new DataError(
      `${path}: checksum mismatch: decompressed ${info.name} has sha256 ${sha}, expected ${info.sha256} ` +
        `(the Debian package's content). If this copy is from upstream and differs, report it.`,
      'checksum',
      path,
    );
  }
}

/** Download check: the temp .gz must decompress to the expected content. */
async function verifyGz(tmp: string, info: IdxFileInfo): Promise<void> {
  checkContent(await gunzipBytes(new Uint8Array(await readFile(tmp)), tmp), info, tmp);
}

/** A verified file from the cache; one that fails verification is deleted (never used as valid). */
async function fromCache(path: string, info: IdxFileInfo, log?: (msg: string) => void): Promise<FileBytes | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    return await readIdx(path, info, true);
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    log?.(`removing invalid cached file: ${err.message}`);
    await rm(path, { force: true });
    return undefined;
  }
}

/** Parses images [N, 28, 28] and labels [N] and checks they agree. */
function build(split: string, imagesFile: FileBytes, labelsFile: FileBytes): ImageDataset {
  const images = parseIdx(imagesFile.buf, imagesFile.path);
  const labels = parseIdx(labelsFile.buf, labelsFile.path);
  if (images.dims.length !== 3) {
    throw new DataError(`${imagesFile.path}: expected 3-D images [N, H, W], found dims [${images.dims.join(', ')}]`, 'corrupt', imagesFile.path);
  }
  if (labels.dims.length !== 1) {
    throw new DataError(`${labelsFile.path}: expected 1-D labels [N], found dims [${labels.dims.join(', ')}]`, 'corrupt', labelsFile.path);
  }
  const [N, H, W] = images.dims;
  if (labels.dims[0] !== N) {
    throw new DataError(`${labelsFile.path}: ${labels.dims[0]} labels for the ${N} images of ${imagesFile.path}`, 'corrupt', labelsFile.path);
  }
  const bad = labels.data.findIndex((l) => l >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0) {
    throw new DataError(`${labelsFile.path}: label ${labels.data[bad]} at index ${bad}, expected 0–9`, 'corrupt', labelsFile.path);
  }
  return new ImageDataset(`fmnist/${split}`, images.data, H, W, 1, labels.data, FASHION_MNIST_CLASSES);
}

function notFound(split: string, files: Files, tried: string[], cache: string, baseUrl: string, cause?: unknown): DataError {
  return new DataError(
    `Fashion-MNIST (${split}) not found. Tried:\n` +
      tried.map((t) => `  - ${t}`).join('\n') +
      `\nTo provide it: install the Debian package (apt-get install dataset-fashion-mnist); or put ${files.images.name}[.gz] and ` +
      `${files.labels.name}[.gz] in a folder and pass --data <folder>; or copy the .gz files into ${cache}; ` +
      `or allow network access to ${baseUrl}.`,
    'not-found',
    undefined,
    { cause },
  );
}
