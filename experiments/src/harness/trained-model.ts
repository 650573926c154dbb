import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '@pfgm/data';
import type { NetworkConfig } from '@pfgm/networks';
import { acquireLock, isRunFinished, toJson } from '@pfgm/report';
import { methodConfigFor, openRun, RUN_FILES, trainDefaultsFor, trainRun, type OpenRun, type TrainRunConfig } from '@pfgm/runs';
import { dropOptimizerState } from '@pfgm/train';
import { methodParts, type MethodSpec } from './method-spec.js';
import type { CellContext } from './experiment.js';
import { checkOrRecordProbe, PROBE_FILE } from './net-probe.js';

/** What a training cell fixes; the rest comes from the runs library's defaults (toy profile for points, paper profile for images). */
export interface ModelSpec {
  method: MethodSpec;
  /** `--data` spec of the training set, e.g. `toy:8gaussians`, `fmnist`. */
  data: string;
  /** Data options recorded in the run config. */
  limit?: number;
  size?: number;
  channels?: 1 | 3;
  dataDir?: string;
  /** Network preset name (for the record) and config. */
  netName: string;
  net: NetworkConfig;
  steps: number;
  /** Overrides of the defaults (batch size, lr, warm-up, EMA decay, PFGM large batch). */
  batchSize?: number;
  lr?: number;
  warmup?: number;
  emaBeta?: number;
  referenceSize?: number;
  seed: number;
}

/** The TrainRunConfig of a spec on a loaded dataset. */
export function trainConfigFor(s: ModelSpec, ds: Dataset): TrainRunConfig {
  const { methodName, D } = methodParts(s.method);
  const shape = [...ds.sampleShape];
  const toy = shape.length === 1;
  const d = trainDefaultsFor(methodName, toy ? 'toy' : 'paper');
  const method = methodConfigFor(methodName, { shape, avgNorm: ds.averageNorm(), cifar10: ds.name.startsWith('cifar10') }, Number.isNaN(D) ? undefined : D);
  return {
    methodName,
    method,
    netName: s.netName,
    net: s.net,
    data: { spec: s.data, limit: s.limit, size: s.size, channels: s.channels, dataDir: s.dataDir, shape, avgNorm: ds.averageNorm() },
    train: {
      steps: s.steps,
      batchSize: s.batchSize ?? d.batchSize,
      lr: s.lr ?? d.lr,
      warmup: s.warmup ?? d.warmup,
      gradClip: d.gradClip,
      ema: s.emaBeta !== undefined ? { kind: 'decay', beta: s.emaBeta, warmup: true } : d.ema,
      seed: s.seed,
      referenceSize: methodName === 'pfgm' ? (s.referenceSize ?? d.referenceSize) : undefined,
      flip: toy ? false : (d.flip ?? false),
      checkpointEvery: Math.max(50, Math.round(s.steps / 4)),
    },
  };
}

/** 12 hex digits of the sha256 of a spec's resolved training config: equal keys train the same model. */
export function modelKey(spec: ModelSpec, ds: Dataset): string {
  return createHash('sha256').update(toJson(trainConfigFor(spec, ds))).digest('hex').slice(0, 12);
}

/**
 * Trains `spec` into `dir` unless a finished run is already there (a killed run resumes from its checkpoint; a
 * finished one is stored as weights + EMA without the optimizer state), then opens it (EMA weights unless `open.ema` is false)
 * and checks it against its network probe (net-probe.ts; recorded on first use). Returns the open run and the training
 * wall time of this call (0 when reused).
 */
export async function ensureTrained(dir: string, spec: ModelSpec, ds: Dataset, log: (m: string) => void, open: { ema?: boolean } = {}): Promise<{ run: OpenRun; trainSeconds: number; reused: boolean }> {
  const config = trainConfigFor(spec, ds);
  let trainSeconds = 0;
  // One writer per model-store entry: another process training the same model is waited for, then reused.
  const lock = await acquireLock(dir, 'experiment model training', { waitMs: MODEL_LOCK_WAIT_MS, onWait: (h) => log(`waiting for pid ${h.pid} (${h.what} since ${h.since}) to finish ${dir}`) });
  try {
    const reused = isRunFinished(dir);
    if (!reused) {
      const t0 = Date.now();
      const resume = existsSync(join(dir, RUN_FILES.checkpoint));
      const r = await trainRun(config, { dir, resume, overwrite: !resume, dataset: ds, progress: true, handleSigint: true, log, lock });
      if (r.interrupted) throw new Error(`interrupted while training ${dir} (checkpoint at step ${r.step}); run the same command with --run-id <this run's id> to resume`);
      trainSeconds = (Date.now() - t0) / 1000;
      // A finished store entry is only sampled from: keep weights + EMA, drop Adam's moments (half the bytes to commit).
      const saved = await dropOptimizerState(join(dir, RUN_FILES.checkpoint));
      log(`dropped the optimizer state of the finished model (${(saved / 1e6).toFixed(1)} MB)`);
    } else log(`reusing the trained model in ${dir}`);
    const run = await openRun(dir, open);
    try {
      // A reused entry must still be the function it was trained as (keys hash the config, not the code).
      if (checkOrRecordProbe(dir, run, open.ema ?? true) === 'recorded' && reused) log(`recorded the network probe of ${dir} (${PROBE_FILE})`);
    } catch (e) {
      run.dispose();
      throw e;
    }
    return { run, trainSeconds, reused };
  } finally {
    lock.release();
  }
}

/** How long {@link ensureTrained} waits for another process that trains the same model (a day). */
export const MODEL_LOCK_WAIT_MS = 24 * 3600 * 1000;

/**
 * Throws (one line) when a recomputed cell would use another model than its old record, or train one: the store's keys
 * hash the training config as the code derives it today, so a config field added since the run gives another key, and
 * a recompute would silently mix models within one run. Nothing to check for a cell that was not recomputed.
 */
export function recomputeModelCheck(ctx: Pick<CellContext<unknown>, 'recomputeOf'>, cellId: string, model: string, finished: boolean): void {
  const was = ctx.recomputeOf?.models;
  if (was === undefined || was.length === 0) return;
  if (!was.includes(model)) {
    throw new Error(`recompute: cell ${cellId} would use model ${model}, its old record used ${was.join(', ')} (the model's training config, as the code derives it now, changed since the run); ` +
      'a recompute must reuse the old model; to compute with today\'s training config, run the whole experiment again with a new --run-id');
  }
  if (!finished) throw new Error(`recompute: cell ${cellId} needs model ${model}, which is not a finished model in the store; a recompute never trains: restore the model folder, or run the whole experiment again with a new --run-id`);
}
