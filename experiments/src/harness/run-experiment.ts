import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { acquireLock, CONFIG_FILE, createRunDir, runDirPath, finishRun, gitState, isRunFinished, METRICS_FILE, markdownTable, readJson, toJson, writeCsv, writeFileAtomic, writeJson, writeProvenance } from '@pfgm/report';
import { checkPlan, type AnyExperiment, type AnyPresetName, type CellContext, type Row } from './experiment.js';
import { formatSeconds } from './format.js';
import { CELLS_DIR, METRICS_TABLE_MD, MODELS_DIR, type CellRecord } from './run-layout.js';
import { recomputeIds, supersede, unsupersede, type Superseded } from './supersede.js';

/** Options of {@link runExperiment} (the runner's flags). */
export interface RunExperimentOptions {
  /** Preset name; default the experiment's `defaultPreset`. */
  preset?: AnyPresetName;
  /** Results root. Default `results`. */
  out?: string;
  /** Run id (folder name); an unfinished run of that id is continued, finished cells skipped. Default: a new timestamped id. */
  runId?: string;
  /** Replace a finished run of the same id. Default false. */
  overwrite?: boolean;
  /** Preset overrides merged over the preset (shallow), e.g. a smaller sweep in tests. */
  override?: Record<string, unknown>;
  /**
   * Run only these cells (ids of the plan) and stop: the run stays unfinished until every cell has its record, and a
   * later call without `only` writes the report. One cell per call is the unit that Nx caches (target `cell`).
   */
  only?: readonly string[];
  /**
   * Cell ids (or patterns with `*`) of the existing run `runId` to compute again, e.g. after a method fix: their
   * records and artifacts, and a finished run's metrics.csv / metrics.md / DONE, move to `superseded/<time>/` (nothing
   * is deleted), then the run resumes and computes them. Not with `overwrite`.
   */
  recompute?: readonly string[];
  /** tfjs backend and threads, for provenance. */
  backend?: { name: string; threads: number | null };
  /** Messages (progress, ETA, where the outputs are). Default: stderr. */
  log?: (msg: string) => void;
}

/** Outcome of a run. */
export interface RunExperimentResult {
  dir: string;
  runId: string;
  rows: Row[];
  /** Cells computed now / skipped because `cells/<id>.json` existed. */
  ran: number;
  skipped: number;
  /** Files written by the report step and metrics.csv, relative to `dir` (none while cells are missing). */
  files: string[];
  /** Cells of the plan without a record after this call (only with `only`). */
  missing: string[];
  wallSeconds: number;
}

export { CELLS_DIR, METRICS_TABLE_MD, MODELS_DIR, type CellRecord } from './run-layout.js';

/** The resolved config of a run: what config.json holds (a resumed run must match it). */
export function resolvedConfig(exp: AnyExperiment, preset: AnyPresetName, override: Record<string, unknown> = {}): { experiment: string; preset: AnyPresetName; label: string | null; cfg: unknown } {
  const base = exp.presets[preset];
  if (base === undefined) throw new Error(`${exp.name}: unknown preset "${preset}"; expected ${Object.keys(exp.presets).join(', ')}`);
  const cfg = { ...base, ...override };
  return { experiment: exp.name, preset, label: exp.label?.(preset, cfg) ?? null, cfg };
}

/**
 * Runs an experiment's sweep into `<out>/<name>/<run-id>/`: config.json + provenance.json first, then each cell
 * (skipped when `cells/<id>.json` exists), then plots, metrics.csv (+ metrics.md) and the DONE marker.
 */
