import { join, relative } from 'node:path';
import { readdirSync, existsSync } from 'node:fs';
import { gitState, readJson } from '@pfgm/report';
import { RUN_FILES } from '@pfgm/runs';
import { metricColumns } from '../images/image-metric.js';
import { REPO_ROOT } from './baselines-file.js';
import { evaluateImageCheckpoint } from './evaluate-image-checkpoint.js';
import { fileSha256 } from './file-sha256.js';
import type { ImageBaselinesFile, ImageEvalSettings, ImageModelBaseline } from './image-baselines-file.js';
import { loadImageScorer, type ImageScorer } from './image-reference.js';
import { runProvenance } from './run-provenance.js';
import { seedTolerance } from './seed-tolerance.js';
import { studentTQuantile } from './student-t-quantile.js';
import { selectBackend } from './select-backend.js';

/** What the image baseline writer measures. */
export interface BuildImageOptions {
  /** Folder of trained image runs (`<id>/` with config.json + checkpoint.safetensors). */
  modelsDir: string;
  /** Only the runs whose folder name starts with this (default `fmnist-`). */
  prefix: string;
  settings: ImageEvalSettings;
  /** pytorch-fid Inception weights for metric `fid` (else the cache). */
  inceptionPath?: string;
  /** Baseline seeds 1..K (K ≥ 8). */
  K: number;
  /** One-sided false-alarm rate of each tolerance (per model). */
  alpha: number;
  /** The seed CI evaluates; must not be one of 1..K. */
  ciSeed: number;
  /** Model ids recorded but not checked, with the reason. */
  unchecked: Readonly<Record<string, string>>;
  /**
   * Re-score in CI only the runs whose training seed (config.json train.seed) is one of these; the others are recorded
   * unchecked (files still checked by sha256) and not measured. Default: every run is measured and checked.
   */
  scoreSeeds?: readonly number[];
  /** An earlier file of the same settings, K, α and CI seed: its entries whose files are unchanged are kept as they are. */
  reuse?: ImageBaselinesFile;
  /** The command that regenerates the file (recorded in it; the check prints it). */
  regenerate?: string;
  /** Progress lines. */
  log: (line: string) => void;
}

/** The image runs of `modelsDir` (folders with a checkpoint whose name starts with `prefix`), sorted. */
export function listImageRuns(modelsDir: string, prefix: string): string[] {
  return existsSync(modelsDir) ? readdirSync(modelsDir).filter((d) => d.startsWith(prefix) && existsSync(join(modelsDir, d, RUN_FILES.checkpoint))).sort() : [];
}

/**
 * Measures every image run in `modelsDir` at seeds 1..K and the CI seed with the settings' metric, and derives each
 * tolerance from the spread with the toy baselines' prediction bound (seed-tolerance.ts), on the
 * backend `settings.backend` (selected here).
 */
