import { join, relative } from 'node:path';
import { metricColumns } from '../images/image-metric.js';
import { REPO_ROOT } from './baselines-file.js';
import type { Finding, MetricCheck } from './check-baselines.js';
import { evaluateImageCheckpoint } from './evaluate-image-checkpoint.js';
import type { Faults } from './evaluate-checkpoint.js';
import { IMAGE_BASELINES_PATH, type ImageBaselinesFile, type ImageModelBaseline } from './image-baselines-file.js';
import { loadImageScorer, type ImageScorer } from './image-reference.js';
import { checkRunFiles, type BaselinesSource } from './run-files-check.js';
import { selectBackend } from './select-backend.js';

/** Options of {@link checkImageBaselines}. */
export interface ImageCheckOptions {
  /** Folder the baselines' relative `dir`s are resolved against. Default: the repository root. */
  root?: string;
  /** Only these model ids (default: every listed one). */
  only?: readonly string[];
  /** Deliberate faults (specs only). */
  faults?: Faults;
  /** pytorch-fid Inception weights when the file's metric is `fid` (else the cache, `$PFGM_CACHE/inception`). */
  inceptionPath?: string;
  /** A scorer already loaded for the file's settings (specs that check several times); else one is loaded and disposed. */
  scorer?: ImageScorer;
  /** The file's path (absolute or relative to the repository root), for the findings' messages. */
  path?: string;
}

/**
 * Re-evaluates every checked image model of `baselines` at its CI seed with the metric the file names
 * (`settings.metric`: FD-FMNIST, Inception FID, …) on the backend it was measured on: a missing or changed (sha256)
 * checkpoint or config of any listed model (checked or not) is reported as such; otherwise a checked model's metric is
 * compared with its tolerances (above the upper, below the lower, or not finite: a regression). The findings are those of the toy check (check-baselines.ts), so `formatFinding` and `allPassed` apply.
 */
export async function checkImageBaselines(baselines: ImageBaselinesFile, opts: ImageCheckOptions = {}): Promise<Finding[]> {
  const root = opts.root ?? REPO_ROOT;
  if (opts.only) {
    const unknown = opts.only.filter((id) => !baselines.models.some((m) => m.id === id));
    if (unknown.length > 0) throw new Error(`checkImageBaselines: unknown model id(s) ${unknown.join(', ')}; listed: ${baselines.models.map((m) => m.id).join(', ')}`);
  }
  await selectBackend(baselines.settings.backend);
  const source: BaselinesSource = { file: relative(REPO_ROOT, opts.path ?? IMAGE_BASELINES_PATH), regenerate: baselines.regenerate ?? 'npm run baselines-images -w experiments' };
  const models = baselines.models.filter((m) => !opts.only || opts.only.includes(m.id));
  // Loaded on first use: a missing or changed file is reported without loading the metric network.
  let loaded: Promise<ImageScorer> | undefined;
  const scorer = (): Promise<ImageScorer> => (loaded ??= opts.scorer ? Promise.resolve(opts.scorer) : loadImageScorer(baselines.settings, opts.inceptionPath));
  try {
    const findings: Finding[] = [];
    for (const m of models) findings.push(await checkModel(baselines, m, root, scorer, opts.faults ?? {}, source));
    return findings;
  } finally {
    if (loaded && !opts.scorer) await loaded.then((s) => s.dispose(), () => undefined);
  }
}

async function checkModel(b: ImageBaselinesFile, m: ImageModelBaseline, root: string, scorer: () => Promise<ImageScorer>, faults: Faults, source: BaselinesSource): Promise<Finding> {
  const dir = join(root, m.dir);
  // Files first, for every listed model: an unchecked model is one whose metric is not re-scored, not one that may change.
  const problem = checkRunFiles(m.id, dir, m, source);
  if (problem) return problem;
  if (!m.checked) return { kind: 'skipped', id: m.id, reason: `files unchanged (sha256); not re-scored: ${m.reason ?? 'not checked'}` };
  if (!m.fd) throw new Error(`${source.file}: checked model ${m.id} has no fd baseline; regenerate it (${source.regenerate})`);
  const { metric, ref } = await scorer();
  const t0 = performance.now();
  const { values } = await evaluateImageCheckpoint(dir, b.settings, metric, ref, [m.ciSeed], faults);
  const seconds = (performance.now() - t0) / 1000;
  const v = values[0];
  const { mean, tolerance, lowerTolerance } = m.fd;
  const metrics: MetricCheck[] = [{ metric: metricColumns(b.settings.metric).fd, value: v.fd, baseline: mean, tolerance, lowerTolerance, ok: v.fd <= tolerance && v.fd >= lowerTolerance }];
  const note = v.note ?? (v.nonFinite > 0 ? `${v.nonFinite} non-finite sample values (scored as 0)` : undefined);
  return { kind: metrics.every((c) => c.ok) ? 'pass' : 'regressed', id: m.id, metrics, seconds, ...(note ? { note } : {}) };
}
