import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { readJson } from '@pfgm/report';
import type { SolverSpec } from '@pfgm/ode';
import type { MetricKind } from '../images/image-metric.js';
import type { Sw2Baseline } from './baselines-file.js';
import type { RunProvenance } from './run-provenance.js';

/**
 * The committed image baselines. A sibling of results/baselines.json, not a section of it: the image check has its own
 * settings (metric, reference set, backend), its own writer that runs ~10× longer, and a metric that a user may switch
 * to Inception FID; regenerating one must not rewrite (and re-date) the other.
 */
export const IMAGE_BASELINES_PATH = fileURLToPath(new URL('../../../results/baselines-images.json', import.meta.url));

/** Where the committed Fashion-MNIST runs live. */
export const IMAGE_MODELS_DIR = fileURLToPath(new URL('../../../results/models', import.meta.url));

/** How every image checkpoint is evaluated (the same for the baseline seeds and the CI seed). */
export interface ImageEvalSettings {
  /**
   * The metric: `fd-fmnist` (Fréchet distance in the committed Fashion-MNIST classifier's features), `fid` (pytorch-fid
   * Inception weights: `--inception PATH`, else the cache `$PFGM_CACHE/inception`), or `fid-synthetic-weights` (the
   * same network with synthetic weights: plumbing only). The check uses whatever this says.
   */
  metric: MetricKind;
  /** Fixed-step sampler and its grid intervals. */
  solver: SolverSpec;
  /** Images drawn per seed (FD-FMNIST needs more than its 128 feature dimensions). */
  samples: number;
  /** Images per sampler call: batch b of seed s draws its prior from Rng(s, [b]). */
  batch: number;
  /** Which weights of each checkpoint are sampled (the 800-step cpu models are sampled raw, as fmnist-table does). */
  weights: 'ema' | 'raw';
  /** The reference statistics: the first `images` of the data set's split at `size`×`size`. */
  reference: { data: 'fmnist'; split: 'test'; images: number; size: number };
  /** tfjs backend the values were measured on; the check selects it. */
  backend: string;
}

/** One image checkpoint's baseline. */
export interface ImageModelBaseline {
  /** Run folder name under results/models. */
  id: string;
  /** Run folder relative to the repository root (config.json + checkpoint.safetensors). */
  dir: string;
  /** SHA-256 of checkpoint.safetensors and config.json: a changed file is reported, not re-scored. */
  checkpointSha256: string;
  configSha256: string;
  /** The run's method name (config.json `methodName`). */
  method: string;
  /** NFE the sampler used. */
  nfe: number;
  /** Baseline seeds (K = seeds.length). */
  seeds: number[];
  K: number;
  /**
   * The metric over the seeds, with the same prediction bound as the toy SW2 (mean + k·std), and the same bound below
   * (mean − k·std): the image values are a fingerprint of model + sampler at a coarse NFE, where a broken model can
   * also score lower (measured: 50 % weight noise on the PFGM model e351c875b84d).
   */
  fd: Sw2Baseline & { lowerTolerance: number };
  /** Whether CI checks this model; when false, `reason` says why. */
  checked: boolean;
  reason?: string;
  /** The seed CI evaluates (not one of `seeds`) and its value when the baselines were written. */
  ciSeed: number;
  ciAtWrite: { fd: number };
}

/** The whole results/baselines-images.json. */
export interface ImageBaselinesFile {
  about: string;
  settings: ImageEvalSettings;
  tolerance: { alpha: number; fd: string; familyWiseFalseAlarm: string; why: string };
  regenerate: string;
  provenance: RunProvenance;
  models: ImageModelBaseline[];
}

/** Reads and sanity-checks an image baselines file (clear error when it is absent or malformed). */
export function readImageBaselines(path: string = IMAGE_BASELINES_PATH): ImageBaselinesFile {
  if (!existsSync(path)) throw new Error(`${path} is missing; write it with 'npm run baselines-images -w experiments' (see experiments/src/regression/README-section.md)`);
  const b = readJson<ImageBaselinesFile>(path);
  if (!b || !Array.isArray(b.models) || !b.settings || typeof b.settings.samples !== 'number' || typeof b.settings.metric !== 'string') {
    throw new Error(`${path}: expected { settings: { metric, samples, … }, tolerance, provenance, models: [...] } as written by write-image-baselines.ts; regenerate it`);
  }
  for (const m of b.models) {
    for (const key of ['id', 'dir', 'checkpointSha256', 'configSha256', 'fd', 'ciSeed'] as const) {
      if (m[key] === undefined) throw new Error(`${path}: model ${m.id ?? '?'} lacks '${key}'; regenerate the file`);
    }
    if (typeof m.fd.lowerTolerance !== 'number') throw new Error(`${path}: model ${m.id} lacks 'fd.lowerTolerance'; regenerate the file`);
  }
  return b;
}
