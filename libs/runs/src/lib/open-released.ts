import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { makeMethod, pfgmConfig, pfgmppConfig, vpConfig, type MethodConfig } from '@pfgm/methods';
import {
  edmPrecondConfig,
  loadNcsnpp,
  loadSongUNet,
  matchNcsnppReleased,
  readEdmFile,
  readScoreSdeCheckpoint,
  type EdmPrecondConfig,
  type NcsnppConfig,
  type Network,
} from '@pfgm/networks';
import { PersistentObject, readTorchObject } from '@pfgm/tensor';
import * as tf from '@tensorflow/tfjs-core';
import { trainDefaultsFor, type MethodName } from './defaults.js';
import type { OpenRun } from './open-run.js';
import { resolveCheckpointFlags, type CheckpointFacts, type NcsnppConfigJson, type ReleasedDataset, type ResolvedCheckpoint } from './released-flags.js';
import type { TrainRunConfig } from './run-config.js';

// The papers' released checkpoints as runs: score_sde-format `checkpoint_*.pth` (PFGM, VP; config identified by the
// file's keys and shapes), EDM `network-snapshot-*.pkl` and PFGM++ `training-state-*.pt` (config pickled inside).
// Read as data (never unpickled by executing code); the method, D and architecture come from the file, and what it
// does not say from the caller (`pfgm --method/--D/--dataset/--arch-config`, merged by resolveCheckpointFlags).

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

/** What the caller says about a released file where the file is silent (each checked against what the file says). */
export interface ReleasedFlags {
  method?: MethodName;
  /** PFGM++ D (with method 'pfgmpp'). */
  D?: number;
  /** The data set the network was trained on (its image shape must be the network's). */
  dataset?: ReleasedDataset;
  /** The official NCSN++ config of a score_sde .pth that matches none of the released ones (`training.sde` optional). */
  ncsnpp?: NcsnppConfigJson;
}

/**
 * Opens a released checkpoint like a run folder (same fields as {@link OpenRun}, EMA weights unless `ema: false`).
 * Class-conditional networks sample class `classLabel` for every row, or by default ('cycle') class b mod labelDim for
 * row b of each batch: balanced classes, as EDM's generate.py draws them uniformly at random for its FID runs.
 */
export async function openReleased(
  path: string,
  opts: { ema?: boolean; classLabel?: number | 'cycle' } & ReleasedFlags = {},
): Promise<OpenRun & { released: ReleasedInfo }> {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) throw new Error(`--checkpoint ${path} does not exist; expected a released checkpoint (${RELEASED_EXTENSIONS.join(', ')}) or a run folder`);
  if (!st.isFile()) throw new Error(`--checkpoint ${path} is not a regular file; expected a released checkpoint (${RELEASED_EXTENSIONS.join(', ')})`);
  const bytes = new Uint8Array(readFileSync(path));
  const weights = opts.ema === false ? 'raw' : 'ema';
  return isEdmFile(bytes, path) ? openEdm(bytes, path, weights, opts.classLabel ?? 'cycle', opts) : openScoreSde(bytes, path, weights, opts);
}

/** EDM pickles (not zip) and torch.save zips whose 'ema' or 'net' is a persistent module; the rest is score_sde's format. */
function isEdmFile(bytes: Uint8Array, where: string): boolean {
  const legacyTorch = bytes[0] === 0x80 && bytes[1] === 0x02 && bytes[2] === 0x8a && bytes[3] === 0x0a; // torch < 1.6 magic
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) return bytes[0] === 0x80 && !legacyTorch; // a plain pickle: EDM
  const root = readTorchObject(bytes, where).root;
  return root instanceof Map && (root.get('ema') instanceof PersistentObject || root.get('net') instanceof PersistentObject);
}

const SDE_METHOD: Record<string, MethodName> = { poisson: 'pfgm', vpsde: 'vp' };

/**
 * score_sde `.pth` files carry no config: the released one their weights match (method from its `training.sde`), or
 * `flags.ncsnpp` for a model of other sizes (its `training.sde`, else `flags.method`, says PFGM or VP).
 */
function openScoreSde(bytes: Uint8Array, path: string, weights: 'ema' | 'raw', flags: ReleasedFlags): OpenRun & { released: ReleasedInfo } {
  const ckpt = readScoreSdeCheckpoint(bytes, path);
  const given = flags.ncsnpp;
  const { name, config } = given === undefined ? matchReleasedConfig(ckpt, path) : { name: 'ncsnpp (--arch-config)', config: structuredClone(given) as NcsnppConfigJson };
  const S = config.data.image_size;
  const shape = [S, S, config.data.num_channels];
  const sde = config.training?.sde;
  if (sde !== undefined && SDE_METHOD[sde] === undefined) throw new Error(`--arch-config: training.sde ${JSON.stringify(sde)} is not supported; expected "poisson" (PFGM) or "vpsde" (VP-ODE)`);
  const source = given === undefined ? `its weights (they match the released config ${name})` : `the given --arch-config (training.sde ${sde === undefined ? 'absent' : JSON.stringify(sde)})`;
  const resolved = resolve({ kind: 'score_sde', where: path, method: SDE_METHOD[sde ?? ''], shape, source }, flags);
  const full: NcsnppConfig = { ...config, training: { ...config.training, sde: resolved.method === 'pfgm' ? 'poisson' : 'vpsde' } }; // PFGM: N+1 outputs
  const net = loadNcsnpp(ckpt, full, { weights, where: path });
  const pfgm = resolved.method === 'pfgm';
  // The loaded network takes the official label (z, resp. 999·t); PFGM's per-dataset sampling settings from --dataset
  // when it is one of Poisson_flow's configs, else by size (Poisson_flow `configs/poisson/*.py`).
  const dataset = resolved.dataset === 'cifar10' || resolved.dataset === 'celeba64' || resolved.dataset === 'lsun-bedroom256' ? resolved.dataset : S === 256 ? 'lsun-bedroom256' : S === 64 ? 'celeba64' : 'cifar10';
  const method: MethodConfig = pfgm ? pfgmConfig(dataset, { condition: 'z' }) : vpConfig();
  return asRun(path, resolved.method, method, net, shape, ckpt.step, { format: 'score_sde', architecture: name, labelDim: 0 }, resolved.dataset);
}

