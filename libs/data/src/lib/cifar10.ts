import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as tar from 'tar';
import { cacheDir } from './cache-dir.js';
import { DataError } from './data-error.js';
import { download } from './download.js';
import { ImageDataset } from './image-dataset.js';

/** Official archive (Krizhevsky 2009), its published md5 and size. */
export const CIFAR10_ARCHIVE = {
  name: 'cifar-10-binary.tar.gz',
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
  bytes: 170052171,
} as const;

/** Folder inside the archive. */
export const CIFAR10_DIR = 'cifar-10-batches-bin';
/** Bytes per record: 1 label + 3072 pixels (1024 R, 1024 G, 1024 B, each 32×32 row-major). */
export const CIFAR10_RECORD = 1 + 3 * 32 * 32;
/** Records per official batch file. */
export const CIFAR10_RECORDS_PER_FILE = 10000;
/** Class names by label (batches.meta.txt). */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

/** The batch files of a split. */
export function cifar10Files(split: 'train' | 'test'): string[] {
  return split === 'train' ? [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`) : ['test_batch.bin'];
}

/** Parsed records: uint8 NHWC pixels [n, 32, 32, 3] and labels [n]. */
export interface CifarRecords {
  pixels: Uint8Array;
  labels: Uint8Array;
}

/** Parses one CIFAR-10 binary batch (records of label + CHW planes) into NHWC; `file` names it in errors. */
export function parseCifarBatch(buf: Uint8Array, file: string): CifarRecords {
  if (buf.length === 0 || buf.length % CIFAR10_RECORD !== 0) {
    throw new DataError(
      `${file}: truncated or corrupt CIFAR-10 batch: ${buf.length} bytes is not a positive multiple of ${CIFAR10_RECORD} ` +
        `(1 label + 3072 pixels; an official batch has ${CIFAR10_RECORDS_PER_FILE * CIFAR10_RECORD} bytes)`,
      'corrupt',
      file,
    );
  }
  const n = buf.length / CIFAR10_RECORD;
  const pixels = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const rec = i * CIFAR10_RECORD;
    labels[i] = buf[rec];
    if (labels[i] > 9) throw new DataError(`${file}: label ${labels[i]} in record ${i}, expected 0–9 (corrupt file?)`, 'corrupt', file);
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) pixels[i * 3072 + p * 3 + c] = buf[rec + 1 + c * 1024 + p];
    }
  }
  return { pixels, labels };
}

/** Encodes NHWC pixels and labels as a CIFAR-10 binary batch (tests and fixtures). */
export function encodeCifarBatch(pixels: Uint8Array, labels: Uint8Array): Uint8Array {
  const n = labels.length;
  if (pixels.length !== n * 3072) throw new RangeError(`encodeCifarBatch: ${pixels.length} pixels for ${n} labels, expected ${n * 3072}`);
  const out = new Uint8Array(n * CIFAR10_RECORD);
  for (let i = 0; i < n; i++) {
    const rec = i * CIFAR10_RECORD;
    out[rec] = labels[i];
    for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) out[rec + 1 + c * 1024 + p] = pixels[i * 3072 + p * 3 + c];
  }
  return out;
}

/** Reads the named batch files from a cifar-10-binary.tar.gz with `tar` (strict: any damage is an error), in memory. */
export async function readCifarArchive(file: string, names: readonly string[]): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (entry) => {
        const name = basename(entry.path);
        if (!names.includes(name)) return entry.resume();
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          const buf = Buffer.concat(chunks);
          if (buf.length === entry.size) found.set(name, new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
        });
      },
    });
  } catch (err) {
    throw new DataError(`${file}: corrupt or truncated tar.gz archive (${(err as Error).message})`, 'corrupt', file, { cause: err });
  }
  const missing = names.filter((n) => !found.has(n));
  if (missing.length > 0) {
    throw new DataError(`${file}: archive lacks ${missing.join(', ')} (expected ${CIFAR10_DIR}/ with ${names.join(', ')})`, 'corrupt', file);
  }
  return found;
}

/** Where to look for CIFAR-10, in this order: `dataDir`, the cache, a download into the cache. */
export interface Cifar10Options {
  /** 'train' (data_batch_1..5, 50 000 images) or 'test' (test_batch, 10 000). Default 'train'. */
  split?: 'train' | 'test';
  /** A folder holding cifar-10-binary.tar.gz, or cifar-10-batches-bin/, or the .bin files themselves. Checked structurally. */
  dataDir?: string;
  /** Cache folder; default {@link cacheDir}() (env PFGM_CACHE). The archive lives in `<cache>/cifar10/`. */
  cacheDir?: string;
  /** Download into the cache when no local copy exists. Default true. */
  download?: boolean;
  /** URL of the archive (tests point it at a loopback server). Default the official URL. */
  url?: string;
  /** Checksum and size the downloaded archive must have. Default the official md5 and size. */
  expected?: { md5: string; bytes?: number };
  /** Progress messages. */
  log?: (msg: string) => void;
}

/** Loads one split of CIFAR-10 as uint8 [N, 32, 32, 3] with labels; errors say which sources were tried and how to provide the data. */
export async function loadCifar10(opts: Cifar10Options = {}): Promise<ImageDataset> {
  const split = opts.split ?? 'train';
  const names = cifar10Files(split);
  const tried: string[] = [];
  if (opts.dataDir) {
    for (const dir of [opts.dataDir, join(opts.dataDir, CIFAR10_DIR)]) {
      if (names.every((n) => existsSync(join(dir, n)))) {
        const files = new Map(await Promise.all(names.map(async (n) => [n, new Uint8Array(await readFile(join(dir, n)))] as const)));
        opts.log?.(`CIFAR-10 ${split}: ${dir}`);
        return build(split, files, dir);
      }
      tried.push(`--data ${dir}: no ${names.join(', ')}`);
    }
    const archive = join(opts.dataDir, CIFAR10_ARCHIVE.name);
    if (existsSync(archive)) {
      opts.log?.(`CIFAR-10 ${split}: ${archive}`);
      return build(split, await readCifarArchive(archive, names), archive);
    }
    tried.push(`--data ${archive}: not found`);
  }
  const expected = opts.expected ?? { md5: CIFAR10_ARCHIVE.md5, bytes: CIFAR10_ARCHIVE.bytes };
  const cached = join(cacheDir(opts.cacheDir), 'cifar10', CIFAR10_ARCHIVE.name);
  if (existsSync(cached)) {
    const md5 = await md5File(cached);
    if (md5 === expected.md5) return build(split, await readCifarArchive(cached, names), cached);
    opts.log?.(`removing invalid cached ${cached}: md5 ${md5}, expected ${expected.md5}`);
    await rm(cached, { force: true });
  }
  tried.push(`cache ${cached}: no verified copy`);
  const url = opts.url ?? CIFAR10_ARCHIVE.url;
  if (opts.download === false) {
    tried.push('download: disabled');
    throw notFound(split, tried, cached, url);
  }
  try {
    await download({ url, dest: cached, expected, log: opts.log });
  } catch (err) {
    if (!(err instanceof DataError) || (err.reason !== 'network' && err.reason !== 'http')) throw err;
    tried.push(`download ${url}: ${err.message}`);
    throw notFound(split, tried, cached, url, err);
  }
  return build(split, await readCifarArchive(cached, names), cached);
}

/** md5 of a file, streamed. */
async function md5File(path: string): Promise<string> {
  const h = createHash('md5');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Parses every batch of the split and concatenates them; all train batches must hold the same number of records. */
function build(split: 'train' | 'test', files: Map<string, Uint8Array>, where: string): ImageDataset {
  const names = cifar10Files(split);
  const parts = names.map((n) => parseCifarBatch(files.get(n) ?? new Uint8Array(0), `${where}: ${n}`));
  const counts = parts.map((p) => p.labels.length);
  if (counts.some((c) => c !== counts[0])) {
    throw new DataError(`${where}: batch files hold different numbers of records (${names.map((n, i) => `${n}: ${counts[i]}`).join(', ')}); some are truncated`, 'corrupt', where);
  }
  const n = counts.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    pixels.set(p.pixels, at * 3072);
    labels.set(p.labels, at);
    at += p.labels.length;
  }
  return new ImageDataset(`cifar10/${split}`, pixels, 32, 32, 3, labels, CIFAR10_CLASSES);
}

function notFound(split: string, tried: string[], cached: string, url: string, cause?: unknown): DataError {
  return new DataError(
    `CIFAR-10 (${split}) not found. Tried:\n` +
      tried.map((t) => `  - ${t}`).join('\n') +
      `\nTo provide it: download ${CIFAR10_ARCHIVE.url} (md5 ${CIFAR10_ARCHIVE.md5}) and pass --data <folder holding it>, ` +
      `or copy it to ${cached}, or allow network access to ${url}.`,
    'not-found',
    undefined,
    { cause },
  );
}
