import type { Row } from '../harness/experiment.js';
import { seedRows } from './claim.js';
import { meanInterval } from './contrast.js';

/** Columns that identify a cell apart from its seed. */
const KEYS = ['method', 'D', 'net', 'solver', 'alpha', 'quant_bits'] as const;

/** One line per cell over its seeds: n, and mean / sd / 95 % half-width of the metric and of NFE. */
export function seedSummary(rows: readonly Row[], fd: string): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of seedRows(rows)) {
    const k = JSON.stringify(KEYS.map((c) => r[c] ?? null));
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const out: Record<string, unknown> = Object.fromEntries(KEYS.map((c) => [c, g[0][c] ?? null]));
    out.seeds = g.map((r) => r.seed).join(' ');
    for (const col of [fd, 'nfe']) {
      const v = g.map((r) => Number(r[col])).filter(Number.isFinite);
      const iv = meanInterval(v);
      out[`${col}_mean`] = iv.estimate;
      out[`${col}_sd`] = v.length > 1 ? iv.se * Math.sqrt(v.length) : NaN;
      out[`${col}_ci95`] = v.length > 1 ? iv.hi - iv.estimate : NaN;
    }
    out.failed_seeds = g.length - g.filter((r) => Number.isFinite(Number(r[fd]))).length;
    return out;
  });
}
