import * as tf from '@tensorflow/tfjs-core';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, type Dataset } from '@pfgm/data';
import { makeMethod } from '@pfgm/methods';
import { buildNetwork, diffFields, type Network } from '@pfgm/networks';
import { acquireLock, clearRunFolder, finishRun, folderState, notARunMessage, readJson, removeStaleTempFiles, writeProvenance, type RunLock } from '@pfgm/report';
import { Rng } from '@pfgm/tensor';
import { datasetSource, disposeAdam, fit, initState, NonFiniteError, restoreTrainCheckpoint, saveTrainCheckpoint, type BatchSource, type TrainState } from '@pfgm/train';
import { checkTrainConfig } from './check-train-config.js';
import { checkDomain, NON_NEGATIVE_INT } from './domains.js';
import { progress } from './progress.js';
import { checkCheckpointMatches, checkpointExtraFor } from './run-checkpoint.js';
import { sampleGrid } from './sample-grid.js';
import { RUN_FILES, type TrainRunConfig } from './run-config.js';
import { openTrainLog, type TrainLog } from './train-log.js';
import { plotTrainLog, TRAIN_LOSS_PLOT } from './train-loss-plot.js';

/** How a training run treats its folder and the terminal. */
export interface TrainRunOptions {
  /** Run folder (created if absent). */
  dir: string;
  /** Continue the unfinished run in `dir` from its checkpoint (the config must match, except `train.steps`). */
  resume?: boolean;
  /** Replace the run `dir` holds (only files a training run writes are removed; a folder that is not a run is refused). */
  overwrite?: boolean;
  /** Dataset already loaded by the caller (else loaded from `config.data`). */
  dataset?: Dataset;
  /** Progress bar / lines. Default true. */
  progress?: boolean;
  /** Ctrl-C (SIGINT) and SIGTERM write a checkpoint and stop cleanly. Default true. */
  handleSigint?: boolean;
  /** Messages. Default: stderr. */
  log?: (msg: string) => void;
  /** Compute threads of the backend in use (recorded in provenance.json). */
  threads?: number;
  /** Steps between sample grids `samples/step-<k>.png` (EMA weights, Euler with 20 steps); 0 = none. Default 0. */
  sampleEvery?: number;
  /** The lock of `dir` when the caller already holds it (else trainRun takes it and fails if another process has it). */
  lock?: RunLock;
}

/** Outcome of a training run. */
export interface TrainRunResult {
  dir: string;
  step: number;
  /** True when a signal stopped it early (a checkpoint was written; `--resume` continues). */
  interrupted: boolean;
  /** The signal that stopped it (exit status 128 + its number: SIGINT 130, SIGTERM 143). */
  signal?: StopSignal;
  /** Loss of the last step. */
  lastLoss: number;
}

/** Signals that stop training cleanly (checkpoint, then exit). */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** What a training run does with its folder, decided before anything is written. */
type FolderPlan = { kind: 'fresh' } | { kind: 'overwrite' } | { kind: 'resume'; finished: boolean };

/** Entries of a run folder that a training run writes (the only ones `--overwrite` removes). */
const OWNED = new Set<string>([RUN_FILES.config, 'provenance.json', RUN_FILES.checkpoint, RUN_FILES.log, TRAIN_LOSS_PLOT, 'DONE', 'samples']);

