import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { writeFileAtomic, saveImageGrid, savePlot, scatter2d, writeCsv } from '@pfgm/report';
import { writeNpz } from '@pfgm/eval';

/** The files {@link writeSamples} writes for samples of per-sample `shape` at `out` (2-D point plots get a .csv too). */
export function samplesFiles(out: string, shape: readonly number[]): string[] {
  const ext = extname(out).toLowerCase();
  const plot = shape.length === 1 && (ext === '.png' || ext === '.svg');
  return plot ? [out, out.slice(0, -ext.length) + '.csv'] : [out];
}

/**
 * Refuses, before any sampling work, to replace an existing output file unless `overwrite` (CLI: --overwrite):
 * `pfgm sample` / `pfgm interpolate` never overwrite a file silently. `shape` (per sample) adds the .csv that a
 * point plot writes next to it; without it only `out` is checked.
 */
export function checkSamplesNotThere(out: string, overwrite: boolean, shape?: readonly number[]): void {
  if (overwrite) return;
  for (const f of shape === undefined ? [out] : samplesFiles(out, shape)) {
    if (!existsSync(f)) continue;
    const also = f === out ? '' : ` (a plot of points writes its values to ${f} too)`;
    throw new Error(`--out ${out}: ${f} already exists${also}; expected a new file. Pass --overwrite to replace it, or pick another --out`);
  }
}

/** Writes samples [B, ...]: points as CSV and/or a scatter PNG/SVG; images as a PNG grid. Returns the files written. */
export async function writeSamples(out: string, x: tf.Tensor): Promise<string[]> {
  const ext = extname(out).toLowerCase();
  if (ext === '.npz') {
    // Float samples in the data's [−1, 1] coordinates, readable by numpy and by `pfgm fid --gen`.
    writeFileAtomic(out, writeNpz({ samples: { data: x.dataSync() as Float32Array, shape: x.shape } }));
    return [out];
  }
  if (x.rank === 2) {
    const pts = x.arraySync() as number[][];
    if (ext === '.csv') {
      writeCsv(out, pts.map((p) => Object.fromEntries(p.map((v, i) => [`x${i}`, v]))));
      return [out];
    }
    if (ext !== '.png' && ext !== '.svg') throw new Error(`--out ${out}: expected .png, .svg, .csv or .npz for point samples`);
    if (x.shape[1] !== 2) throw new Error(`--out ${out}: plots need 2-D points, these have ${x.shape[1]} dimensions; use .csv`);
    const plot = await scatter2d({ points: [{ name: 'samples', x: pts.map((p) => p[0]), y: pts.map((p) => p[1]) }], title: `${pts.length} samples` });
    await savePlot(out, plot);
    const csv = out.slice(0, -ext.length) + '.csv';
    writeCsv(csv, pts.map(([a, b]) => ({ x0: a, x1: b })));
    return [out, csv];
  }
  if (ext !== '.png') throw new Error(`--out ${out}: expected .png (grid) or .npz (all samples, for pfgm fid --gen) for image samples`);
  await saveImageGrid(out, x);
  return [out];
}
