import { extname } from 'node:path';
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from './atomic-write.js';

/** A rendered chart: its SVG text and the Vega-Lite spec it came from. */
export interface Plot {
  /** Standalone SVG (fonts by name, no scripts). */
  svg: string;
  /** The Vega-Lite spec, data included (save it to re-render or restyle the figure elsewhere). */
  spec: TopLevelSpec;
  /** SVG size in CSS pixels. */
  width: number;
  height: number;
  /** Input points not drawn because a coordinate was NaN or ±Infinity where that has no place on the axis. */
  dropped: number;
}

/**
 * Renders a Vega-Lite spec to SVG headless (Vega View with the 'none' renderer: no DOM, no canvas). Vega and Vega-Lite
 * load on the first plot, not with the library: they cost ≈ 0.5 s of every CLI start that draws nothing.
 */
export async function renderVegaLite(spec: TopLevelSpec, dropped = 0): Promise<Plot> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const size = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
    if (!size) throw new Error('renderVegaLite: Vega returned SVG without width/height');
    return { svg, spec, width: Number(size[1]), height: Number(size[2]), dropped };
  } finally {
    view.finalize();
  }
}

/** Options of {@link savePlot}. */
export interface SavePlotOptions {
  /** PNG pixels per SVG pixel. Default 2 (crisp on papers and screens). */
  scale?: number;
}

/** SVG → PNG with sharp (librsvg), `scale` PNG pixels per SVG pixel. */
export async function plotToPng(plot: Pick<Plot, 'svg'>, opts: SavePlotOptions = {}): Promise<Buffer> {
  const { scale = 2 } = opts;
  if (!(scale > 0)) throw new Error(`savePlot: scale must be > 0 (PNG pixels per SVG pixel), got ${scale}`);
  return sharp(Buffer.from(plot.svg), { density: 72 * scale }).png().toBuffer();
}

/** Writes a plot as `.svg` or `.png` (chosen by the extension), atomically. */
export async function savePlot(path: string, plot: Pick<Plot, 'svg'>, opts: SavePlotOptions = {}): Promise<void> {
  switch (extname(path).toLowerCase()) {
    case '.svg':
      return writeFileAtomic(path, plot.svg);
    case '.png':
      return writeFileAtomic(path, await plotToPng(plot, opts));
    default:
      throw new Error(`savePlot: cannot tell the format of ${JSON.stringify(path)}; end the path with .svg or .png`);
  }
}
