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

/** One committed models folder and the baselines file that must list every fmnist checkpoint git tracks in it. */
export interface ImageBaselinesLocation {
  /** The baselines file. */
  path: string;
  /** The models folder it covers. */
  modelsDir: string;
  /** The command that (re)writes it. */
  regenerate: string;
  /** The folder may hold no committed model yet (then no file is needed); else it must. */
  mayBeEmpty: boolean;
}

/**
 * Every committed image-baselines file: the cpu/table models (raw weights) and the claims runs' models of issue 14
 * (EMA weights, FD re-scored for training seed 1 of each configuration, the other seeds' files checked by sha256).
 */
export const IMAGE_BASELINES_LOCATIONS: readonly ImageBaselinesLocation[] = [
  { path: IMAGE_BASELINES_PATH, modelsDir: IMAGE_MODELS_DIR, regenerate: 'npm run baselines-images -w experiments', mayBeEmpty: false },
  {
    path: fileURLToPath(new URL('../../../results/claims/baselines-images.json', import.meta.url)),
    modelsDir: fileURLToPath(new URL('../../../results/claims/models', import.meta.url)),
    regenerate: 'npm run baselines-images -w experiments -- --models results/claims/models --weights ema --score-seeds 1 --reuse --out results/claims/baselines-images.json',
    mayBeEmpty: true,
  },
];

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
  /** NFE the sampler used (absent for a model that was not measured). */
  nfe?: number;
  /** Baseline seeds (K = seeds.length). */
  seeds: number[];
  K: number;
  /**
   * The metric over the seeds, with the same prediction bound as the toy SW2 (mean + k·std), and the same bound below
   * (mean − k·std): the image values are a fingerprint of model + sampler at a coarse NFE, where a broken model can
   * also score lower (measured: 50 % weight noise on the PFGM model e351c875b84d). Absent for a model that was not
   * measured (`checked: false` with `--score-seeds`).
   */
  fd?: Sw2Baseline & { lowerTolerance: number };
  /** Training seed of the run (config.json train.seed). */
  trainSeed?: number;
  /** Whether CI re-scores this model; when false, `reason` says why (its files are still checked by sha256). */
  checked: boolean;
  reason?: string;
  /** The seed CI evaluates (not one of `seeds`) and its value when the baselines were written. */
  ciSeed: number;
  ciAtWrite?: { fd: number };
  /** When this entry was measured (an entry kept by `--reuse` keeps the commit it was measured at). */
  measured?: { commit: string | null; dirty: boolean | null; date: string; seconds: number };
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
    for (const key of ['id', 'dir', 'checkpointSha256', 'configSha256', 'ciSeed'] as const) {
      if (m[key] === undefined) throw new Error(`${path}: model ${m.id ?? '?'} lacks '${key}'; regenerate the file`);
    }
    if (m.checked && typeof m.fd?.lowerTolerance !== 'number') throw new Error(`${path}: checked model ${m.id} lacks 'fd.lowerTolerance'; regenerate the file`);
  }
  return b;
}
