import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isRunFinished, readJson, writeJson } from '@pfgm/report';
import { openRun, type OpenRun } from '@pfgm/runs';
import { Rng } from '@pfgm/tensor';

/**
 * A trained model's functional fingerprint: summaries of its predictor's outputs on a fixed input at two times of the
 * method's own Euler grid, written beside a model-store entry and compared each time the entry is reused. Model-store
 * keys hash the training config, not the code, so without it a change to the network or method code (the DDPM
 * GroupNorm fix of 019280c changed every DDPM-style net's function) would silently reuse models the current code
 * would not have trained.
 */
export const PROBE_FILE = 'net-probe.json';

/** Probe values per weight set ('ema' | 'raw'): per time, [mean, rms, projection on a fixed direction, first 4 outputs]. */
export type NetProbes = Partial<Record<'ema' | 'raw', { times: number[]; values: number[][] }>>;

const PROBE_SEED = 20261206;
const PROBE_BATCH = 2;
/** Relative tolerance: backends (plain wasm, OpenBLAS, cpu) agree to ~1e-6; reverting the DDPM GroupNorm fix moves the summaries by up to 0.1 of the scale. */
const PROBE_RTOL = 2e-3;

/** The probe values of an open run: fixed N(0, 1) inputs [2, ...shape] at the first and middle times of a 4-step Euler grid. */
export function probeValues(run: OpenRun): { times: number[]; values: number[][] } {
  const grid = run.method.timeGrid(4, 'euler'); // float64
  const times = [grid[0], grid[Math.floor(grid.length / 2)]];
  const rng = new Rng(PROBE_SEED);
  const size = run.shape.reduce((a, b) => a * b, 1);
  const x = rng.normalArray(PROBE_BATCH * size);
  const values = times.map((t) =>
    tf.tidy(() => {
      const out = run.predictor(tf.tensor(Float32Array.from(x), [PROBE_BATCH, ...run.shape]), t).dataSync(); // [B, ...out]
      const dir = new Rng(PROBE_SEED, [out.length]).normalArray(out.length);
      let sum = 0;
      let sq = 0;
      let proj = 0;
      for (let i = 0; i < out.length; i++) {
        sum += out[i];
        sq += out[i] * out[i];
        proj += out[i] * dir[i];
      }
      return [sum / out.length, Math.sqrt(sq / out.length), proj / Math.sqrt(out.length), ...Array.from(out.slice(0, 4))];
    }),
  );
  return { times, values };
}

/** Where a recorded probe and the current code's disagree (one phrase), or null when they agree. */
export function probeMismatch(recorded: { times: number[]; values: number[][] }, now: { times: number[]; values: number[][] }): string | null {
  if (recorded.times.length !== now.times.length || recorded.times.some((t, i) => Math.abs(t - now.times[i]) > 1e-9 * Math.max(1, Math.abs(t)))) {
    return `the method's time grid changed (recorded t = ${recorded.times.join(', ')}, now ${now.times.join(', ')})`;
  }
  for (let k = 0; k < recorded.values.length; k++) {
    const scale = Math.max(recorded.values[k][1], 1e-6); // rms of the outputs at this time
    for (let j = 0; j < recorded.values[k].length; j++) {
      const a = recorded.values[k][j];
      const b = now.values[k][j];
      if (!(Math.abs(a - b) <= PROBE_RTOL * (scale + Math.abs(a)))) return `output summary ${j} at t = ${recorded.times[k]} was ${a}, is ${b}`;
    }
  }
  return null;
}

/** The probes recorded in `<dir>/net-probe.json` ({} when there is none). */
function readProbes(dir: string): NetProbes {
  const path = join(dir, PROBE_FILE);
  return existsSync(path) ? readJson<NetProbes>(path) : {};
}

/**
 * Records the probe of `run`'s weight set in `<dir>/net-probe.json` if it has none, else checks it: throws one line
 * when the current code computes a different function from the same weights. Returns what it did.
 */
export function checkOrRecordProbe(dir: string, run: OpenRun, ema: boolean): 'recorded' | 'matched' {
  const probes = readProbes(dir);
  const which = ema ? 'ema' : 'raw';
  const now = probeValues(run);
  const recorded = probes[which];
  if (recorded === undefined) {
    writeJson(join(dir, PROBE_FILE), { ...probes, [which]: now });
    return 'recorded';
  }
  const why = probeMismatch(recorded, now);
  if (why !== null) {
    throw new Error(
      `${dir}: this stored model's ${which} weights no longer give the outputs in its ${PROBE_FILE} (${why}): the network or method code changed since they were recorded; delete the folder to retrain it, or use the commit in its provenance.json`,
    );
  }
  return 'matched';
}

/** What {@link checkStoreProbes} found per entry of a models folder. */
export interface StoreProbeReport {
  recorded: string[];
  matched: string[];
  /** `<id>: <why>` for each entry whose outputs moved. */
  changed: string[];
}

/**
 * Checks every finished entry of a models folder (`<root>/<id>/` with DONE; only `ids` when given) against its probe for
 * the `ema` (or raw) weights; entries without one get it recorded when `record`, else are reported as changed.
 */
export async function checkStoreProbes(root: string, opts: { ema: boolean; record: boolean; ids?: readonly string[] }): Promise<StoreProbeReport> {
  const report: StoreProbeReport = { recorded: [], matched: [], changed: [] };
  const which = opts.ema ? 'ema' : 'raw';
  for (const id of opts.ids ?? readdirSync(root).sort()) {
    const dir = join(root, id);
    if (!isRunFinished(dir)) continue;
    if (!opts.record && readProbes(dir)[which] === undefined) {
      report.changed.push(`${id}: no ${PROBE_FILE} entry for the ${which} weights (record it with --record at the commit that trained it)`);
      continue;
    }
    const run = await openRun(dir, { ema: opts.ema });
    try {
      report[checkOrRecordProbe(dir, run, opts.ema)].push(id);
    } catch (e) {
      report.changed.push(`${id}: ${(e as Error).message.replace(`${dir}: `, '')}`);
    } finally {
      run.dispose();
    }
  }
  return report;
}
