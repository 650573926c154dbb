import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NcsnppConfig } from '@pfgm/networks';
import { locateReleased, openReleased, releasedModel, RELEASED_DIR, RELEASED_MODELS, type ReleasedModel } from '@pfgm/runs';
import type { Experiment, PresetName, ReportContext, Row } from '../harness/experiment.js';
import type { MethodSpec } from '../harness/method-spec.js';
import { CIFAR_BASE } from './cifar-base.js';
import { metricPlot, plumbingLabel } from './image-experiment.js';
import { metricColumns } from './image-metric.js';
import { runImageCell, type ImageCell, type ImageSweepConfig } from './image-sweep.js';

// The papers' rows from their released checkpoints (issue 15): PFGM Table 1 (PFGM, VP-ODE with RK45) and PFGM++
// Table 2 (D = 128, 2048, ∞ with Heun at NFE 35) on CIFAR-10, measured here next to the published FID / IS / NFE.
// Files live in checkpoints/released/<id>/ (see @pfgm/runs RELEASED_MODELS for where to download each one).

export interface ReleasedTableConfig extends ImageSweepConfig {
  /** Released model ids (rows), from RELEASED_MODELS. */
  models: string[];
  /**
   * Folder of the released checkpoints (`<dir>/<id>/<file>`), relative to the working folder; or 'fixtures': the tiny
   * networks made by the official code (libs/networks fixtures) standing in for them, a plumbing check.
   */
  checkpoints: string;
}

/** One row: a released model sampled with its paper's solver. */
export interface ReleasedCell extends ImageCell {
  released: string;
}

/** The official-code fixtures that stand in for released models in the ci preset (8×8 networks, random weights). */
const FIXTURES: Record<string, { file: string; config?: string }> = {
  'vp-cifar10-ddpmpp-continuous': { file: 'score-sde-ddpmpp/checkpoint_1.pth', config: 'score-sde-ddpmpp/expected.json' },
  'pfgm-cifar10-ddpmpp': { file: 'poisson-flow-ddpmpp/checkpoint_1.pth', config: 'poisson-flow-ddpmpp/expected.json' },
  'pfgmpp-cifar10-ncsnpp-d128': { file: 'pfgmpp-ncsnpp/training-state-000001.pt' },
  'edm-cifar10-cond-vp': { file: 'edm-ddpmpp-cond/network-snapshot-000001.pkl' },
};
const fixturePath = (p: string): string => fileURLToPath(new URL(`../../../libs/networks/src/lib/fixtures/released/${p}`, import.meta.url));

function methodOf(m: ReleasedModel): MethodSpec {
  return m.method === 'pfgmpp' ? { name: 'pfgmpp', D: m.D as number } : { name: m.method };
}

function cells(cfg: ReleasedTableConfig): ReleasedCell[] {
  return cfg.models.map((id) => {
    const m = releasedModel(id);
    const solver = m.solver.solver === 'rk45' ? { solver: 'rk45' as const } : { solver: 'heun' as const, nfe: m.solver.nfe };
    return { id, released: id, method: methodOf(m), net: 'ddpmpp', solver };
  });
}

/** Opens the cell's checkpoint: the released file (checked against released.json), or its fixture stand-in. */
async function openCell(cell: ReleasedCell, cfg: ReleasedTableConfig) {
  if (cfg.checkpoints === 'fixtures') {
    const f = FIXTURES[cell.released];
    if (f === undefined) throw new Error(`no fixture stands in for ${cell.released}; fixtures exist for ${Object.keys(FIXTURES).join(', ')}`);
    const ncsnpp = f.config === undefined ? undefined : (JSON.parse(readFileSync(fixturePath(f.config), 'utf8')) as { config: NcsnppConfig }).config;
    const run = await openReleased(fixturePath(f.file), { ncsnpp, ema: cfg.sampleWeights !== 'raw' });
    return { run, model: `fixture:${f.file}` };
  }
  const path = locateReleased(releasedModel(cell.released), cfg.checkpoints);
  return { run: await openReleased(path, { ema: cfg.sampleWeights !== 'raw' }), model: path };
}

async function runCell(cell: ReleasedCell, ctx: Parameters<Experiment<ReleasedTableConfig, ReleasedCell>['runCell']>[1]): Promise<Row[]> {
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
async function report(ctx: ReportContext<ReleasedTableConfig>): Promise<string[]> {
  const fd = metricColumns(ctx.cfg.metric).fd;
  return metricPlot(ctx, 'measured-vs-published', `published FID (measured: ${fd})`, (r) => Number(r.fid_published), (r) => String(r.method), { title: 'released checkpoints: measured vs published' });
}

const CIFAR_MODELS = RELEASED_MODELS.filter((m) => m.dataset === 'cifar10').map((m) => m.id);
const label = (p: PresetName, cfg: ReleasedTableConfig): string | undefined =>
  cfg.checkpoints === 'fixtures'
    ? 'PLUMBING CHECK on the official-code fixture networks (8×8, random weights) standing in for the released checkpoints, generated CIFAR-format data and synthetic Inception weights: the numbers are not FID and mean nothing'
    : plumbingLabel(p, cfg);

/** released-table: the papers' CIFAR-10 rows from their released checkpoints, with the published numbers beside. */
export const releasedTable: Experiment<ReleasedTableConfig, ReleasedCell> = {
  name: 'released-table',
  description: "PFGM Table 1 / PFGM++ Table 2 rows from the papers' released CIFAR-10 checkpoints (RK45 / Heun NFE 35), measured FID/IS/NFE beside the published ones",
  defaultPreset: 'ci',
  presets: {
    paper: { ...CIFAR_BASE.paper, models: CIFAR_MODELS, checkpoints: RELEASED_DIR, bpd: undefined },
    cpu: { ...CIFAR_BASE.cpu, models: CIFAR_MODELS, checkpoints: RELEASED_DIR, samples: 500, bpd: undefined },
    ci: { ...CIFAR_BASE.ci, data: { kind: 'standin-cifar10', limit: 64, size: 8 }, models: Object.keys(FIXTURES), checkpoints: 'fixtures', rk45MaxSteps: 100, bpd: undefined },
  },
  label: (p, cfg) => label(p, cfg),
  cells,
  runCell,
  report,
};
