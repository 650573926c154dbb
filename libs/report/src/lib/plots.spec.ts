import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { axisLayout, logTicks, niceLinearTicks } from './axis-ticks.js';
import { linePlot } from './line-plot.js';
import { plotToPng, savePlot, type Plot } from './render.js';
import { scatter2d } from './scatter-2d.js';

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
const rowsOf = (plot: Plot) => (plot.spec as unknown as { data: { values: { x: number; seg: string }[] } }).data.values;

/** Dark pixels (luminance < 100) in the top `band` rows: text drawn on the white background. */
async function darkPixelsInTopBand(png: Buffer, band: number): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (let i = 0; i < band * info.width; i++) if (data[i] < 100) dark++;
  return dark;
}

describe('axisLayout', () => {
  it('puts D = ∞ one decade or more past the largest finite D on a log axis, as the last tick', () => {
    const D = [1, 64, 128, 2048, 3072000, Infinity];
    const { infinityAt, ticks } = axisLayout(D, true);
    expect(infinityAt).toBe(30720000); // one decade: the range spans < 7 decades
    expect(ticks).toEqual([1, 64, 128, 2048, 3072000, infinityAt]);
    expect(axisLayout([10, 20, Infinity], true).infinityAt).toBe(200);
    expect(axisLayout([1, 1e10, Infinity], true).infinityAt).toBeCloseTo(1e10 * 10 ** 1.5, -3); // 15% of 10 decades
    expect(axisLayout([0, 10, Infinity], false).infinityAt).toBe(11.5);
    expect(axisLayout([10, 20, 50, 100], true)).toEqual({ infinityAt: null, ticks: [10, 20, 50, 100], domain: [10, 100] });
  });

  it('falls back to nice ticks when there are many distinct x', () => {
    expect(niceLinearTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceLinearTicks(3, 47)).toEqual([10, 20, 30, 40]);
    expect(logTicks(0.3, 2000)).toEqual([1, 10, 100, 1000]);
    expect(logTicks(3, 200)).toEqual([5, 10, 20, 50, 100, 200]);
    expect(logTicks(3, 4)).toEqual([3, 4]);
    const many = Array.from({ length: 40 }, (_, i) => i + 1);
    expect(axisLayout(many, true).ticks).toEqual([1, 2, 5, 10, 20]);
    expect(axisLayout([...many, Infinity], false).ticks).toEqual([10, 20, 30, 40, 45.85]);
  });
});

