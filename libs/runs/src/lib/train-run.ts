import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, type Dataset } from '@pfgm/data';
import { makeMethod } from '@pfgm/methods';
import { buildNetwork, diffFields, type Network } from '@pfgm/networks';
import { finishRun, isRunFinished, readJson, writeProvenance } from '@pfgm/report';
import { Rng } from '@pfgm/tensor';
import { datasetSource, disposeAdam, fit, initState, NonFiniteError, restoreTrainCheckpoint, saveTrainCheckpoint, type TrainState } from '@pfgm/train';
import { progress } from './progress.js';
import { sampleGrid } from './sample-grid.js';
import { RUN_FILES, type TrainRunConfig } from './run-config.js';

/** How a training run treats its folder and the terminal. */
export interface TrainRunOptions {
  /** Run folder (created if absent). */
  dir: string;
  /** Continue the unfinished run in `dir` from its checkpoint (the config must match, except `train.steps`). */
  resume?: boolean;
  /** Replace whatever `dir` holds. */
  overwrite?: boolean;
  /** Dataset already loaded by the caller (else loaded from `config.data`). */
  dataset?: Dataset;
  /** Progress bar / lines. Default true. */
  progress?: boolean;
  /** Ctrl-C writes a checkpoint and stops cleanly. Default true. */
  handleSigint?: boolean;
  /** Messages. Default: stderr. */
  log?: (msg: string) => void;
  /** Compute threads of the backend in use (recorded in provenance.json). */
  threads?: number;
  /** Steps between sample grids `samples/step-<k>.png` (EMA weights, Euler with 20 steps); 0 = none. Default 0. */
  sampleEvery?: number;
}

/** Outcome of a training run. */
export interface TrainRunResult {
  dir: string;
  step: number;
  /** True when Ctrl-C stopped it early (a checkpoint was written; `--resume` continues). */
  interrupted: boolean;
  /** Loss of the last step. */
  lastLoss: number;
}

/** Trains `config` into `opts.dir`: config.json, provenance.json, checkpoint.safetensors, DONE when finished. */
export async function trainRun(config: TrainRunConfig, opts: TrainRunOptions): Promise<TrainRunResult> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const { dir } = opts;
  prepareDir(config, opts);
  const ds = opts.dataset ?? (await loadDataset(config.data.spec, { limit: config.data.limit, size: config.data.size, channels: config.data.channels, dataDir: config.data.dataDir }));
  const method = makeMethod(config.method);
  const io = method.networkIo(config.data.shape);
  const net = buildNetwork(config.net, io, new Rng(config.train.seed, [0x6e6574])); // init stream "net"
  const state = initState(net);
  const rng = new Rng(config.train.seed);
  const ckpt = join(dir, RUN_FILES.checkpoint);
  try {
    if (opts.resume && existsSync(ckpt)) {
      await restoreTrainCheckpoint(ckpt, net, state, rng);
      log(`resumed ${dir} at step ${state.step}`);
    }
    writeProvenance(dir, { config, seed: config.train.seed, threads: opts.threads ?? null, extra: { dataset: ds.name, params: net.numParams } });
    log(`training ${config.methodName} on ${ds.name} (${ds.length} examples), ${config.netName} with ${net.numParams} parameters, steps ${state.step} → ${config.train.steps}`);
    return await loop(config, opts, ds, method, net, state, rng, ckpt);
  } finally {
    tf.dispose(state.ema);
    disposeAdam(state.adam);
    net.dispose();
  }
}

async function loop(
  config: TrainRunConfig, opts: TrainRunOptions, ds: Dataset, method: ReturnType<typeof makeMethod>,
  net: Network, state: TrainState, rng: Rng, ckpt: string,
): Promise<TrainRunResult> {
  const t = config.train;
  const data = datasetSource(ds, { batchSize: t.batchSize, referenceSize: t.referenceSize, seed: t.seed, flip: t.flip });
  let stop = false;
  const onSigint = () => {
    stop = true;
    process.stderr.write('\nCtrl-C: finishing this step and writing a checkpoint…\n');
  };
  if (opts.handleSigint !== false) process.once('SIGINT', onSigint);
  const bar = opts.progress === false ? undefined : progress('train', t.steps, state.step);
  let lastLoss = NaN;
  try {
    await fit(net, method, data, state, t, {
      onStep: (r) => {
        lastLoss = r.loss;
        bar?.update(r.step, { loss: r.loss });
      },
      checkpoint: async (s) => {
        await saveTrainCheckpoint(ckpt, net, s, rng, { methodName: config.methodName });
        const every = opts.sampleEvery ?? 0;
        if (every > 0 && (s.step % every === 0 || s.step === t.steps)) await sampleGrid(opts.dir, method, net, s, config.data.shape);
      },
      checkpointEvery: t.checkpointEvery,
      shouldStop: () => stop,
    });
  } catch (e) {
    if (e instanceof NonFiniteError) bar?.stop();
    throw e;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
  if (!stop) finishRun(opts.dir);
  return { dir: opts.dir, step: state.step, interrupted: stop, lastLoss };
}

/** Applies the never-silently-overwrite rules to the run folder and writes config.json. */
function prepareDir(config: TrainRunConfig, opts: TrainRunOptions): void {
  const { dir } = opts;
  const cfgPath = join(dir, RUN_FILES.config);
  const nonEmpty = existsSync(dir) && readdirSync(dir).length > 0;
  if (nonEmpty && opts.overwrite) rmSync(dir, { recursive: true, force: true });
  else if (nonEmpty && opts.resume) {
    if (!existsSync(cfgPath)) throw new Error(`--resume: ${dir} holds no ${RUN_FILES.config}; it is not a pfgm training run`);
    const old = readJson<TrainRunConfig>(cfgPath);
    const fixed = (c: TrainRunConfig) => ({ ...c, train: { ...c.train, steps: 0, checkpointEvery: 0 } }); // may change on resume
    const diffs = diffFields(fixed(old), fixed(config), 'config');
    if (diffs.length > 0) throw new Error(`--resume: the run in ${dir} was started with other settings: ${diffs.join('; ')}. Use the same options (only --steps and --checkpoint-every may change), or --overwrite.`);
    if (isRunFinished(dir) && config.train.steps <= old.train.steps) throw new Error(`--resume: ${dir} already finished its ${old.train.steps} steps; pass a larger --steps to train further`);
    if (isRunFinished(dir)) rmSync(join(dir, 'DONE'), { force: true });
  } else if (nonEmpty) {
    const what = isRunFinished(dir) ? 'a finished run' : existsSync(join(dir, RUN_FILES.checkpoint)) ? 'an unfinished run' : 'other files';
    throw new Error(`${dir} already holds ${what}; refusing to overwrite it. Pass --resume to continue it, --overwrite to replace it, or another --out.`);
  }
  mkdirSync(dir, { recursive: true });
}
