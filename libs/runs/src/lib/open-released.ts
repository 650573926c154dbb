import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { makeMethod, pfgmConfig, pfgmppConfig, vpConfig, type MethodConfig } from '@pfgm/methods';
import {
  loadNcsnpp,
  loadSongUNet,
  matchNcsnppReleased,
  readEdmFile,
  readScoreSdeCheckpoint,
  type NcsnppConfig,
  type Network,
} from '@pfgm/networks';
import { PersistentObject, readTorchObject } from '@pfgm/tensor';
import * as tf from '@tensorflow/tfjs-core';
import { trainDefaultsFor, type MethodName } from './defaults.js';
import type { OpenRun } from './open-run.js';
import type { TrainRunConfig } from './run-config.js';

// The papers' released checkpoints as runs: score_sde-format `checkpoint_*.pth` (PFGM, VP; config identified by the
// file's keys and shapes), EDM `network-snapshot-*.pkl` and PFGM++ `training-state-*.pt` (config pickled inside).
// Read as data (never unpickled by executing code); the method, D and architecture come from the file.

/** File name endings of released checkpoints (score_sde .pth, PFGM++ .pt, EDM .pkl). */
export const RELEASED_EXTENSIONS = ['.pth', '.pt', '.pkl'] as const;

/** Whether `path` names a released checkpoint rather than a run of `pfgm train`. */
export function isReleasedCheckpoint(path: string): boolean {
  return (RELEASED_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

/** What a released file was identified as. */
export interface ReleasedInfo {
  /** 'score_sde' (PFGM / VP .pth) or 'edm' (EDM .pkl, PFGM++ .pt). */
  format: 'score_sde' | 'edm';
  /** E.g. 'pfgm-cifar10-ddpmpp' or 'SongUNet ncsnpp'. */
  architecture: string;
  /** Number of classes of a class-conditional network (EDM `label_dim`), else 0. */
  labelDim: number;
}

/**
 * Opens a released checkpoint like a run folder (same fields as {@link OpenRun}, EMA weights unless `ema: false`).
 * Class-conditional networks sample class `classLabel` for every row, or by default ('cycle') class b mod labelDim for
 * row b of each batch: balanced classes, as EDM's generate.py draws them uniformly at random for its FID runs.
 */
export async function openReleased(
  path: string,
  opts: { ema?: boolean; classLabel?: number | 'cycle'; ncsnpp?: NcsnppConfig } = {},
): Promise<OpenRun & { released: ReleasedInfo }> {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) throw new Error(`--ckpt ${path} does not exist`);
  if (!st.isFile()) throw new Error(`--ckpt ${path} is not a regular file; expected a released checkpoint (${RELEASED_EXTENSIONS.join(', ')})`);
  const bytes = new Uint8Array(readFileSync(path));
  const weights = opts.ema === false ? 'raw' : 'ema';
  return isEdmFile(bytes, path) ? openEdm(bytes, path, weights, opts.classLabel ?? 'cycle') : openScoreSde(bytes, path, weights, opts.ncsnpp);
}

/** EDM pickles (not zip) and torch.save zips whose 'ema' or 'net' is a persistent module; the rest is score_sde's format. */
function isEdmFile(bytes: Uint8Array, where: string): boolean {
  const legacyTorch = bytes[0] === 0x80 && bytes[1] === 0x02 && bytes[2] === 0x8a && bytes[3] === 0x0a; // torch < 1.6 magic
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) return bytes[0] === 0x80 && !legacyTorch; // a plain pickle: EDM
  const root = readTorchObject(bytes, where).root;
  return root instanceof Map && (root.get('ema') instanceof PersistentObject || root.get('net') instanceof PersistentObject);
}

