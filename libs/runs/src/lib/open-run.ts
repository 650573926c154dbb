import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeMethod, type Method, type Predictor } from '@pfgm/methods';
import { assignWeights, buildNetwork, loadCheckpoint, type Network } from '@pfgm/networks';
import { readJson } from '@pfgm/report';
import { Rng } from '@pfgm/tensor';
import * as tf from '@tensorflow/tfjs-core';
import { RUN_FILES, type TrainRunConfig } from './run-config.js';
import { isReleasedCheckpoint, openReleased } from './open-released.js';
import { checkCheckpointMatches, checkFinite, checkIsFile } from './run-checkpoint.js';

/** A trained run, ready to sample: its config, method, network (EMA weights by default) and predictor. */
export interface OpenRun {
  dir: string;
  config: TrainRunConfig;
  method: Method;
  net: Network;
  predictor: Predictor;
  /** Per-sample data shape. */
  shape: number[];
  /** Optimizer steps the checkpoint holds. */
  step: number;
  dispose(): void;
}

/** Opens `<dir>` (or a checkpoint file inside a run folder) written by `pfgm train`. */
export async function openRun(path: string, opts: { ema?: boolean } = {}): Promise<OpenRun> {
  if (isReleasedCheckpoint(path)) return openReleased(path, opts); // the papers' .pth / .pt / .pkl files
  const dir = path.endsWith('.safetensors') ? join(path, '..') : path;
  const cfgPath = join(dir, RUN_FILES.config);
  const ckpt = path.endsWith('.safetensors') ? path : join(dir, RUN_FILES.checkpoint);
  if (!existsSync(cfgPath) || !existsSync(ckpt)) {
    throw new Error(`--ckpt ${path}: expected a run folder made by 'pfgm train' with ${RUN_FILES.config} and ${RUN_FILES.checkpoint}; ${existsSync(cfgPath) ? ckpt : cfgPath} is missing`);
  }
  checkIsFile(ckpt, '--ckpt: checkpoint');
  const config = readJson<TrainRunConfig>(cfgPath);
  const method = makeMethod(config.method);
  const io = method.networkIo(config.data.shape);
  const c = await loadCheckpoint(ckpt, { config: config.net, io });
  try {
    checkCheckpointMatches(ckpt, c.extra, config, cfgPath);
    const weights = opts.ema === false || c.ema.length === 0 ? c.weights : c.ema;
    checkFinite(ckpt, { [weights === c.ema ? 'EMA' : 'raw']: weights });
    const net = buildNetwork(config.net, io, new Rng(0));
    try {
      assignWeights(net, weights);
    } catch (e) {
      net.dispose();
      throw e;
    }
    return { dir, config, method, net, predictor: method.predictor(net), shape: config.data.shape, step: c.step, dispose: () => net.dispose() };
  } finally {
    tf.dispose([...c.weights, ...c.ema, ...c.optimizer].map((t) => t.tensor));
  }
}
