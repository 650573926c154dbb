import type { Row } from '../harness/experiment.js';
import { meanInterval } from './contrast.js';

/** FD's spread over sampling seeds alone (one trained model, one solver): the noise a 500-sample FD carries. */
export interface SamplingNoise {
  method: string;
  net: string;
  solver: string;
  seed: number;
  draws: number;
  mean: number;
  sd: number;
}

/** Groups every model whose cell has sampling-noise draws (rows with sampling_seed ≠ seed) with its own draw. */
export function samplingNoise(rows: readonly Row[], fd: string): SamplingNoise[] {
  const key = (r: Row): string => JSON.stringify([r.method, r.D, r.net, r.solver, r.alpha ?? null, r.quant_bits ?? null, r.seed]);
  const noisy = new Set(rows.filter((r) => r.sampling_seed !== undefined && r.sampling_seed !== r.seed).map(key));
  return [...noisy].map((k) => {
    const group = rows.filter((r) => key(r) === k);
    const v = group.map((r) => Number(r[fd])).filter(Number.isFinite);
    const iv = meanInterval(v);
    const r0 = group[0];
    return { method: String(r0.method), net: String(r0.net), solver: String(r0.solver), seed: Number(r0.seed), draws: v.length, mean: iv.estimate, sd: v.length > 1 ? iv.se * Math.sqrt(v.length) : NaN };
  });
}