export async function buildImageBaselines(o: BuildImageOptions): Promise<ImageBaselinesFile> {
  if (!Number.isInteger(o.K) || o.K < 8) throw new Error(`--seeds ${o.K}: need an integer K ≥ 8 to measure the seed spread`);
  if (o.ciSeed >= 1 && o.ciSeed <= o.K) throw new Error(`--ci-seed ${o.ciSeed} is one of the baseline seeds 1..${o.K}; pick one outside so CI is an out-of-sample draw`);
  const { samples, reference } = o.settings;
  if (o.settings.metric === 'fid' && (samples <= 2048 || reference.images <= 2048)) {
    throw new Error(`--metric fid: ${samples} samples and ${reference.images} reference images; FID's 2048-dimensional covariances need more than 2048 of each (e.g. --samples 5000 --batch 500 --ref-images 10000)`);
  }
  const ids = listImageRuns(o.modelsDir, o.prefix);
  if (ids.length === 0) throw new Error(`${o.modelsDir}: no trained image runs (${o.prefix}*/${RUN_FILES.checkpoint}) found; pass --models <dir>`);
  await selectBackend(o.settings.backend);
  const t0 = performance.now();
  const col = metricColumns(o.settings.metric).fd;
  const reusable = reusableEntries(o);
  const plan = ids.map((id) => ({ id, dir: join(o.modelsDir, id), trainSeed: trainSeedOf(join(o.modelsDir, id)) }));
  const scored = (p: { trainSeed?: number }): boolean => isScored(o.scoreSeeds, p.trainSeed);
  const toMeasure = plan.filter((p) => scored(p) && !reusable.has(p.id));
  // Loaded on first use: a regeneration that measures nothing new does not build the metric network.
  let scorerLoaded: ImageScorer | undefined;
  const scorer = async (): Promise<ImageScorer> => (scorerLoaded ??= await loadImageScorer(o.settings, o.inceptionPath));
  o.log(`${ids.length} models: ${toMeasure.length} to measure (× ${o.K + 1} seeds × ${o.settings.samples} samples), ${ids.filter((id) => reusable.has(id)).length} kept from the earlier file, ${plan.filter((p) => !scored(p)).length} recorded by sha256 only`);
  const seeds = Array.from({ length: o.K }, (_, i) => i + 1);
  const models: ImageModelBaseline[] = [];
  try {
    for (const [i, { id, dir, trainSeed }] of plan.entries()) {
      const kept = reusable.get(id);
      if (kept) {
        models.push(kept);
        continue;
      }
      if (!scored({ trainSeed })) {
        models.push({ ...fileFacts(id, dir), seeds: [], K: 0, ...(trainSeed === undefined ? {} : { trainSeed }), checked: false, reason: `training seed ${trainSeed ?? '?'}; ${col} is re-scored in CI only for training seed ${o.scoreSeeds?.join('/')} of each configuration (CI time)`, ciSeed: o.ciSeed });
        o.log(`${id}: training seed ${trainSeed ?? '?'}, recorded by sha256 only`);
        continue;
      }
      const t1 = performance.now();
      const { metric, ref } = await scorer();
      const values = [];
      for (const seed of [...seeds, o.ciSeed]) {
        const [v] = (await evaluateImageCheckpoint(dir, o.settings, metric, ref, [seed])).values;
        if (!Number.isFinite(v.fd)) throw new Error(`${id}: seed ${seed} gave ${col} ${v.fd} (${v.note ?? 'not finite'}); a baseline needs finite values at every seed`);
        values.push(v);
        o.log(`  [${i + 1}/${ids.length}] ${id} seed ${seed}: ${col} ${v.fd.toFixed(3)} (NFE ${v.nfe}, ${((performance.now() - t1) / 1000).toFixed(0)} s)`);
      }
      const base = values.slice(0, o.K).map((v) => v.fd);
      const tol = seedTolerance(base, o.alpha);
      const ci = values[o.K];
      const reason = o.unchecked[id];
      models.push({
        ...fileFacts(id, dir),
        nfe: values[0].nfe ?? NaN,
        ...(trainSeed === undefined ? {} : { trainSeed }),
        seeds,
        K: o.K,
        fd: { values: base, mean: tol.mean, std: tol.std, k: tol.k, tolerance: tol.tolerance, lowerTolerance: tol.mean - tol.k * tol.std },
        checked: reason === undefined,
        ...(reason === undefined ? {} : { reason }),
        ciSeed: o.ciSeed,
        ciAtWrite: { fd: ci.fd },
        measured: { ...measuredAt(), seconds: (performance.now() - t1) / 1000 },
      });
      const lower = tol.mean - tol.k * tol.std;
      const flag = reason !== undefined ? 'not checked' : ci.fd <= tol.tolerance && ci.fd >= lower ? 'ci ok' : 'CI SEED OUTSIDE TOLERANCE';
      o.log(`${id}: ${col} ${tol.mean.toFixed(3)} ± ${tol.std.toFixed(3)} (K ${o.K}) tol [${lower.toFixed(3)}, ${tol.tolerance.toFixed(3)}]; ci seed ${ci.fd.toFixed(3)} [${flag}] (${((performance.now() - t1) / 1000).toFixed(0)} s)`);
    }
  } finally {
    scorerLoaded?.dispose();
  }
  const k = studentTQuantile(1 - o.alpha, o.K - 1) * Math.sqrt(1 + 1 / o.K);
  const checked = models.filter((m) => m.checked).length;
  return {
    about: `Regression baselines of the committed image checkpoints (${o.prefix}* in ${relative(REPO_ROOT, o.modelsDir)}): ${col} of ${o.settings.samples} fixed-solver samples against the reference statistics, measured over K sampling seeds. experiments/src/regression/image-baselines.integration.spec.ts re-evaluates each checked model at its ciSeed with the metric of settings.metric and fails when the value is outside its tolerances (above tolerance or below lowerTolerance) or not finite, or a checkpoint is missing or changed (sha256). A sibling of results/baselines.json (toy models): other settings, a longer writer, and a metric that can be switched to Inception FID.`,
    settings: o.settings,
    tolerance: {
      alpha: o.alpha,
      fd: `tolerance = mean + k·std and lowerTolerance = mean − k·std over the K seeds, k = t_{1−α, K−1}·√(1 + 1/K) = ${k.toFixed(3)} (α = ${o.alpha} per side, K = ${o.K}): the normal prediction bound for one new seed of the toy baselines' sw2, on both sides because a broken image model can also score lower at this coarse NFE`,
      familyWiseFalseAlarm: `≤ ${(2 * checked * o.alpha * 100).toFixed(1)} % over ${checked} checked models × 2 sides (union bound)`,
      why: 'A false-alarm rate for a change that only re-draws the samples (another seed, RNG stream, backend rounding) of an unchanged model: P(regression flagged) ≤ α per model if the per-seed value is normal. CI uses one fixed seed outside the baseline seeds, so pass/fail is deterministic on a given backend. The reference statistics are recomputed by the check (a changed metric network or data file moves every value).',
    },
    regenerate: `${o.regenerate ?? `npm run baselines-images -w experiments${o.settings.metric === 'fd-fmnist' ? '' : ` -- --metric ${o.settings.metric}${o.settings.metric === 'fid' ? ' --inception <pt_inception-2015-12-05.pth>' : ''}`}`}; then commit the file`,
    provenance: runProvenance(t0),
    models,
  };
}

