import { TOY_2D_NAMES, toyDataset, type Toy2dName } from '@pfgm/data';
import { slicedWasserstein2 } from '@pfgm/eval';
import { sample } from '@pfgm/methods';
import { openRun } from '@pfgm/runs';
import { Rng } from '@pfgm/tensor';
import type { EvalSettings } from './baselines-file.js';
import { corruptWeights, type CheckpointFault } from './checkpoint-fault.js';
import { maxNorm, splitFar } from './far-samples.js';
import { faultyMethod, faultySolver, type SamplerFault } from './sampler-fault.js';

/** Deliberate faults (specs only): both default to none. */
export interface Faults {
  checkpoint?: CheckpointFault;
  sampler?: SamplerFault;
}

/** The metrics at one seed. */
export interface SeedValue {
  seed: number;
  /** SW2 of the samples within the far radius to the held-out points; +Infinity when none is, NaN when the sampler threw. */
  sw2: number;
  /** Samples beyond the far radius or not finite (all of them when the sampler threw). */
  far: number;
  nfe: number | null;
  /** The sampler's error, if any. */
  note?: string;
}

/** The toy name of a run's `toy:<name>` data spec. */
export function toyOf(spec: string): Toy2dName {
  const name = spec.startsWith('toy:') ? spec.slice(4) : '';
  if (!(TOY_2D_NAMES as readonly string[]).includes(name)) throw new Error(`regression baselines cover 2-D toy runs only; this run's data is '${spec}' (expected toy:<${TOY_2D_NAMES.join('|')}>)`);
  return name as Toy2dName;
}

/**
 * Opens the run in `dir`, samples `settings.samples` points per seed (prior stream Rng(seed)) with the fixed solver,
 * counts the samples beyond the far radius and scores the rest by SW2 against the toy's held-out points.
 */
export async function evaluateCheckpoint(dir: string, settings: EvalSettings, seeds: readonly number[], faults: Faults = {}): Promise<{ toy: Toy2dName; farRadius: number; values: SeedValue[] }> {
  const ckptFault = faults.checkpoint ?? { kind: 'none' };
  const samplerFault = faults.sampler ?? { kind: 'none' };
  const run = await openRun(dir);
  try {
    corruptWeights(run.net, ckptFault);
    const toy = toyOf(run.config.data.spec);
    const test = toyDataset(toy, settings.test.points, settings.test.seed, settings.test.split);
    const farRadius = settings.farFactor * maxNorm(test.points, 2);
    const method = faultyMethod(run.method, samplerFault);
    const solver = faultySolver(settings.solver, samplerFault);
    const values: SeedValue[] = [];
    for (const seed of seeds) {
      const res = await sample(method, run.predictor, solver, settings.samples, run.shape, new Rng(seed)).catch((e: Error) => e);
      if (res instanceof Error) {
        values.push({ seed, sw2: NaN, far: settings.samples, nfe: null, note: `sampler failed: ${res.message.split(';')[0]}` });
        continue;
      }
      const x = (await res.x.data()) as Float32Array; // [n, 2]
      res.x.dispose();
      const { inside, far } = splitFar(x, 2, farRadius);
      const sw2 = inside.length === 0 ? Infinity : slicedWasserstein2(inside, test.points, 2, { directions: settings.directions });
      values.push({ seed, sw2, far, nfe: res.nfe });
    }
    return { toy, farRadius, values };
  } finally {
    run.dispose();
  }
}
