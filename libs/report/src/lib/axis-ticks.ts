/** Where x = +∞ sits on a plotted axis and which ticks the axis shows. */
export interface AxisLayout {
  /** Position used for x = +∞ (beyond the largest finite x), or null when no x is infinite. */
  infinityAt: number | null;
  /** Tick positions, ascending; ends with `infinityAt` when there is one. */
  ticks: number[];
  /** Axis extent [min, max]: every tick and every data x (incl. `infinityAt`), so no point is drawn past the axis; null without finite x. */
  domain: [number, number] | null;
}

// Distinct data values become the ticks when there are at most this many (NFE ∈ {10, 20, 50, 100}, D ∈ {1, …, ∞}).
const MAX_DATA_TICKS = 12;

/** "Nice" linear ticks over [lo, hi] (steps 1, 2, 5 × 10^k, about 5 of them). */
export function niceLinearTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Log-axis ticks over [lo, hi] (lo > 0): powers of ten, plus 2·10^k and 5·10^k when the range spans < 3 decades. */
export function logTicks(lo: number, hi: number): number[] {
  const mantissas = Math.log10(hi / lo) < 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); 10 ** e <= hi; e++)
    for (const m of mantissas) {
      const t = Number((m * 10 ** e).toPrecision(12));
      if (t >= lo * (1 - 1e-12) && t <= hi * (1 + 1e-12)) ticks.push(t);
    }
  return ticks.length >= 2 ? ticks : [lo, hi];
}

/**
 * Lays out an x axis that may hold +∞ (D = ∞ in PFGM++, i.e. diffusion): ∞ is drawn as a labelled last tick one
 * decade (log axis; more for ranges over 7 decades) or 15% of the range (linear axis) past the largest finite x.
 */
export function axisLayout(xs: readonly number[], log: boolean): AxisLayout {
  const finite = [...new Set(xs.filter((x) => Number.isFinite(x)))].sort((a, b) => a - b);
  const hasInf = xs.some((x) => x === Infinity);
  const lo = finite[0];
  const hi = finite[finite.length - 1];
  let infinityAt: number | null = null;
  if (hasInf) {
    if (finite.length === 0) infinityAt = log ? 1 : 0;
    else if (log) infinityAt = hi * Math.max(10, (hi / lo) ** 0.15);
    else infinityAt = hi + (hi > lo ? 0.15 * (hi - lo) : Math.max(1, Math.abs(hi) * 0.15));
  }
  let ticks: number[];
  if (finite.length === 0) ticks = [];
  else if (finite.length <= MAX_DATA_TICKS) ticks = finite;
  else ticks = log ? logTicks(lo, hi) : niceLinearTicks(lo, hi);
  const all = infinityAt === null ? ticks : [...ticks, infinityAt];
  const ends = [...all, ...(finite.length > 0 ? [lo, hi] : [])];
  const domain: [number, number] | null = ends.length > 0 ? [Math.min(...ends), Math.max(...ends)] : null;
  return { infinityAt, ticks: all, domain };
}

/** Vega expression for tick labels: compact numbers (3072000 → "3.07e6"), and `infinityLabel` at the ∞ position. */
export function tickLabelExpr(infinityAt: number | null, infinityLabel: string): string {
  const number = "abs(datum.value) >= 1e5 || (datum.value !== 0 && abs(datum.value) < 1e-3) " +
    "? replace(format(datum.value, '.3~e'), 'e+', 'e') : format(datum.value, '~g')";
  if (infinityAt === null) return number;
  return `abs(datum.value - ${infinityAt}) <= ${Math.abs(infinityAt) * 1e-9} ? ${JSON.stringify(infinityLabel)} : ${number}`;
}