/** Whether a run of this training seed is measured and re-scored in CI (every run when no seeds are named). */
function isScored(scoreSeeds: readonly number[] | undefined, trainSeed: number | undefined): boolean {
  return !scoreSeeds || (trainSeed !== undefined && scoreSeeds.includes(trainSeed));
}

/** A run's training seed (config.json train.seed), when recorded. */
function trainSeedOf(dir: string): number | undefined {
  const seed = readJson<{ train?: { seed?: unknown } }>(join(dir, RUN_FILES.config)).train?.seed;
  return typeof seed === 'number' ? seed : undefined;
}

/** The facts of a run folder every entry records: where, sha256 of its files, method. */
function fileFacts(id: string, dir: string): Pick<ImageModelBaseline, 'id' | 'dir' | 'checkpointSha256' | 'configSha256' | 'method'> {
  return {
    id,
    dir: relative(REPO_ROOT, dir),
    checkpointSha256: fileSha256(join(dir, RUN_FILES.checkpoint)),
    configSha256: fileSha256(join(dir, RUN_FILES.config)),
    method: readJson<{ methodName?: string }>(join(dir, RUN_FILES.config)).methodName ?? '?',
  };
}

/**
 * The measured entries of `o.reuse` that can stand unchanged: same settings, K, α and CI seed, the run's files
 * unchanged (sha256), and still to be measured as `o.scoreSeeds` says. Anything else is measured (or, sha256-only,
 * recorded) again.
 */
export function reusableEntries(o: Pick<BuildImageOptions, 'reuse' | 'settings' | 'K' | 'alpha' | 'ciSeed' | 'modelsDir' | 'unchecked' | 'scoreSeeds'>): Map<string, ImageModelBaseline> {
  const r = o.reuse;
  if (!r || JSON.stringify(r.settings) !== JSON.stringify(o.settings) || r.tolerance.alpha !== o.alpha) return new Map();
  const keep = r.models.filter((m) => {
    if (!m.checked || !isScored(o.scoreSeeds, m.trainSeed) || m.ciSeed !== o.ciSeed || m.K !== o.K || o.unchecked[m.id] !== undefined) return false;
    const dir = join(o.modelsDir, m.id);
    if (!existsSync(join(dir, RUN_FILES.checkpoint)) || !existsSync(join(dir, RUN_FILES.config))) return false;
    return fileSha256(join(dir, RUN_FILES.checkpoint)) === m.checkpointSha256 && fileSha256(join(dir, RUN_FILES.config)) === m.configSha256;
  });
  return new Map(keep.map((m) => [m.id, m]));
}

/** The commit (and whether the tree was dirty) an entry is measured at. */
function measuredAt(): { commit: string | null; dirty: boolean | null; date: string } {
  const git = gitState(REPO_ROOT);
  return { commit: git.commit, dirty: git.dirty, date: new Date().toISOString() };
}