/** Trains `config` into `opts.dir`: config.json, provenance.json, checkpoint.safetensors, DONE when finished. */
export async function trainRun(config: TrainRunConfig, opts: TrainRunOptions): Promise<TrainRunResult> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const { dir } = opts;
  // Everything that can be refused is checked before the folder is touched.
  checkTrainConfig(config);
  if (opts.sampleEvery !== undefined) checkDomain('--sample-every', opts.sampleEvery, NON_NEGATIVE_INT);
  precheckRunFolder(opts);
  planFolder(config, opts);
  const ds = opts.dataset ?? (await loadDataset(config.data.spec, { limit: config.data.limit, size: config.data.size, channels: config.data.channels, dataDir: config.data.dataDir }));
  const t = config.train;
  const data = datasetSource(ds, { batchSize: t.batchSize, referenceSize: t.referenceSize, seed: t.seed, flip: t.flip });
  const method = makeMethod(config.method);
  const io = method.networkIo(config.data.shape);
  const net = buildNetwork(config.net, io, new Rng(config.train.seed, [0x6e6574])); // init stream "net"; refuses a net that does not fit the data
  const state = initState(net);
  const rng = new Rng(config.train.seed);
  const ckpt = join(dir, RUN_FILES.checkpoint);
  let lock = opts.lock;
  try {
    lock ??= await acquireLock(dir, 'pfgm train');
    const plan = planFolder(config, opts); // again, now that no one else can change the folder
    if (plan.kind === 'resume' && existsSync(ckpt)) {
      checkCheckpointMatches(ckpt, await restoreTrainCheckpoint(ckpt, net, state, rng), config, join(dir, RUN_FILES.config));
      log(`resumed ${dir} at step ${state.step}`);
    }
    applyPlan(plan, dir, log);
    const stale = [...removeStaleTempFiles(dir), ...removeStaleTempFiles(join(dir, 'samples'))];
    if (stale.length > 0) log(`removed ${stale.length} temp file(s) of an interrupted write: ${stale.join(', ')}`);
    writeProvenance(dir, { config, seed: config.train.seed, threads: opts.threads ?? null, extra: { dataset: ds.name, params: net.numParams }, resumedAt: state.step });
    log(`training ${config.methodName} on ${ds.name} (${ds.length} examples), ${config.netName} with ${net.numParams} parameters, steps ${state.step} → ${config.train.steps}`);
    if (t.warmup >= t.steps) log(`warning: the learning-rate warm-up (${t.warmup} steps) is not shorter than the run (${t.steps} steps): it trains at a fraction of --lr throughout; pass a smaller --warmup (e.g. ${Math.max(0, Math.round(t.steps / 10))}) or more --steps`);
    return await loop(config, opts, data, method, net, state, rng, ckpt);
  } finally {
    tf.dispose(state.ema);
    disposeAdam(state.adam);
    net.dispose();
    if (opts.lock === undefined) lock?.release();
  }
}

async function loop(
  config: TrainRunConfig, opts: TrainRunOptions, data: BatchSource, method: ReturnType<typeof makeMethod>,
  net: Network, state: TrainState, rng: Rng, ckpt: string,
): Promise<TrainRunResult> {
  const t = config.train;
  let signal: StopSignal | undefined;
  const onSignal = (s: StopSignal) => () => {
    signal = s;
    process.stderr.write(`\n${s === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}: finishing this step and writing a checkpoint…\n`);
  };
  const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') };
  if (opts.handleSigint !== false) for (const [s, h] of Object.entries(handlers)) process.once(s, h);
  const trainLog: TrainLog = openTrainLog(join(opts.dir, RUN_FILES.log), state.step);
  const bar = opts.progress === false ? undefined : progress('train', t.steps, state.step);
  let lastLoss = NaN;
  const extra = checkpointExtraFor(config);
  try {
    await fit(net, method, data, state, t, {
      onStep: (r) => {
        lastLoss = r.loss;
        trainLog.add(r);
        bar?.update(r.step, { loss: r.loss });
      },
      checkpoint: async (s) => {
        await saveTrainCheckpoint(ckpt, net, s, rng, extra);
        trainLog.flush();
        const every = opts.sampleEvery ?? 0;
        if (every > 0 && (s.step % every === 0 || s.step === t.steps)) await sampleGrid(opts.dir, method, net, s, config.data.shape);
      },
      checkpointEvery: t.checkpointEvery,
      shouldStop: () => signal !== undefined,
    });
  } catch (e) {
    if (e instanceof NonFiniteError) bar?.stop();
    throw e;
  } finally {
    bar?.stop();
    for (const [s, h] of Object.entries(handlers)) process.off(s, h);
  }
  const finished = state.step >= t.steps; // a signal during the last step still finishes the run
  if (finished) {
    await plotTrainLog(join(opts.dir, RUN_FILES.log), join(opts.dir, TRAIN_LOSS_PLOT), `${config.methodName}, ${config.data.spec}`).catch((e: Error) =>
      (opts.log ?? ((m: string) => process.stderr.write(`${m}\n`)))(`warning: could not draw ${TRAIN_LOSS_PLOT}: ${e.message}`));
    finishRun(opts.dir);
  }
  return { dir: opts.dir, step: state.step, interrupted: !finished, signal: finished ? undefined : signal, lastLoss };
}

