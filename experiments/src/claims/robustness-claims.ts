import type { Row } from '../harness/experiment.js';
import { difference, fmtInterval, pairedDiffs, type ClaimResult, type Comparison } from './claim.js';
import { combineVerdicts, verdictOf } from './verdict.js';

type Kind = 'noise' | 'steps' | 'quantization';

const isD = (d: number) => (r: Row): boolean => Number(r.D) === d;
const base = (r: Row): boolean => Number(r.alpha) === 0 && (r.quant_bits === null || r.quant_bits === undefined) && r.alpha !== null && r.alpha !== undefined;
const perturbed = (kind: Kind, level: number) => (r: Row): boolean => {
  switch (kind) {
    case 'noise':
      return Number(r.alpha) === level && r.alpha !== null;
    case 'steps':
      return (r.alpha === null || r.alpha === undefined) && (r.quant_bits === null || r.quant_bits === undefined) && String(r.solver) === `Heun (${level} steps)`;
    case 'quantization':
      return Number(r.quant_bits) === level && r.quant_bits !== null;
  }
};

/** The strongest perturbation of each kind in the rows: largest α, fewest Heun steps, fewest bits. */
function strongest(rows: readonly Row[]): Record<Kind, number | undefined> {
  const nums = (f: (r: Row) => unknown): number[] => rows.map(f).filter((v) => v !== null && v !== undefined).map(Number);
  const alphas = nums((r) => r.alpha).filter((a) => a > 0);
  const steps = rows.filter((r) => (r.alpha === null || r.alpha === undefined) && (r.quant_bits === null || r.quant_bits === undefined)).map((r) => Number(/Heun \((\d+) steps\)/.exec(String(r.solver))?.[1]));
  const bits = nums((r) => r.quant_bits);
  return { noise: alphas.length ? Math.max(...alphas) : undefined, steps: steps.length ? Math.min(...steps) : undefined, quantization: bits.length ? Math.min(...bits) : undefined };
}

/**
 * Claim 4 (PFGM++ paper, §5.3 / Fig. 5: with injected noise α, fewer Heun steps and post-training weight
 * quantization, FID worsens least for finite D): judged at the strongest level of each perturbation on the
 * degradation FD(perturbed) − FD(unperturbed Heun) of each trained model, EDM's minus D's, for each finite `ds`.
 */
export function robustnessClaim(rows: readonly Row[], fd: string, ds: readonly number[] = [128, 2048]): ClaimResult {
  const top = strongest(rows);
  const degr = (d: number, kind: Kind, level: number): number[] => pairedDiffs(rows, (r) => isD(d)(r) && perturbed(kind, level)(r), (r) => isD(d)(r) && base(r), fd);
  const parts: { kind: Kind; comparisons: Comparison[] }[] = (['noise', 'steps', 'quantization'] as const).flatMap((kind) => {
    const level = top[kind];
    if (level === undefined) return [];
    const label = kind === 'noise' ? `α = ${level}` : kind === 'steps' ? `${level} Heun steps` : `${level}-bit weights`;
    return [{ kind, comparisons: ds.map((d) => ({ what: `${label}: FD degradation, EDM − D = ${d}`, interval: difference(degr(Infinity, kind, level), degr(d, kind, level)) })) }];
  });
  const perKind = parts.map((p) => ({ kind: p.kind, verdict: verdictOf(p.comparisons.map((c) => c.interval)), text: p.comparisons.map((c) => fmtInterval(c.interval)).join(' / ') }));
  const verdict = combineVerdicts(perKind.map((p) => p.verdict));
  return {
    claim: `4. PFGM++ with finite D (${ds.join(', ')}) degrades less than EDM under noise injection, fewer steps and quantization`,
    source: 'PFGM++ paper, §5.3 / Fig. 5',
    verdict,
    summary: `${verdict}: ${perKind.map((p) => `${p.kind} ${p.verdict} (EDM − D degradation ${p.text})`).join('; ')}`,
    comparisons: parts.flatMap((p) => p.comparisons),
  };
}
