// `pfgm fid`: FID (and IS) of generated images against reference statistics, with pytorch-fid's Inception on TF.js.
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadDataset } from '@pfgm/data';
import { initBackend } from '@pfgm/tensor';
import { checkParentFolder, solverSpec } from '@pfgm/runs';
import { openCheckpointOf, withCheckpointOptions, type CheckpointOptions } from '../checkpoint-options.js';
import { generatedBatches } from '../generated-batches.js';
import {
  defaultCacheDir,
  featureStats,
  frechetDistance,
  imageFolderBatches,
  inceptionScore,
  InceptionExtractor,
  listImageFiles,
  npzImageBatches,
  readStatsNpz,
  checkStatsFile,
  writeStatsNpz,
  type GaussianStats,
  type ImageBatches,
  type InceptionMode,
} from '@pfgm/eval';

/** Options shared by `pfgm fid` and `pfgm stats`. */
export interface InceptionCliOptions {
  inception?: string;
  mode: string;
  batch: string;
  limit?: string;
  dataDir?: string;
  cacheDir?: string;
  backend?: string;
}

/** Selects the tfjs backend through @pfgm/tensor's initBackend (`--backend`, env PFGM_BACKEND, else auto). */
export async function selectBackend(name?: string): Promise<void> {
  await initBackend(name);
}

function parseMode(mode: string): InceptionMode {
  if (mode === 'legacy-tf' || mode === 'pytorch-fid') return mode;
  throw new Error(`--mode ${mode}: expected legacy-tf (TTUR/torch-fidelity/EDM, default) or pytorch-fid`);
}