/**
 * The folder checks that need no config (a file, a foreign folder, an existing run without --resume/--overwrite,
 * both flags), for callers that want to refuse before loading data. Reads only.
 */
export function precheckRunFolder(opts: Pick<TrainRunOptions, 'dir' | 'resume' | 'overwrite'>): void {
  if (opts.resume && opts.overwrite) throw new Error('pass --resume or --overwrite, not both');
  planFolder(undefined, opts);
}

/** Applies the never-silently-overwrite rules to the run folder, reading only: what the run will do with it. */
function planFolder(config: TrainRunConfig | undefined, opts: Pick<TrainRunOptions, 'dir' | 'resume' | 'overwrite'>): FolderPlan {
  const { dir } = opts;
  const state = folderState(dir);
  switch (state.kind) {
    case 'absent':
    case 'empty':
      return { kind: 'fresh' };
    case 'file':
      throw new Error(notARunMessage(dir, state));
    case 'foreign':
      if (opts.resume) throw new Error(`--resume: ${dir} holds no pfgm training run (no ${RUN_FILES.config} + provenance.json); pass the folder of the run to continue`);
      if (opts.overwrite) throw new Error(notARunMessage(dir, state));
      throw new Error(`${dir} already holds other files; refusing to write a run into it. Pass another --out (an empty or new folder).`);
    case 'run': {
      if (opts.overwrite) return { kind: 'overwrite' };
      if (!opts.resume) {
        const what = state.finished ? 'a finished run' : existsSync(join(dir, RUN_FILES.checkpoint)) ? 'an unfinished run' : 'a run without a checkpoint';
        throw new Error(`${dir} already holds ${what}; refusing to overwrite it. Pass --resume to continue it, --overwrite to replace it, or another --out.`);
      }
      if (config === undefined) return { kind: 'resume', finished: state.finished };
      const old = readJson<TrainRunConfig>(join(dir, RUN_FILES.config));
      const fixed = (c: TrainRunConfig) => ({ ...c, train: { ...c.train, steps: 0, checkpointEvery: 0 } }); // may change on resume
      const diffs = diffFields(fixed(old), fixed(config), 'config');
      if (diffs.length > 0) throw new Error(`--resume: the run in ${dir} was started with other settings: ${diffs.join('; ')}. Use the same options (only --steps and --checkpoint-every may change), or --overwrite.`);
      if (state.finished && config.train.steps <= old.train.steps) throw new Error(`--resume: ${dir} already finished its ${old.train.steps} steps; pass a larger --steps to train further`);
      return { kind: 'resume', finished: state.finished };
    }
  }
}

/** Carries out a plan (the lock is held): clears what an overwritten run wrote, reopens a finished run. */
function applyPlan(plan: FolderPlan, dir: string, log: (m: string) => void): void {
  switch (plan.kind) {
    case 'fresh':
      return;
    case 'overwrite': {
      const { kept } = clearRunFolder(dir, (e) => OWNED.has(e));
      if (kept.length > 0) log(`--overwrite: kept ${kept.length} file(s) that no training run writes: ${kept.slice(0, 5).join(', ')}`);
      return;
    }
    case 'resume':
      if (plan.finished) rmSync(join(dir, 'DONE'), { force: true });
      return;
  }
}
