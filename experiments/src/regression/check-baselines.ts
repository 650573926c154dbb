import { basename, join } from 'node:path';
import { REPO_ROOT, type BaselinesFile, type ModelBaseline } from './baselines-file.js';
import { evaluateCheckpoint, type Faults } from './evaluate-checkpoint.js';
import { checkRunFiles, type BaselinesSource, type RunFilesProblem } from './run-files-check.js';

/** One metric of one model at the CI seed against its baseline. */
export interface MetricCheck {
  /** `sw2` and `far` (toy baselines), or the image metric's column (`fd_fmnist`, `fid`, …). */
  metric: string;
  value: number;
  /** Baseline mean (sw2, image metrics) or mean count per seed (far). */
  baseline: number;
  tolerance: number;
  /** Image metrics only: a value below it is a change too (mean − k·std; the image check is two-sided). */
  lowerTolerance?: number;
  ok: boolean;
}

/** What the check found for one listed model. */
export type Finding =
  | { kind: 'pass' | 'regressed'; id: string; metrics: MetricCheck[]; seconds: number; note?: string }
  | RunFilesProblem
  | { kind: 'skipped'; id: string; reason: string };

/** The toy baselines, as named in the findings. */
const TOY_SOURCE: BaselinesSource = { file: 'results/baselines.json', regenerate: 'npm run baselines -w experiments' };

/** Options of {@link checkBaselines}. */
export interface CheckOptions {
  /** Folder the baselines' relative `dir`s are resolved against. Default: the repository root. */
  root?: string;
  /** Only these model ids (default: every listed one). */
  only?: readonly string[];
  /** Deliberate faults (specs only). */
  faults?: Faults;
}

/**
 * Re-evaluates every checked model of `baselines` at its CI seed: a missing or changed (sha256) checkpoint or config is
 * reported as such; otherwise SW2 and the far-sample count are compared with their tolerances (above, or not finite:
 * a regression).
 */
export async function checkBaselines(baselines: BaselinesFile, opts: CheckOptions = {}): Promise<Finding[]> {
  const root = opts.root ?? REPO_ROOT;
  if (opts.only) {
    const unknown = opts.only.filter((id) => !baselines.models.some((m) => m.id === id));
    if (unknown.length > 0) throw new Error(`checkBaselines: unknown model id(s) ${unknown.join(', ')}; listed: ${baselines.models.map((m) => m.id).join(', ')}`);
  }
  const models = baselines.models.filter((m) => !opts.only || opts.only.includes(m.id));
  const findings: Finding[] = [];
  for (const m of models) findings.push(await checkModel(baselines, m, root, opts.faults ?? {}));
  return findings;
}

async function checkModel(b: BaselinesFile, m: ModelBaseline, root: string, faults: Faults): Promise<Finding> {
  if (!m.checked) return { kind: 'skipped', id: m.id, reason: m.reason ?? 'not checked' };
  const dir = join(root, m.dir);
  const problem = checkRunFiles(m.id, dir, m, TOY_SOURCE);
  if (problem) return problem;
  const t0 = performance.now();
  const { values } = await evaluateCheckpoint(dir, b.settings, [m.ciSeed], faults);
  const seconds = (performance.now() - t0) / 1000;
  const v = values[0];
  const metrics: MetricCheck[] = [
    { metric: 'sw2', value: v.sw2, baseline: m.sw2.mean, tolerance: m.sw2.tolerance, ok: v.sw2 <= m.sw2.tolerance },
    { metric: 'far', value: v.far, baseline: m.far.total / m.K, tolerance: m.far.tolerance, ok: v.far <= m.far.tolerance },
  ];
  return { kind: metrics.every((c) => c.ok) ? 'pass' : 'regressed', id: m.id, metrics, seconds, ...(v.note ? { note: v.note } : {}) };
}

function formatMetric(c: MetricCheck): string {
  const value = c.metric === 'far' || !Number.isFinite(c.value) ? String(c.value) : c.value.toFixed(4);
  const digits = c.metric === 'far' ? 0 : 4;
  const baseline = `baseline ${c.metric === 'far' ? 'mean count' : 'mean'} ${c.baseline.toFixed(c.metric === 'far' ? 2 : 4)}`;
  if (c.lowerTolerance === undefined) return `${c.metric} ${value} ${c.ok ? '≤' : '>'} tolerance ${c.tolerance.toFixed(digits)} (${baseline})`;
  const lower = `lower tolerance ${c.lowerTolerance.toFixed(digits)}`;
  if (c.value < c.lowerTolerance) return `${c.metric} ${value} < ${lower} (${baseline}, tolerance ${c.tolerance.toFixed(digits)})`;
  return `${c.metric} ${value} ${c.ok ? '≤' : '>'} tolerance ${c.tolerance.toFixed(digits)} (${baseline}, ${lower})`;
}

/** One line per finding: model, metric, value, baseline and tolerance, or what is wrong with the file. */
export function formatFinding(f: Finding): string {
  switch (f.kind) {
    case 'pass':
      return `ok ${f.id}: ${f.metrics.map(formatMetric).join('; ')} (${f.seconds.toFixed(1)} s)`;
    case 'regressed':
      return `REGRESSION ${f.id}: ${f.metrics.filter((c) => !c.ok).map(formatMetric).join('; ')}${f.note ? `; ${f.note}` : ''}`;
    case 'missing':
      return `MISSING ${f.id}: ${f.path} does not exist (a checkpoint listed in ${f.source.file}; restore it or regenerate the baselines: ${f.source.regenerate})`;
    case 'changed':
      return `CHANGED ${f.id}: ${f.file} has sha256 ${f.actual.slice(0, 16)}…, ${basename(f.source.file)} records ${f.expected.slice(0, 16)}…; a retrained or edited checkpoint needs new baselines (${f.source.regenerate})`;
    case 'skipped':
      return `skipped ${f.id}: ${f.reason}`;
  }
}

/** True when no finding is a regression, a missing or a changed file. */
export function allPassed(findings: readonly Finding[]): boolean {
  return findings.every((f) => f.kind === 'pass' || f.kind === 'skipped');
}