export async function runExperiment(exp: AnyExperiment, opts: RunExperimentOptions = {}): Promise<RunExperimentResult> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const preset = opts.preset ?? exp.defaultPreset;
  const resolved = resolvedConfig(exp, preset, opts.override);
  const cfg = resolved.cfg;
  const cells = checkPlan(exp.name, exp.cells(cfg));
  const unknown = (opts.only ?? []).filter((id) => !cells.some((c) => c.id === id));
  if (unknown.length > 0) throw new Error(`${exp.name}: no cell ${unknown.map((u) => `"${u}"`).join(', ')} in the ${preset} plan; its cells are ${cells.map((c) => c.id).join(', ')}`);
  const recompute = opts.recompute === undefined || opts.recompute.length === 0 ? [] : recomputeIds(exp.name, opts, cells.map((c) => c.id));
  exp.preflight?.(cfg);
  // One writer per run folder: a given run id is locked before it is cleared or continued, a new one once created.
  const root = opts.out ?? 'results';
  const early = opts.runId === undefined ? undefined : await acquireLock(runDirPath(root, exp.name, opts.runId), `experiment ${exp.name}`);
  let run: ReturnType<typeof createRunDir>;
  let superseded: Superseded | undefined;
  try {
    if (recompute.length > 0) superseded = supersede(runDirPath(root, exp.name, opts.runId ?? ''), recompute, log);
    run = createRunDir(root, exp.name, { runId: opts.runId, overwrite: opts.overwrite });
  } catch (e) {
    early?.release();
    throw e;
  }
  const lock = early ?? (await acquireLock(run.dir, `experiment ${exp.name}`));
  try {
    return await runLocked(exp, opts, run, resolved, cells, log, superseded);
  } catch (e) {
    // A recompute that stopped before it wrote any new record (e.g. refused to train another model) leaves the run as it was.
    const s = superseded;
    if (s !== undefined && !s.ids.some((id) => existsSync(join(s.dir, CELLS_DIR, `${id}.json`)))) {
      unsupersede(s);
      throw new Error(`${(e as Error).message} (the run was left as it was: its old records are back)`);
    }
    throw e;
  } finally {
    lock.release();
  }
}

async function runLocked(
  exp: AnyExperiment, opts: RunExperimentOptions, run: ReturnType<typeof createRunDir>, resolved: ReturnType<typeof resolvedConfig>,
  cells: ReturnType<typeof checkPlan>, log: (m: string) => void, superseded: Superseded | undefined,
): Promise<RunExperimentResult> {
  const { preset, cfg } = resolved;
  const { dir } = run;
  const t0 = Date.now();
  if (run.resumed && existsSync(join(dir, CONFIG_FILE))) checkSameConfig(join(dir, CONFIG_FILE), resolved, opts.runId ?? '');
  writeProvenance(dir, {
    config: resolved,
    seed: (cfg as { seed?: number }).seed ?? 0,
    backend: opts.backend?.name,
    threads: opts.backend?.threads ?? null,
    extra: { cells: cells.length, resumed: run.resumed },
  });
  const cellsDir = join(dir, CELLS_DIR);
  mkdirSync(cellsDir, { recursive: true });
  log(`${exp.name} (${preset}${resolved.label ? `, ${resolved.label}` : ''}): ${cells.length} cells → ${dir}${run.resumed ? ' (resumed)' : ''}`);

  const rows: Row[] = [];
  let ran = 0;
  let skipped = 0;
  let spent = 0;
  const missing: string[] = [];
  for (const [k, cell] of cells.entries()) {
    const file = join(cellsDir, `${cell.id}.json`);
    if (opts.only && !opts.only.includes(cell.id)) {
      if (existsSync(file)) rows.push(...readJson<CellRecord>(file).rows);
      else missing.push(cell.id);
      continue;
    }
    if (existsSync(file)) {
      const rec = readJson<CellRecord>(file);
      rows.push(...rec.rows);
      skipped++;
      log(`[${k + 1}/${cells.length}] ${cell.id}: done earlier, skipped`);
      continue;
    }
    const ctx = cellContext(dir, cfg, preset, cell.id, log, superseded?.records.get(cell.id));
    const c0 = Date.now();
    const cellRows = await exp.runCell(cell, ctx);
    const wall = (Date.now() - c0) / 1000;
    const git = gitState();
    const rec: CellRecord = { id: cell.id, cell, rows: cellRows, wallSeconds: wall, finishedAt: new Date().toISOString(), computedBy: { commit: git.commit, dirty: git.dirty, backend: tf.getBackend() } };
    writeJson(file, rec);
    rows.push(...cellRows);
    ran++;
    spent += wall;
    const left = (opts.only ? cells.filter((c) => opts.only?.includes(c.id)).length : cells.length) - ran - skipped;
    log(`[${k + 1}/${cells.length}] ${cell.id}: ${formatSeconds(wall)}; ${left > 0 ? `ETA ${formatSeconds((spent / ran) * left)}` : 'all cells done'}`);
  }

  if (missing.length > 0) {
    const wallSeconds = (Date.now() - t0) / 1000;
    log(`${exp.name}: ${ran} cell(s) run, ${skipped} skipped; ${missing.length} cell(s) still missing, run without --cell to finish (${join(dir)})`);
    return { dir, runId: run.runId, rows, ran, skipped, files: [], missing, wallSeconds };
  }
  const files = exp.report ? await exp.report({ dir, cfg, preset, rows, log }) : [];
  writeCsv(join(dir, METRICS_FILE), rows);
  writeMarkdown(join(dir, METRICS_TABLE_MD), exp.name, resolved.label, rows);
  finishRun(dir);
  const all = [METRICS_FILE, METRICS_TABLE_MD, ...files];
  const wallSeconds = (Date.now() - t0) / 1000;
  log(`${exp.name}: ${ran} cells run, ${skipped} skipped, ${formatSeconds(wallSeconds)}. Table: ${join(dir, METRICS_FILE)} (${join(dir, METRICS_TABLE_MD)})${files.length ? `; plots: ${files.map((f) => join(dir, f)).join(', ')}` : ''}`);
  return { dir, runId: run.runId, rows, ran, skipped, files: all, missing, wallSeconds };
}

