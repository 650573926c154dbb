import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { readJson } from '@pfgm/report';
import type { SolverSpec } from '@pfgm/ode';
import type { RunProvenance } from './run-provenance.js';

/** Root of the repository (paths in baselines.json are relative to it). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The committed baselines file. */
export const BASELINES_PATH = fileURLToPath(new URL('../../../results/baselines.json', import.meta.url));

/** How every checkpoint is evaluated (the same for the baseline seeds and the CI seed). */
export interface EvalSettings {
  /** Metrics: sliced Wasserstein-2 of the samples within the far radius to held-out toy points, and the far-sample count. */
  metric: 'sw2';
  /** Projection directions of SW2 (midpoint rule on the half circle for 2-D points). */
  directions: number;
  /** Fixed-step sampler and its grid intervals (Heun at NFE ≈ 21: cheap, and sensitive to solver bugs). */
  solver: SolverSpec;
  /** Samples drawn per seed. */
  samples: number;
  /** Held-out points: the toy's `test` stream with this seed and size. */
  test: { split: 'test'; seed: number; points: number };
  /** Far radius R = farFactor × the largest held-out point norm: samples beyond it (or not finite) are counted, not scored by SW2. */
  farFactor: number;
}

/** SW2 over the seeds and its tolerance (normal prediction bound, see the file's `tolerance.sw2`). */
export interface Sw2Baseline {
  values: number[];
  mean: number;
  std: number;
  /** Multiplier of std: t_{1−α,K−1}·√(1 + 1/K). */
  k: number;
  /** mean + k·std: a CI value above it is a regression. */
  tolerance: number;
}

/** Far-sample counts over the seeds and the largest count that passes (Poisson conditional test). */
export interface FarBaseline {
  counts: number[];
  total: number;
  tolerance: number;
}

/** One checkpoint's baseline. */
export interface ModelBaseline {
  /** `<toy>-<method>` folder name. */
  id: string;
  /** Run folder relative to the repository root (config.json + checkpoint.safetensors). */
  dir: string;
  /** SHA-256 of checkpoint.safetensors and config.json: a changed file is reported, not re-scored. */
  checkpointSha256: string;
  configSha256: string;
  /** Toy name (from the run's `toy:<name>` data spec). */
  toy: string;
  /** NFE the sampler used. */
  nfe: number;
  /** Baseline seeds (K = seeds.length). */
  seeds: number[];
  K: number;
  sw2: Sw2Baseline;
  far: FarBaseline;
  /** Whether CI checks this model; when false, `reason` says why (the spread is still recorded). */
  checked: boolean;
  reason?: string;
  /** The seed CI evaluates (not one of `seeds`) and its values when the baselines were written. */
  ciSeed: number;
  ciAtWrite: { sw2: number; far: number };
}

/** The whole results/baselines.json. */
export interface BaselinesFile {
  about: string;
  settings: EvalSettings;
  tolerance: { alpha: number; sw2: string; far: string; familyWiseFalseAlarm: string; why: string };
  regenerate: string;
  provenance: RunProvenance;
  models: ModelBaseline[];
}

/** Reads and sanity-checks baselines.json (clear error when it is absent or malformed). */
export function readBaselines(path: string = BASELINES_PATH): BaselinesFile {
  if (!existsSync(path)) throw new Error(`${path} is missing; write it with 'npm run baselines -w experiments' (see experiments/src/regression/README-section.md)`);
  const b = readJson<BaselinesFile>(path);
  if (!b || !Array.isArray(b.models) || !b.settings || typeof b.settings.samples !== 'number') {
    throw new Error(`${path}: expected { settings, tolerance, provenance, models: [...] } as written by write-baselines.ts; regenerate it`);
  }
  for (const m of b.models) {
    for (const key of ['id', 'dir', 'checkpointSha256', 'configSha256', 'toy', 'sw2', 'far', 'ciSeed'] as const) {
      if (m[key] === undefined) throw new Error(`${path}: model ${m.id ?? '?'} lacks '${key}'; regenerate the file`);
    }
  }
  return b;
}