function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} ${v}: expected a positive integer`);
  return n;
}

/** Loads the extractor named by the options (weights from --inception, the cache, or a verified download). */
export async function extractorFrom(o: InceptionCliOptions): Promise<InceptionExtractor> {
  if (o.inception !== undefined) {
    const st = await stat(o.inception).catch(() => undefined);
    if (st === undefined) throw new Error(`--inception ${o.inception}: no such file; expected pt_inception-2015-12-05-6726825d.pth or a converted .safetensors`);
    if (!st.isFile()) throw new Error(`--inception ${o.inception} is a folder; expected the weights file itself (pt_inception-2015-12-05-6726825d.pth or a converted .safetensors)`);
  }
  await selectBackend(o.backend);
  const log = (m: string) => process.stderr.write(`${m}\n`);
  return InceptionExtractor.load({ path: o.inception, cacheDir: o.cacheDir ?? defaultCacheDir(), mode: parseMode(o.mode), log });
}

/** Progress on stderr: images done and images/s, about every 10%. */
function progress(label: string, total: number): (done: number) => void {
  const t0 = performance.now();
  let next = 0;
  return (done) => {
    if (done < next && done < total) return;
    next = done + Math.max(1, Math.round(total / 10));
    const s = (performance.now() - t0) / 1000;
    process.stderr.write(`${label}: ${done}/${total} images, ${(done / s).toFixed(1)} img/s\n`);
  };
}

/** `DATASET-train|test` (e.g. cifar10-train) → loadDataset spec and split; undefined if not of that form. */
function datasetRef(ref: string): { spec: string; split: 'train' | 'test' } | undefined {
  const m = /^(.+)-(train|test)$/.exec(ref);
  return m ? { spec: m[1], split: m[2] as 'train' | 'test' } : undefined;
}

/** Image batches of a folder of PNGs (native size) or an .npz of images. */
export async function imageSource(path: string, batch: number, limit?: number): Promise<{ count: number; batches: ImageBatches }> {
  if ((await stat(path).catch(() => undefined))?.isDirectory()) {
    const files = (await listImageFiles(path)).slice(0, limit);
    return { count: files.length, batches: imageFolderBatches(files, batch) };
  }
  if (path.endsWith('.npz')) {
    const src = await npzImageBatches(path, batch);
    if (limit === undefined || limit >= src.count) return src;
    const it = src.batches;
    return {
      count: limit,
      batches: (async function* () {
        let done = 0;
        for await (const b of it) {
          if (done >= limit) {
            b.dispose();
            continue;
          }
          const n = Math.min(b.shape[0], limit - done);
          yield n === b.shape[0] ? b : tf.tidy(() => tf.slice(b, 0, n));
          if (n !== b.shape[0]) b.dispose();
          done += n;
        }
      })(),
    };
  }
  throw new Error(`${path}: expected a folder of PNG images or an .npz of images`);
}

/** Statistics of a dataset (`cifar10-train`, …), computed once and cached by content hash, mode and weights. */
export async function datasetStats(
  ref: { spec: string; split: 'train' | 'test' },
  ex: InceptionExtractor,
  o: InceptionCliOptions,
  limit?: number,
): Promise<GaussianStats> {
  const loaded = await loadDataset(ref.spec, { split: ref.split, dataDir: o.dataDir, limit });
  if (loaded.kind !== 'image') throw new Error(`--ref ${ref.spec}: FID needs an image dataset`);
  const ds = loaded; // ImageDataset: uint8 NHWC at native size
  const hash = createHash('sha256').update(ds.pixels).digest('hex').slice(0, 16);
  const dir = join(o.cacheDir ?? defaultCacheDir(), 'fid-refs');
  const file = join(dir, `${ref.spec.replace(/[^\w.-]+/g, '_')}-${ref.split}-${ex.mode}-${ds.length}-${hash}-w${ex.weightsFingerprint}.npz`);
  if (await stat(file).catch(() => undefined)) {
    process.stderr.write(`reference statistics from cache ${file}\n`);
    return { ...(await readStatsNpz(file)), n: ds.length };
  }
  const batch = positiveInt(o.batch, '--batch') ?? 32;
  const per = ds.height * ds.width * ds.channels;
  function* batches(): Generator<tf.Tensor4D> {
    for (let b = 0; b < ds.length; b += batch) {
      const n = Math.min(batch, ds.length - b);
      yield tf.tensor4d(Int32Array.from(ds.pixels.subarray(b * per, (b + n) * per)), [n, ds.height, ds.width, ds.channels], 'int32');
    }
  }
  const { stats } = await featureStats(batches(), ex, { onProgress: progress(`${ref.spec}-${ref.split}`, ds.length) });
  await mkdir(dir, { recursive: true });
  await writeStatsNpz(file, stats);
  process.stderr.write(`cached reference statistics in ${file}\n`);
  return stats;
}

/** What `--ref` names, found out without running Inception. */
type RefSource =
  | { kind: 'stats'; stats: GaussianStats }
  | { kind: 'dataset'; spec: string; split: 'train' | 'test' }
  | { kind: 'images'; path: string; source: { count: number; batches: ImageBatches } };

/** Resolves and checks `--ref` before any network runs: a stats .npz is read and checked (symmetric, PSD) here. */
async function resolveRef(ref: string, batch: number): Promise<RefSource> {
  const st = await stat(ref).catch(() => undefined);
  if (st?.isFile() && ref.endsWith('.npz')) {
    try {
      const stats = await readStatsNpz(ref);
      checkStatsFile(stats, ref, (m) => process.stderr.write(`warning: ${m}\n`));
      return { kind: 'stats', stats };
    } catch (e) {
      if (!/expected arrays 'mu' and 'sigma'/.test((e as Error).message)) throw e;
    }
  }
  const ds = st ? undefined : datasetRef(ref);
  if (ds) return { kind: 'dataset', ...ds };
  if (!st) throw new Error(`--ref ${ref}: no such file or folder; expected a stats .npz (mu, sigma), a folder/.npz of images, or a dataset as NAME-train|NAME-test (e.g. cifar10-train)`);
  if (!st.isDirectory() && !ref.endsWith('.npz')) throw new Error(`--ref ${ref}: expected a stats .npz (mu, sigma), a folder of PNG images or an .npz of images`);
  return { kind: 'images', path: ref, source: await imageSource(ref, batch) }; // lists the folder / reads the .npz now
}

/** Reference statistics of a resolved `--ref`. */
async function referenceStats(ref: RefSource, ex: InceptionExtractor, o: InceptionCliOptions): Promise<GaussianStats> {
  switch (ref.kind) {
    case 'stats':
      return ref.stats;
    case 'dataset':
      return datasetStats(ref, ex, o);
    case 'images':
      return (await featureStats(ref.source.batches, ex, { onProgress: progress('reference', ref.source.count) })).stats;
  }
}

/** Feature dimension of Inception's pool3 (FID needs more samples than this per side). */
const POOL3_DIM = 2048;

interface FidOptions extends InceptionCliOptions, CheckpointOptions {
  gen?: string;
  n?: string;
  seed?: string;
  solver?: string;
  steps?: string;
  ref: string;
  is?: boolean;
  isShuffle?: boolean;
  saveStats?: string;
  allowFew?: boolean;
  json?: boolean;
}

/** The generated images: a run's fresh samples (--checkpoint) or a folder / .npz (--gen). */
async function generatedOrGiven(o: FidOptions, batch: number): Promise<{ count: number; batches: ImageBatches; close?: () => void }> {
  if ((o.gen === undefined) === (o.ckpt === undefined)) throw new Error('pass exactly one of --gen DIR|NPZ and --checkpoint RUN|FILE');
  if (o.gen !== undefined) return imageSource(o.gen, batch, positiveInt(o.limit, '--limit'));
  const n = positiveInt(o.n, '--n') as number;
  const seed = nonNegativeInt(o.seed, '--seed');
  const steps = positiveInt(o.steps, '--steps');
  const run = await openCheckpointOf(o);
  try {
    const pfgmpp = run.config.method.kind === 'pfgmpp';
    const spec = solverSpec({ solver: o.solver ?? (pfgmpp ? 'heun' : 'rk45'), steps }, run.config.method);
    let nfe = 0;
    const gen = generatedBatches(run, spec, n, batch, seed, (k) => (nfe += k));
    process.stderr.write(`generating ${n} samples from ${o.ckpt} with ${spec.kind}\n`);
    return { ...gen, close: () => (process.stderr.write(`sampling NFE per batch ≈ ${(nfe / Math.ceil(n / batch)).toFixed(1)}\n`), run.dispose()) };
  } catch (e) {
    run.dispose();
    throw e;
  }
}

function nonNegativeInt(v: string | undefined, flag: string): number {
  const n = Number(v ?? 0);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} ${v}: expected a non-negative integer`);
  return n;
}

