import type { Row } from '../harness/experiment.js';
import { contrast, type Contrast, type Group } from './contrast.js';
import { verdictOf, type Verdict } from './verdict.js';

/** One judged comparison: what is contrasted, its interval, and the direction the paper claims (> 0). */
export interface Comparison {
  /** e.g. "NFE 10: FD degradation, VP-ODE − PFGM". */
  what: string;
  interval: Contrast;
}

/** A paper's claim judged on rows from several seeds. */
export interface ClaimResult {
  /** Issue 14's claim number and one line of what the paper says. */
  claim: string;
  /** Where the paper says it (figure/table), for the report. */
  source: string;
  verdict: Verdict;
  /** One line for the README: the verdict and the numbers it rests on. */
  summary: string;
  comparisons: Comparison[];
}

/** Rows of the seed sweep proper (not the sampling-noise draws). */
export function seedRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.sampling_seed === undefined || r.sampling_seed === r.seed);
}

/**
 * Per-seed values of `col` for rows matching `where`, keyed by seed (a seed with no finite value is left out). `where`
 * must pick one cell per seed: two matching rows of one seed are a predicate bug (it would silently keep the last).
 */
export function bySeed(rows: readonly Row[], where: (r: Row) => boolean, col: string): Map<number, number> {
  const m = new Map<number, number>();
  const seen = new Map<number, Row>();
  for (const r of seedRows(rows)) {
    if (!where(r)) continue;
    const seed = Number(r.seed);
    const other = seen.get(seed);
    if (other !== undefined) throw new Error(`claims: two cells of seed ${seed} match one comparison (${cellName(other)} and ${cellName(r)}); the claim's cell predicate must pick one`);
    seen.set(seed, r);
    if (Number.isFinite(Number(r[col]))) m.set(seed, Number(r[col]));
  }
  return m;
}

const cellName = (r: Row): string => [r.method, r.net, r.solver, r.alpha != null ? `α ${r.alpha}` : null, r.quant_bits != null ? `${r.quant_bits} bits` : null].filter((x) => x != null && x !== '').join(', ');

/** Values of `col` over seeds. */
export function values(rows: readonly Row[], where: (r: Row) => boolean, col: string): number[] {
  return [...bySeed(rows, where, col).values()];
}

/** Per-seed differences a − b of two cells on the same seed (e.g. a perturbed and the unperturbed sampling of one model). */
export function pairedDiffs(rows: readonly Row[], a: (r: Row) => boolean, b: (r: Row) => boolean, col: string): number[] {
  const va = bySeed(rows, a, col);
  const vb = bySeed(rows, b, col);
  return [...va].filter(([s]) => vb.has(s)).map(([s, x]) => x - (vb.get(s) as number));
}

/** The Welch interval of mean(a) − mean(b). */
export function difference(a: readonly number[], b: readonly number[]): Contrast {
  return contrast([{ values: a, weight: 1 }, { values: b, weight: -1 }]);
}

/** A judged claim from its comparisons (each claimed > 0). */
export function judge(claim: string, source: string, comparisons: Comparison[], summary: (v: Verdict) => string): ClaimResult {
  const verdict = verdictOf(comparisons.map((c) => c.interval));
  return { claim, source, verdict, summary: summary(verdict), comparisons };
}

/** "12.3 [4.5, 20.1]" */
export function fmtInterval(c: Contrast, digits = 1): string {
  const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(digits) : x > 0 ? '∞' : '−∞');
  return `${f(c.estimate)} [${f(c.lo)}, ${f(c.hi)}]`;
}

export type { Group };
