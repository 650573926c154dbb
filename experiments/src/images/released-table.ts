import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NcsnppConfig } from '@pfgm/networks';
import { locateReleased, openReleased, releasedModel, RELEASED_DIR, RELEASED_MODELS, type ReleasedModel } from '@pfgm/runs';
import type { AnyPresetName, CellContext, Experiment, ReportContext, Row } from '../harness/experiment.js';
import type { MethodSpec } from '../harness/method-spec.js';
import { CIFAR_BASE } from './cifar-base.js';
import { metricPlot, plumbingLabel } from './image-experiment.js';
import { metricColumns } from './image-metric.js';
import { runImageCell, type ImageCell, type ImageSweepConfig } from './image-sweep.js';

// The papers' rows from their released checkpoints (issue 15): PFGM Table 1 (PFGM, VP-ODE with RK45) and PFGM++
// Table 2 (D = 128, 2048, ∞ with Heun at NFE 35) on CIFAR-10, measured here next to the published FID / IS / NFE.
// One implementation, three entry points: the `released` preset of cifar10-table (Table 1) and of d-sweep (the D
// table), added by withReleasedPreset, and the standalone released-table experiment, which keeps its ci preset on
// the official-code fixtures in npm test. Files live in checkpoints/released/<id>/ (@pfgm/runs RELEASED_MODELS says
// where to download each one).

export interface ReleasedTableConfig extends ImageSweepConfig {
  /** Released model ids (rows), from RELEASED_MODELS. */
  models: string[];
  /**
   * Folder of the released checkpoints (`<dir>/<id>/<file>`), relative to the repository root; or 'fixtures': the tiny
   * networks made by the official code (libs/networks fixtures) standing in for them, a plumbing check.
   */
  checkpoints: string;
}

/** One row: a released model sampled with its paper's solver. */
export interface ReleasedCell extends ImageCell {
  released: string;
}

/** The repository root: relative `checkpoints` folders are taken from here (Nx runs the targets in experiments/). */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The official-code fixtures that stand in for released models in the ci presets (8×8 networks, random weights). */
const FIXTURES: Record<string, { file: string; config?: string }> = {
  'vp-cifar10-ddpmpp-continuous': { file: 'score-sde-ddpmpp/checkpoint_1.pth', config: 'score-sde-ddpmpp/expected.json' },
  'pfgm-cifar10-ddpmpp': { file: 'poisson-flow-ddpmpp/checkpoint_1.pth', config: 'poisson-flow-ddpmpp/expected.json' },
  'pfgmpp-cifar10-ncsnpp-d128': { file: 'pfgmpp-ncsnpp/training-state-000001.pt' },
  'edm-cifar10-cond-vp': { file: 'edm-ddpmpp-cond/network-snapshot-000001.pkl' },
};
/** Ids of the released models a fixture stands in for. */
export const FIXTURE_MODELS: readonly string[] = Object.keys(FIXTURES);
const fixturePath = (p: string): string => fileURLToPath(new URL(`../../../libs/networks/src/lib/fixtures/released/${p}`, import.meta.url));

/** The checkpoints folder of a config as an absolute path (relative: from the repository root). */
export function checkpointsRoot(cfg: Pick<ReleasedTableConfig, 'checkpoints'>): string {
  return isAbsolute(cfg.checkpoints) ? cfg.checkpoints : resolve(REPO_ROOT, cfg.checkpoints);
}

function methodOf(m: ReleasedModel): MethodSpec {
  return m.method === 'pfgmpp' ? { name: 'pfgmpp', D: m.D as number } : { name: m.method };
}

/** One cell per released model, sampled with its paper's solver. */
export function releasedCells(cfg: ReleasedTableConfig): ReleasedCell[] {
  return cfg.models.map((id) => {
    const m = releasedModel(id);
    const solver = m.solver.solver === 'rk45' ? { solver: 'rk45' as const } : { solver: 'heun' as const, nfe: m.solver.nfe };
    return { id, released: id, method: methodOf(m), net: 'ddpmpp', solver };
  });
}