/** Adds the Inception options shared by `pfgm fid` and `pfgm stats` (read by {@link extractorFrom}). */
export function withInceptionOptions(cmd: Command): Command {
  return cmd
    .option('--inception <PATH>', "pytorch-fid's pt_inception-2015-12-05-6726825d.pth (zip or legacy) or a converted .safetensors; default: cache, else verified download")
    .option('--mode <mode>', 'preprocessing: legacy-tf (TTUR/torch-fidelity/EDM) | pytorch-fid', 'legacy-tf')
    .option('--batch <n>', 'images per forward pass', '32')
    .option('--cache-dir <DIR>', 'cache for weights and reference statistics (default $PFGM_CACHE or ~/.cache/pfgm)');
}

/** Registers `pfgm fid`. */
export function registerFid(program: Command): void {
  withCheckpointOptions(withInceptionOptions(
    program
      .command('fid')
      .description("Fréchet Inception Distance of generated images (pytorch-fid's Inception-v3 on TF.js), optionally Inception Score"),
  ), { optional: 'instead of --gen, generate --n samples from' })
    .option('--gen <DIR|NPZ>', 'generated images: a folder of PNGs (native size), or an .npz (uint8 NHWC, or floats in [-1, 1] quantised as round(127.5x + 127.5))')
    .requiredOption('--ref <STATS|DATASET>', 'reference: stats .npz (mu, sigma), a dataset as NAME-train|NAME-test (e.g. cifar10-train; cached by content hash), or images')
    .option('--limit <n>', 'use only the first n generated images')
    .option('--is', 'also report the Inception Score (1008 logits without bias, 10 splits)')
    .option('--is-shuffle', 'shuffle before the IS splits with numpy RandomState(2020) like torch-fidelity')
    .option('--save-stats <PATH>', "write the generated images' statistics (mu, sigma) as .npz")
    .option('--data-dir <DIR>', 'local dataset copies for --ref NAME-train|test')
    .option('--allow-few', 'compute FID even with N ≤ 2048 samples (biased; warns instead of failing)')
    .option('--json', 'print the result as JSON')
    .option('--n <n>', 'with --checkpoint: number of samples (papers: 50000)', '50000')
    .option('--seed <n>', 'with --checkpoint: seed of the prior samples', '0')
    .option('--solver <name>', 'with --checkpoint: euler | heun | rk4 | rk45 (default: heun for PFGM++/EDM, rk45 otherwise)')
    .option('--steps <n>', 'with --checkpoint: grid intervals for fixed-step solvers (EDM/PFGM++ default 18 → NFE 35)')
    .action(async (o: FidOptions, cmd: Command) => {
      const opts = { ...o, backend: (cmd.optsWithGlobals() as { backend?: string }).backend };
      // Cheap checks first: options, output paths, the reference and the generated images, then Inception.
      parseMode(opts.mode);
      const batch = positiveInt(opts.batch, '--batch') ?? 32;
      if (opts.saveStats !== undefined) {
        if (!opts.saveStats.endsWith('.npz')) throw new Error(`--save-stats ${opts.saveStats}: expected an .npz file name`);
        checkParentFolder(opts.saveStats);
      }
      await selectBackend(opts.backend);
      const ref = await resolveRef(opts.ref, batch);
      const gen = await generatedOrGiven(opts, batch);
      if (gen.count <= POOL3_DIM && !opts.allowFew) {
        gen.close?.();
        throw new Error(`${gen.count} generated images: FID needs N > ${POOL3_DIM} (the Inception feature size; 10,000+ recommended, 50,000 standard), or pass --allow-few for a biased value`);
      }
      const ex = await extractorFrom(opts);
      try {
        const t0 = performance.now();
        const { stats, logits } = await featureStats(gen.batches, ex, { withLogits: opts.is, onProgress: progress('generated', gen.count) });
        const seconds = (performance.now() - t0) / 1000;
        gen.close?.();
        if (opts.saveStats) {
          await mkdir(dirname(opts.saveStats), { recursive: true });
          await writeStatsNpz(opts.saveStats, stats);
        }
        const refStats = await referenceStats(ref, ex, opts);
        const fid = frechetDistance(stats, refStats, { fewSamples: opts.allowFew ? 'warn' : 'error', onWarning: (m) => process.stderr.write(`warning: ${m}\n`) });
        const is = logits ? inceptionScore(logits, ex.classes, { shuffleSeed: opts.isShuffle ? 2020 : undefined }) : undefined;
        const result = { fid, n: stats.n, mode: ex.mode, ref: opts.ref, backend: tf.getBackend(), imagesPerSecond: stats.n / seconds, ...(is ? { isMean: is.mean, isStd: is.std } : {}) };
        if (opts.json) console.log(JSON.stringify(result));
        else {
          console.log(`FID ${fid.toFixed(4)}  (N = ${stats.n} generated vs ${opts.ref}; Inception ${ex.mode}; ${tf.getBackend()}, ${result.imagesPerSecond.toFixed(1)} img/s)`);
          if (is) console.log(`IS  ${is.mean.toFixed(4)} ± ${is.std.toFixed(4)}  (10 splits${opts.isShuffle ? ', seed-2020 shuffle' : ''})`);
        }
      } finally {
        ex.dispose();
      }
    });
}
