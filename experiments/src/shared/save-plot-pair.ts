import { savePlot, type Plot } from '@pfgm/report';

/** Saves a plot as `<base>.svg` and `<base>.png`; returns both paths. */
export async function savePlotPair(base: string, plot: Pick<Plot, 'svg'>): Promise<string[]> {
  const files = [`${base}.svg`, `${base}.png`];
  for (const f of files) await savePlot(f, plot);
  return files;
}
