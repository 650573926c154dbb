import type { Config } from 'vega-lite';

/** Fonts tried in order; DejaVu Sans is matplotlib's default (the papers' figures) and is what librsvg finds here. */
export const PLOT_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/**
 * Vega-Lite config in the look of the papers' matplotlib figures (PFGM Fig. 3, PFGM++ Fig. 4): boxed axes,
 * light grid, tab10 colours, lines with filled markers, plain-weight titles.
 */
export const PAPER_CONFIG: Config = {
  font: PLOT_FONT,
  background: 'white',
  padding: 8,
  view: { stroke: 'black', strokeWidth: 1 },
  axis: {
    grid: true,
    gridColor: '#e5e5e5',
    domainColor: 'black',
    tickColor: 'black',
    labelColor: 'black',
    titleColor: 'black',
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    tickSize: 4,
    labelOverlap: 'greedy',
    labelFlush: false,
  },
  legend: { labelFontSize: 11, titleFontSize: 11, symbolStrokeWidth: 2, symbolOpacity: 1, labelLimit: 240 },
  title: { fontSize: 13, fontWeight: 'normal', color: 'black' },
  range: { category: { scheme: 'category10' } }, // = matplotlib tab10
  line: { strokeWidth: 2 },
  point: { filled: true, size: 36, opacity: 1 },
};
