import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { linePlot, type LineSeries } from '@pfgm/report';
import { binnedMeans, RUN_FILES } from '@pfgm/runs';
import type { Row } from '../harness/experiment.js';
import { savePlotPair } from '../shared/save-plot-pair.js';
import { seedRows } from './claim.js';

/** How flat a model's loss curve ends: mean loss over the last tenth of the steps vs the tenth before it. */
export interface LossTail {
  model: string;
  label: string;
  steps: number;
  /** Mean loss over the last 10 % of the steps. */
  last: number;
  /** (last − previous tenth) / previous tenth: near 0 = flattened. */
  change: number;
}

const mean = (v: readonly number[]): number => v.reduce((a, x) => a + x, 0) / v.length;

/** The trained models behind a claims run's rows (column `model`), labelled "<method> <net> s<seed>". */
function modelsOf(rows: readonly Row[]): { model: string; label: string }[] {
  const seen = new Map<string, string>();
  for (const r of seedRows(rows)) if (typeof r.model === 'string' && !seen.has(r.model)) seen.set(r.model, `${r.method} ${r.net} s${r.seed}`);
  return [...seen].map(([model, label]) => ({ model, label }));
}

/** The loss curve (train-log.csv) of a model-store entry: step and loss columns. */
function readLog(modelsDir: string, model: string): { step: number[]; loss: number[] } | null {
  const path = join(modelsDir, model, RUN_FILES.log);
  if (!existsSync(path)) return null;
  const rows = readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number)).filter((r) => Number.isFinite(r[0]) && Number.isFinite(r[1]));
  return { step: rows.map((r) => r[0]), loss: rows.map((r) => r[1]) };
}

/**
 * Draws the training-loss curves of every model a claims run sampled from (binned means, log y) into
 * `loss-curves.svg/.png`, and measures how flat each one ends (issue 14: "train until the loss curve has flattened").
 */
export async function lossCurves(dir: string, modelsDir: string, rows: readonly Row[]): Promise<{ files: string[]; tails: LossTail[] }> {
  const series: LineSeries[] = [];
  const tails: LossTail[] = [];
  for (const { model, label } of modelsOf(rows)) {
    const log = readLog(modelsDir, model);
    if (log === null || log.step.length < 20) continue;
    const b = binnedMeans(log.step, log.loss, 60);
    series.push({ name: label, x: b.x, y: b.y });
    const n = log.loss.length;
    const tenth = Math.max(1, Math.floor(n / 10));
    const last = mean(log.loss.slice(n - tenth));
    const prev = mean(log.loss.slice(n - 2 * tenth, n - tenth));
    tails.push({ model, label, steps: log.step[n - 1], last, change: (last - prev) / prev });
  }
  if (series.length === 0) return { files: [], tails };
  const plot = await linePlot({ series, xLabel: 'step', yLabel: 'training loss (bin mean)', logY: true, title: 'training loss of the models compared' });
  const files = (await savePlotPair(join(dir, 'loss-curves'), plot)).map((f) => f.slice(dir.length + 1));
  return { files, tails };
}