/** The released config a .pth matches; none: one line saying how to give it. */
function matchReleasedConfig(ckpt: ReturnType<typeof readScoreSdeCheckpoint>, path: string): { name: string; config: NcsnppConfigJson } {
  try {
    return matchNcsnppReleased(ckpt, path);
  } catch (e) {
    throw new Error(`${(e as Error).message.replace(/; pass its config explicitly$/, '')}; give its official config (model, data, training.sde) as JSON with --arch-config <file.json>`);
  }
}

/** resolveCheckpointFlags on the file's facts and the caller's flags. */
function resolve(facts: CheckpointFacts, flags: ReleasedFlags): ResolvedCheckpoint {
  return resolveCheckpointFlags(facts, { method: flags.method, D: flags.D, dataset: flags.dataset, archConfig: flags.ncsnpp !== undefined });
}

function openEdm(bytes: Uint8Array, path: string, weights: 'ema' | 'raw', classLabel: number | 'cycle', flags: ReleasedFlags): OpenRun & { released: ReleasedInfo } {
  const file = readEdmFile(bytes, path);
  const node = (weights === 'ema' ? file.ema : file.net) ?? file.ema ?? file.net; // the missing one: loadSongUNet says so
  const recorded = edmPrecondConfig(node as PersistentObject, path);
  const resolved = resolve(edmFacts(recorded, path, [recorded.img_resolution, recorded.img_resolution, recorded.img_channels]), flags);
  const { network, precond } = loadSongUNet(file, { weights, where: path });
  // EDMPrecond clamps the sampler's σ range to what the network supports (generate.py).
  const range = { sigmaMin: Math.max(0.002, precond.sigma_min), sigmaMax: Math.min(80, precond.sigma_max), sigmaData: precond.sigma_data };
  const D = resolved.method === 'pfgmpp' ? (resolved.D as number) : Infinity;
  const method = pfgmppConfig(D, range);
  const net = precond.label_dim > 0 ? withClass(network, precond.label_dim, classLabel, path) : network;
  const R = precond.img_resolution;
  const arch = `SongUNet ${precond.model.embedding_type === 'fourier' ? 'ncsnpp' : 'ddpmpp'}`;
  return asRun(path, resolved.method, method, net, [R, R, precond.img_channels], file.step ?? 0, {
    format: 'edm',
    architecture: arch,
    labelDim: precond.label_dim,
  }, resolved.dataset);
}

/**
 * What EDMPrecond says: PFGM++ with D when it records pfgmpp=True (set only by PFGM++ training). pfgmpp=False or no
 * record (NVlabs/edm, older PFGM++ pickles) says nothing: EDM unless told otherwise, as pfgmpp `generate.py` takes
 * --pfgmpp and --aug_dim from its command line, not from the network.
 */
function edmFacts(precond: EdmPrecondConfig, where: string, shape: number[]): CheckpointFacts {
  if (!precond.pfgmpp) {
    const what = precond.pfgmppRecorded ? 'records pfgmpp=False' : 'records no pfgmpp/D (NVlabs/edm, or an older PFGM++ pickle)';
    return { kind: 'edm', where, shape, source: `its EDMPrecond, which ${what}: EDM (D = ∞) unless --method pfgmpp --D <int>` };
  }
  return { kind: 'edm', where, method: 'pfgmpp', ...(precond.D !== null ? { D: precond.D } : {}), shape, source: `its EDMPrecond (pfgmpp=True, D=${precond.D})` };
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

function asRun(path: string, methodName: MethodName, config: MethodConfig, net: Network, shape: number[], step: number, released: ReleasedInfo, dataset?: ReleasedDataset): OpenRun & { released: ReleasedInfo } {
  const method = makeMethod(config);
  const runConfig: TrainRunConfig = {
    methodName,
    method: config,
    netName: `released:${released.architecture}`,
    net: net.config,
    data: { spec: dataset ?? `released:${path}`, shape, avgNorm: Number.NaN },
    // The official recipe the file was trained with (for provenance; nothing here trains).
    train: (({ flip = false, ...d }) => ({ ...d, flip, steps: step, seed: 0, checkpointEvery: 0 }))(trainDefaultsFor(methodName, 'paper')),
  };
  return { dir: path, config: runConfig, method, net, predictor: method.predictor(net), shape, step, dispose: () => net.dispose(), released };
}
