import type { Row } from '../harness/experiment.js';
import { difference, fmtInterval, judge, values, type ClaimResult, type Comparison } from './claim.js';
import { meanInterval } from './contrast.js';

/** The unperturbed cell of D: robustness's α = 0 cell (base Heun steps, full-precision weights); its fewer-step cells have α null. */
const atD = (d: number) => (r: Row): boolean => Number(r.D) === d && r.alpha !== null && r.alpha !== undefined && Number(r.alpha) === 0 && (r.quant_bits === null || r.quant_bits === undefined);

/**
 * Claim 3 (PFGM++ paper, Table 2 / Fig. 4: FID 1.92 at D = 128 and 1.91 at D = 2048 vs 1.98 for EDM and 1.96 at
 * D = 64 on CIFAR-10): moderate D beats both EDM (D = ∞) and a small D at equal budget. Judged on FD(other) − FD(D)
 * for D ∈ `moderate` against D = ∞ and against the smallest D of the sweep.
 */
export function dSweetSpotClaim(rows: readonly Row[], fd: string, moderate: readonly number[] = [128, 2048]): ClaimResult {
  const ds = [...new Set(rows.map((r) => Number(r.D)))].filter((d) => !Number.isNaN(d)).sort((a, b) => a - b);
  const small = ds.find((d) => !moderate.includes(d) && d !== Infinity);
  const others = [Infinity, ...(small === undefined ? [] : [small])];
  const comparisons: Comparison[] = moderate.flatMap((d) => others.map((o) => ({ what: `FD at D = ${o === Infinity ? '∞ (EDM)' : o} − FD at D = ${d}`, interval: difference(values(rows, atD(o), fd), values(rows, atD(d), fd)) })));
  const means = ds.map((d) => `D=${d === Infinity ? '∞' : d} ${fmtInterval(meanInterval(values(rows, atD(d), fd)))}`).join(', ');
  return judge(`3. PFGM++ with moderate D (${moderate.join(', ')}) beats EDM (D = ∞)${small === undefined ? '' : ` and small D (${small})`}`, 'PFGM++ paper, Table 2 / Fig. 4', comparisons, (v) => `${v}: FD ${means}`);
}