function cellContext<Cfg>(dir: string, cfg: Cfg, preset: AnyPresetName, id: string, log: (m: string) => void, old?: CellRecord): CellContext<Cfg> {
  const models = old?.rows.map((r) => r.model).filter((m): m is string => typeof m === 'string');
  return {
    dir,
    cfg,
    preset,
    ...(old === undefined ? {} : { recomputeOf: { models: [...new Set(models)] } }),
    artifactDir: () => ensureDir(join(dir, CELLS_DIR, id)),
    sharedDir: (name) => ensureDir(join(dir, 'shared', name)),
    modelsDir: () => ensureDir(join(dir, '..', '..', MODELS_DIR)),
    log: (m) => log(`  ${id}: ${m}`),
  };
}

function ensureDir(d: string): string {
  mkdirSync(d, { recursive: true });
  return d;
}

function checkSameConfig(path: string, resolved: object, runId: string): void {
  if (toJson(readJson(path)) !== toJson(resolved)) {
    throw new Error(`run ${runId} was started with another config (${path}); resume it with the same preset and options, or pass --overwrite, or leave --run-id out for a new run`);
  }
}

/**
 * Re-renders the report (plots, metrics.csv, metrics.md) of a finished run from its cell records, e.g. after a fix
 * to the plotting code; computes nothing. `report-provenance.json` records the commit that rendered it.
 */
export async function rerenderReport(exp: AnyExperiment, dir: string, log: (m: string) => void = (m) => process.stderr.write(`${m}\n`)): Promise<string[]> {
  if (!isRunFinished(dir)) throw new Error(`${dir} is not a finished run (no DONE/metrics.csv); run the experiment with --run-id to finish it first`);
  const resolved = readJson<{ preset: AnyPresetName; label: string | null; cfg: unknown }>(join(dir, CONFIG_FILE));
  const rows = checkPlan(exp.name, exp.cells(resolved.cfg)).flatMap((c) => {
    const file = join(dir, CELLS_DIR, `${c.id}.json`);
    if (!existsSync(file)) throw new Error(`${dir}: cell record ${file} is missing; the run's plan and its records disagree`);
    return readJson<CellRecord>(file).rows;
  });
  const files = exp.report ? await exp.report({ dir, cfg: resolved.cfg, preset: resolved.preset, rows, log }) : [];
  writeCsv(join(dir, METRICS_FILE), rows);
  writeMarkdown(join(dir, METRICS_TABLE_MD), exp.name, resolved.label, rows);
  writeJson(join(dir, 'report-provenance.json'), { renderedAt: new Date().toISOString(), git: gitState(), note: 'plots and tables re-rendered from cells/*.json; nothing recomputed' });
  log(`${exp.name}: report re-rendered in ${dir}: ${[METRICS_FILE, METRICS_TABLE_MD, ...files].join(', ')}`);
  return [METRICS_FILE, METRICS_TABLE_MD, ...files];
}

function writeMarkdown(path: string, name: string, label: string | null, rows: readonly Row[]): void {
  const text = `# ${name}${label ? ` — ${label}` : ''}\n\n${rows.length ? markdownTable(rows) : '(no rows)'}\n`;
  writeFileAtomic(path, text);
}

/** Files under `dir` relative to it (for tests and logs). */
export function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name))]));
}