/**
 * Every released file of the plan is on disk (and matches released.json where recorded) before a run folder is made;
 * else one line listing, for each missing model, the folder to put it in and where to download it.
 */
export function releasedPreflight(cfg: ReleasedTableConfig): void {
  if (cfg.checkpoints === 'fixtures') {
    const none = cfg.models.filter((id) => FIXTURES[id] === undefined);
    if (none.length > 0) throw new Error(`no fixture stands in for ${none.join(', ')}; fixtures exist for ${FIXTURE_MODELS.join(', ')}`);
    return;
  }
  const root = checkpointsRoot(cfg);
  const problems: string[] = [];
  for (const id of cfg.models) {
    try {
      locateReleased(releasedModel(id), root);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length > 0) {
    throw new Error(`${problems.length} of ${cfg.models.length} released checkpoints are missing or do not match released.json (folder ${root}, one sub-folder per model id; --override '{"checkpoints":"<dir>"}' for another): ${problems.join('; ')}`);
  }
}

/** Opens the cell's checkpoint: the released file (checked against released.json), or its fixture stand-in. */
async function openCell(cell: ReleasedCell, cfg: ReleasedTableConfig) {
  const m = releasedModel(cell.released);
  // What the README's command line says and the file may not record (pfgmpp generate.py --pfgmpp --aug_dim): checked against the file where it does.
  // The fixtures are 8×8 networks: no dataset there.
  const flags = { method: m.method, ...(m.D !== undefined ? { D: m.D } : {}), ...(cfg.checkpoints === 'fixtures' ? {} : { dataset: m.dataset }) };
  if (cfg.checkpoints === 'fixtures') {
    const f = FIXTURES[cell.released];
    if (f === undefined) throw new Error(`no fixture stands in for ${cell.released}; fixtures exist for ${FIXTURE_MODELS.join(', ')}`);
    const ncsnpp = f.config === undefined ? undefined : (JSON.parse(readFileSync(fixturePath(f.config), 'utf8')) as { config: NcsnppConfig }).config;
    const run = await openReleased(fixturePath(f.file), { ncsnpp, ema: cfg.sampleWeights !== 'raw', ...flags });
    return { run, model: `fixture:${f.file}` };
  }
  const path = locateReleased(m, checkpointsRoot(cfg));
  return { run: await openReleased(path, { ema: cfg.sampleWeights !== 'raw', ...flags }), model: path };
}

/** Samples and scores one released model; the row carries the published numbers beside the measured ones. */
export async function runReleasedCell(cell: ReleasedCell, ctx: CellContext<ReleasedTableConfig>): Promise<Row[]> {
  const m = releasedModel(cell.released);
  let architecture = '';
  const row = await runImageCell(cell, ctx, {
    openModel: async () => {
      const o = await openCell(cell, ctx.cfg);
      architecture = o.run.released.architecture;
      return o;
    },
  });
  return [{ ...row, released: cell.released, net: architecture, fid_published: m.published.fid, is_published: m.published.is ?? null, nfe_published: m.published.nfe ?? null, published_source: m.published.source }];
}

/** Measured against published FID, one series per method (points on the diagonal reproduce the papers). */
export async function releasedReport(ctx: ReportContext<ReleasedTableConfig>): Promise<string[]> {
  const fd = metricColumns(ctx.cfg.metric).fd;
  return metricPlot(ctx, 'measured-vs-published', `published FID (measured: ${fd})`, (r) => Number(r.fid_published), (r) => String(r.method), { title: 'released checkpoints: measured vs published' });
}

/** The label of a released-checkpoint run: PLUMBING CHECK on fixtures or stand-ins, else none at the papers' scale. */
export function releasedLabel(p: AnyPresetName, cfg: ReleasedTableConfig): string | undefined {
  return cfg.checkpoints === 'fixtures'
    ? 'PLUMBING CHECK on the official-code fixture networks (8×8, random weights) standing in for the released checkpoints, generated CIFAR-format data and synthetic Inception weights: the numbers are not FID and mean nothing'
    : plumbingLabel(p === 'released' ? 'paper' : p, cfg);
}

/** Whether a resolved config is a released-checkpoint one (its `models` and `checkpoints` fields). */
export function isReleasedConfig(cfg: object): cfg is ReleasedTableConfig {
  return 'models' in cfg && 'checkpoints' in cfg;
}

/** The papers' scale on CIFAR-10 with released models as rows (FID of 50k samples against the training set). */
export function releasedPaperPreset(models: string[]): ReleasedTableConfig {
  return { ...CIFAR_BASE.paper, models, checkpoints: RELEASED_DIR, bpd: undefined };
}

/** The CPU plumbing form of a released preset: fixtures for the models that have one, the ci data and metric. */
export function releasedFixturePreset(models: readonly string[]): ReleasedTableConfig {
  return { ...CIFAR_BASE.ci, data: { kind: 'standin-cifar10', limit: 64, size: 8 }, models: models.filter((id) => FIXTURES[id] !== undefined), checkpoints: 'fixtures', rk45MaxSteps: 100, bpd: undefined };
}

/**
 * Adds the `released` preset to a table whose other presets train their rows: a config with released models runs
 * this file's cells, preflight, label and report (`report`: the released report by default); any other runs `exp`.
 */
export function withReleasedPreset<Cfg extends object, C extends ImageCell>(
  exp: Experiment<Cfg, C>,
  released: ReleasedTableConfig,
  report: (ctx: ReportContext<ReleasedTableConfig>) => Promise<string[]> = releasedReport,
): Experiment<Cfg | ReleasedTableConfig, C | ReleasedCell> {
  return {
    ...exp,
    description: `${exp.description}; --preset released: the papers' released checkpoints instead (${released.models.length} rows, published numbers beside)`,
    presets: { ...exp.presets, released },
    label: (p, cfg) => (isReleasedConfig(cfg) ? releasedLabel(p, cfg) : exp.label?.(p, cfg)),
    cells: (cfg) => (isReleasedConfig(cfg) ? releasedCells(cfg) : exp.cells(cfg)),
    preflight: (cfg) => (isReleasedConfig(cfg) ? releasedPreflight(cfg) : exp.preflight?.(cfg)),
    runCell: (cell, ctx) => (isReleasedConfig(ctx.cfg) ? runReleasedCell(cell as ReleasedCell, ctx as CellContext<ReleasedTableConfig>) : exp.runCell(cell as C, ctx as CellContext<Cfg>)),
    report: async (ctx) => (isReleasedConfig(ctx.cfg) ? report(ctx as ReportContext<ReleasedTableConfig>) : (exp.report?.(ctx as ReportContext<Cfg>) ?? [])),
  };
}

const CIFAR_MODELS = RELEASED_MODELS.filter((m) => m.dataset === 'cifar10').map((m) => m.id);

/**
 * released-table: every released CIFAR-10 model in one table. The same rows as cifar10-table's and d-sweep's
 * `released` presets together (kept as its own target for its ci preset, the fixture plumbing run in npm test).
 */
export const releasedTable: Experiment<ReleasedTableConfig, ReleasedCell> = {
  name: 'released-table',
  description: "PFGM Table 1 / PFGM++ Table 2 rows from the papers' released CIFAR-10 checkpoints (RK45 / Heun NFE 35), measured FID/IS/NFE beside the published ones",
  defaultPreset: 'ci',
  presets: {
    paper: releasedPaperPreset(CIFAR_MODELS),
    cpu: { ...CIFAR_BASE.cpu, models: CIFAR_MODELS, checkpoints: RELEASED_DIR, samples: 500, bpd: undefined },
    ci: releasedFixturePreset(CIFAR_MODELS),
  },
  label: releasedLabel,
  cells: releasedCells,
  preflight: releasedPreflight,
  runCell: runReleasedCell,
  report: releasedReport,
};