/** `given`: the official config when the file is none of the released ones (e.g. a model trained with other sizes). */
function openScoreSde(bytes: Uint8Array, path: string, weights: 'ema' | 'raw', given?: NcsnppConfig): OpenRun & { released: ReleasedInfo } {
  const ckpt = readScoreSdeCheckpoint(bytes, path);
  const { name, config } = given === undefined ? matchNcsnppReleased(ckpt, path) : { name: 'ncsnpp (given config)', config: given };
  const net = loadNcsnpp(ckpt, config, { weights, where: path });
  const S = config.data.image_size;
  const shape = [S, S, config.data.num_channels];
  const pfgm = config.training.sde === 'poisson';
  // The loaded network takes the official label (z, resp. 999·t); PFGM's per-dataset sampling settings by size.
  const dataset = S === 256 ? 'lsun-bedroom256' : S === 64 ? 'celeba64' : 'cifar10';
  const method: MethodConfig = pfgm ? pfgmConfig(dataset, { condition: 'z' }) : vpConfig();
  return asRun(path, pfgm ? 'pfgm' : 'vp', method, net, shape, ckpt.step, { format: 'score_sde', architecture: name, labelDim: 0 });
}

function openEdm(bytes: Uint8Array, path: string, weights: 'ema' | 'raw', classLabel: number | 'cycle'): OpenRun & { released: ReleasedInfo } {
  const file = readEdmFile(bytes, path);
  const { network, precond } = loadSongUNet(file, { weights, where: path });
  // EDMPrecond clamps the sampler's σ range to what the network supports (generate.py).
  const range = { sigmaMin: Math.max(0.002, precond.sigma_min), sigmaMax: Math.min(80, precond.sigma_max), sigmaData: precond.sigma_data };
  const D = precond.pfgmpp && precond.D !== null ? precond.D : Infinity;
  const method = pfgmppConfig(D, range);
  const net = precond.label_dim > 0 ? withClass(network, precond.label_dim, classLabel, path) : network;
  const R = precond.img_resolution;
  const arch = `SongUNet ${precond.model.embedding_type === 'fourier' ? 'ncsnpp' : 'ddpmpp'}`;
  return asRun(path, D === Infinity ? 'edm' : 'pfgmpp', method, net, [R, R, precond.img_channels], file.step ?? 0, {
    format: 'edm',
    architecture: arch,
    labelDim: precond.label_dim,
  });
}

/** A class-conditional network sampling one class for every row (EDM generate.py `--class`), or cycling through them. */
function withClass(net: Network, labelDim: number, label: number | 'cycle', where: string): Network {
  if (label !== 'cycle' && (!Number.isInteger(label) || label < 0 || label >= labelDim)) throw new Error(`${where}: class ${label} is outside the network's ${labelDim} classes`);
  return {
    ...net,
    apply: (x, cond, training) => {
      const B = x.shape[0];
      const oneHot = new Float32Array(B * labelDim);
      for (let b = 0; b < B; b++) oneHot[b * labelDim + (label === 'cycle' ? b % labelDim : label)] = 1;
      const labels = tf.tensor2d(oneHot, [B, labelDim]);
      try {
        return net.apply(x, cond, training, labels);
      } finally {
        labels.dispose();
      }
    },
    dispose: () => net.dispose(),
  };
}

function asRun(path: string, methodName: MethodName, config: MethodConfig, net: Network, shape: number[], step: number, released: ReleasedInfo): OpenRun & { released: ReleasedInfo } {
  const method = makeMethod(config);
  const runConfig: TrainRunConfig = {
    methodName,
    method: config,
    netName: `released:${released.architecture}`,
    net: net.config,
    data: { spec: `released:${path}`, shape, avgNorm: Number.NaN },
    // The official recipe the file was trained with (for provenance; nothing here trains).
    train: (({ flip = false, ...d }) => ({ ...d, flip, steps: step, seed: 0, checkpointEvery: 0 }))(trainDefaultsFor(methodName, 'paper')),
  };
  return { dir: path, config: runConfig, method, net, predictor: method.predictor(net), shape, step, dispose: () => net.dispose(), released };
}