describe('linePlot', () => {
  const nfe = [10, 20, 50, 100];
  const opts = {
    title: 'FID vs NFE (Euler)', xLabel: 'NFE', yLabel: 'FID', logX: true,
    series: [{ name: 'PFGM', x: nfe, y: [13, 6, 4, 3.4] }, { name: 'VP-ODE', x: nfe, y: [140, 60, 12, 5.2] }],
  };

  it('draws axis titles, series names and the data x values as ticks', async () => {
    const plot = await linePlot(opts);
    const t = texts(plot.svg);
    for (const s of ['NFE', 'FID', 'PFGM', 'VP-ODE', 'FID vs NFE (Euler)', '10', '20', '50', '100']) expect(t).toContain(s);
    expect(plot.dropped).toBe(0);
  });

  it('renders to a PNG of the expected size with visible text (fonts found by librsvg)', async () => {
    const plot = await linePlot(opts);
    const path = join(mkdtempSync(join(tmpdir(), 'pfgm-report-plot-')), 'fid-nfe.png');
    await savePlot(path, plot, { scale: 2 });
    const meta = await sharp(readFileSync(path)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', Math.round(plot.width * 2), Math.round(plot.height * 2)]);
    // The title band (above the plot frame) holds only the title text: it must have ink.
    expect(await darkPixelsInTopBand(readFileSync(path), 2 * 24)).toBeGreaterThan(100);
    const untitled = await plotToPng(await linePlot({ ...opts, title: undefined }), { scale: 2 });
    expect(await darkPixelsInTopBand(untitled, 2 * 6)).toBe(0);
  });

  it('shows D = ∞ as a labelled last tick joined by a dashed segment, and counts dropped points', async () => {
    const D = [1, 64, 128, 2048, 3072000, Infinity];
    const plot = await linePlot({
      xLabel: 'D', yLabel: 'FID', logX: true,
      series: [{ name: 'PFGM++ Heun', x: D, y: [NaN, 2.3, 2.1, 2.0, 2.1, 2.2] }],
    });
    expect(texts(plot.svg)).toContain('∞');
    expect(texts(plot.svg)).toContain('3.072e6');
    expect(plot.dropped).toBe(1);
    const rows = rowsOf(plot);
    const inf = rows.find((r) => r.seg === 'inf');
    expect(inf?.x).toBeGreaterThan(3072000 * 9.99);
    expect(rows.filter((r) => r.seg === 'bridge').map((r) => r.x)).toEqual([3072000, inf?.x]);
    expect(plot.svg).toContain('stroke-dasharray');
  });

  it('keeps every point inside the axis when the ticks do not reach the largest x (RK45 at NFE 884)', async () => {
    const nfe = [20, 35, 40, 50, 60, 70, 80, 98, 122, 164, 170, 206, 290, 884];
    expect(axisLayout(nfe, true).ticks.at(-1)).toBe(500);
    expect(axisLayout(nfe, true).domain).toEqual([20, 884]);
    const plot = await linePlot({ ...opts, series: [{ name: 'a', x: nfe, y: nfe.map((v) => 1 / v) }] });
    const scale = (plot.spec as unknown as { layer: { encoding: { x: { scale: { domain: number[] } } } }[] }).layer[0].encoding.x.scale;
    expect(scale.domain).toEqual([20, 884]);
  });

  it('gives each of 12 series its own colour (tab20 beyond 10) and cycles the markers', async () => {
    const series = Array.from({ length: 12 }, (_, k) => ({ name: `s${k}`, x: [10, 20], y: [k, k + 1] }));
    const plot = await linePlot({ ...opts, series });
    const strokes = new Set([...plot.svg.matchAll(/stroke="(#[0-9a-fA-F]{6})"/g)].map((m) => m[1].toLowerCase()));
    strokes.delete('#000000');
    strokes.delete('#e5e5e5');
    strokes.delete('#bbbbbb');
    expect(strokes.size).toBeGreaterThanOrEqual(12);
    const shapes = (plot.spec as unknown as { layer: { encoding: { shape?: { scale: { range: string[] } } } }[] }).layer[2].encoding.shape;
    expect(new Set(shapes?.scale.range).size).toBe(7);
  });

  it('draws error bars when yErr is given', async () => {
    const plot = await linePlot({ xLabel: 'NFE', yLabel: 'FID', series: [{ name: 'a', x: [1, 2], y: [3, 4], yErr: [0.5, 1] }] });
    expect(rowsOf(plot)).toContainEqual(expect.objectContaining({ x: 2, lo: 3, hi: 5 }));
  });

  it('rejects bad input with clear errors', async () => {
    await expect(linePlot({ ...opts, series: [{ name: 'a', x: [0, 1], y: [1, 2] }] })).rejects.toThrow(/logX needs x > 0.*x\[0\] = 0/);
    await expect(linePlot({ ...opts, series: [{ name: 'a', x: [1, 2], y: [1] }] })).rejects.toThrow(/2 x, 1 y/);
    await expect(linePlot({ ...opts, series: [opts.series[0], opts.series[0]] })).rejects.toThrow(/used twice/);
    await expect(linePlot({ ...opts, series: [] })).rejects.toThrow(/no series/);
  });
});

describe('scatter2d', () => {
  it('draws point sets and trajectories with names, axis titles and an equal-aspect square', async () => {
    const plot = await scatter2d({
      title: 'samples', xLabel: 'x₁', yLabel: 'x₂',
      points: [{ name: 'data', x: [0, 1, 2], y: [0, 0.5, NaN] }, { name: 'PFGM samples', x: [0.1], y: [0.2] }],
      trajectories: [{ name: 'trajectories', paths: [{ x: [4, 2, 0.1], y: [4, 1, 0.2] }] }],
    });
    const t = texts(plot.svg);
    for (const s of ['x₁', 'x₂', 'data', 'PFGM samples', 'trajectories', 'samples']) expect(t).toContain(s);
    expect(plot.dropped).toBe(1);
    const enc = (plot.spec as unknown as { layer: { encoding: { x: { scale: { domain: number[] } }; y: { scale: { domain: number[] } } } }[] }).layer[0].encoding;
    const [x0, x1] = enc.x.scale.domain;
    const [y0, y1] = enc.y.scale.domain;
    expect(x1 - x0).toBeCloseTo(y1 - y0, 12);
    expect(x0 <= 0 && x1 >= 4 && y0 <= 0 && y1 >= 4).toBe(true);
    const png = await plotToPng(plot, { scale: 1 });
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([Math.round(plot.width), Math.round(plot.height)]);
  });

  it('rejects mismatched coordinates and empty input', async () => {
    await expect(scatter2d({ points: [{ name: 'a', x: [1, 2], y: [1] }] })).rejects.toThrow(/2 x and 1 y/);
    await expect(scatter2d({})).rejects.toThrow(/nothing to draw/);
  });
});

describe('savePlot', () => {
  it('writes SVG verbatim and refuses unknown extensions', async () => {
    const plot = await linePlot({ xLabel: 'a', yLabel: 'b', series: [{ name: 's', x: [1, 2], y: [1, 2] }] });
    const dir = mkdtempSync(join(tmpdir(), 'pfgm-report-plot-'));
    await savePlot(join(dir, 'p.svg'), plot);
    expect(readFileSync(join(dir, 'p.svg'), 'utf8')).toBe(plot.svg);
    await expect(savePlot(join(dir, 'p.jpg'), plot)).rejects.toThrow(/\.svg or \.png/);
  });
});
