import type { CsvRow } from '@pfgm/report';

/** The three scales of every experiment (issue 8): a GPU at the papers' scale, the largest run that finishes here in about an hour, a minutes-long smoke run. */
export type PresetName = 'paper' | 'cpu' | 'ci';
export const PRESET_NAMES: readonly PresetName[] = ['paper', 'cpu', 'ci'];
/**
 * Presets only some experiments have: `released` evaluates the papers' released checkpoints instead of training
 * (issue 15); `claims` tests a paper's claim on Fashion-MNIST at CPU scale over several training and sampling seeds,
 * with intervals and a verdict (issue 14).
 */
export type OptionalPresetName = 'released' | 'claims';
export const OPTIONAL_PRESET_NAMES: readonly OptionalPresetName[] = ['released', 'claims'];
/** Any name `--preset` takes. */
export type AnyPresetName = PresetName | OptionalPresetName;

/** One cacheable unit of a sweep: `id` names its `cells/<id>.json` (kebab-case, unique within a run). */
export interface Cell {
  id: string;
}

/** One result row of metrics.csv (column → value). */
export type Row = CsvRow;

/** What a cell sees while it runs. */
export interface CellContext<Cfg> {
  /** The run folder `results/<experiment>/<run-id>/`. */
  dir: string;
  /** The resolved preset config. */
  cfg: Cfg;
  preset: AnyPresetName;
  /** Folder for this cell's artifacts (plots, sample grids): `<dir>/cells/<id>/`, created on demand. */
  artifactDir(): string;
  /** Folder shared by cells (trained models, generated stand-in data): `<dir>/shared/<name>/`. */
  sharedDir(name: string): string;
  /** Trained models shared by every experiment under the same results root (`<out>/models/`), keyed by their training config. */
  modelsDir(): string;
  /**
   * Set when the cell is recomputed (`--recompute`): the `model` values of its superseded record's rows. A cell that
   * trains must then reuse exactly that finished model, never train another (see `recomputeModelCheck`).
   */
  recomputeOf?: { models: readonly string[] };
  log(msg: string): void;
}

/** What the final report step sees: every cell's rows, in cell order. */
export interface ReportContext<Cfg> {
  dir: string;
  cfg: Cfg;
  preset: AnyPresetName;
  rows: readonly Row[];
  log(msg: string): void;
}

/** A paper table or figure as a sweep over cells (aesthetics: one concept per file; discriminated by name). */
export interface Experiment<Cfg, C extends Cell = Cell> {
  /** kebab-case name: the results folder and the Nx target. */
  name: string;
  /** One line: what it reproduces. */
  description: string;
  presets: Readonly<Record<PresetName, Cfg>> & Readonly<Partial<Record<OptionalPresetName, Cfg>>>;
  /** Preset used when --preset is not given. */
  defaultPreset: PresetName;
  /** A note written into config.json, metrics and plots' titles for a preset (e.g. "plumbing check on synthetic stand-ins"). */
  label?(preset: AnyPresetName, cfg: Cfg): string | undefined;
  /** The sweep: one cell per cacheable unit, in run order. */
  cells(cfg: Cfg): C[];
  /** Checks the run's inputs (e.g. released checkpoints on disk) before its folder is created; throws one line. */
  preflight?(cfg: Cfg): void;
  /** Runs one cell and returns its rows (written to `cells/<id>.json`; a re-run skips it). */
  runCell(cell: C, ctx: CellContext<Cfg>): Promise<Row[]>;
  /** Writes plots and tables from all rows; returns the files written (relative to the run folder). */
  report?(ctx: ReportContext<Cfg>): Promise<string[]>;
}

/** Any experiment (the registry's element type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExperiment = Experiment<any, any>;

const CELL_ID = /^[a-z0-9][a-z0-9._-]*$/;

/** Checks a plan: ≥ 1 cell, ids kebab-case and unique. Returns the cells. */
export function checkPlan<C extends Cell>(name: string, cells: readonly C[]): readonly C[] {
  if (cells.length === 0) throw new Error(`${name}: the preset plans no cells; check its config`);
  const seen = new Set<string>();
  for (const c of cells) {
    if (!CELL_ID.test(c.id)) throw new Error(`${name}: cell id "${c.id}" must be lower-case letters, digits, '.', '_' or '-' (it names a file)`);
    if (seen.has(c.id)) throw new Error(`${name}: two cells share the id "${c.id}"; ids must be unique`);
    seen.add(c.id);
  }
  return cells;
}
