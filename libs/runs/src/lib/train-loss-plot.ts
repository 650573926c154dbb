import { readFileSync } from 'node:fs';
import { linePlot, savePlot } from '@pfgm/report';

/** Loss curve of a run folder's train-log.csv, drawn when training finishes. */
export const TRAIN_LOSS_PLOT = 'train-loss.svg';

/** Means of `y` over at most `bins` consecutive groups (a readable curve from 10⁶ steps), with their mean `x`. */
export function binnedMeans(x: readonly number[], y: readonly number[], bins: number): { x: number[]; y: number[] } {
  const per = Math.max(1, Math.ceil(x.length / bins));
  const out = { x: [] as number[], y: [] as number[] };
  for (let i = 0; i < x.length; i += per) {
    const n = Math.min(per, x.length - i);
    let sx = 0;
    let sy = 0;
    for (let k = i; k < i + n; k++) {
      sx += x[k];
      sy += y[k];
    }
    out.x.push(sx / n);
    out.y.push(sy / n);
  }
  return out;
}

/** Draws loss vs step (log y, ≤ 400 binned points) from `csv` (train-log.csv) into `out` (SVG). */
export async function plotTrainLog(csv: string, out: string, title: string): Promise<void> {
  const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  const ok = rows.filter((r) => Number.isFinite(r[0]) && r[1] > 0);
  if (ok.length < 2) return;
  const { x, y } = binnedMeans(ok.map((r) => r[0]), ok.map((r) => r[1]), 400);
  await savePlot(out, await linePlot({ series: [{ name: 'loss', x, y }], xLabel: 'step', yLabel: 'training loss (bin mean)', title, logY: true, legend: 'none' }));
}
