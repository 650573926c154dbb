import type * as tf from '@tensorflow/tfjs-core';
import type { RngState } from '@pfgm/tensor';
import { readSafetensors, writeSafetensors, type NamedTensor } from './safetensors.js';
import type { Network, NetworkConfig, NetworkIo } from './types.js';

/**
 * Checkpoint file format (version 1): a safetensors file (see safetensors.ts). Tensor names are
 * `weights/<name>` (network weights, `Network.names`), `ema/<name>` (EMA copy of the weights) and
 * `optimizer/<name>` (the optimizer's own named tensors, opaque here, e.g. tf.train.adam `getWeights()`).
 * `__metadata__` (all values are strings, as safetensors requires):
 *   format "pfgm-checkpoint", version "1", config / io (JSON of NetworkConfig / NetworkIo), step (decimal),
 *   rng (JSON RngState of the training stream), dropout_rng (JSON RngState of Network.dropoutRng),
 *   extra (JSON, caller's own: method config, data set, …).
 * Loadable by Python `safetensors.numpy.load_file`.
 */
export const CHECKPOINT_FORMAT = 'pfgm-checkpoint';
export const CHECKPOINT_VERSION = '1';

/** Everything a resumable training run stores. Tensors are the caller's (save) or the caller's to dispose (load). */
export interface Checkpoint {
  config: NetworkConfig;
  io: NetworkIo;
  /** Optimizer steps taken. */
  step: number;
  /** Training RNG state (`Rng.state()`). */
  rng: RngState;
  /** Dropout RNG state (`Network.dropoutRng.state()`). */
  dropoutRng: RngState;
  weights: NamedTensor[];
  ema: NamedTensor[];
  optimizer: NamedTensor[];
  /** Free-form JSON the caller wants back (method config, data set, …). */
  extra: unknown;
}

/** Collects a network's weights as named tensors (views of the variables; do not dispose them). */
export function networkWeights(net: Network): NamedTensor[] {
  return net.weights.map((tensor, i) => ({ name: net.names[i], tensor }));
}

/** Writes a checkpoint atomically (temp file + fsync + rename): a crash leaves the previous file intact. */
export async function saveCheckpoint(path: string, c: Checkpoint): Promise<void> {
  if (!Number.isSafeInteger(c.step) || c.step < 0) throw new Error(`checkpoint step must be a non-negative integer, got ${c.step}`);
  const prefixed = (group: string, ts: NamedTensor[]): NamedTensor[] => ts.map((t) => ({ name: `${group}/${t.name}`, tensor: t.tensor }));
  await writeSafetensors(
    path,
    [...prefixed('weights', c.weights), ...prefixed('ema', c.ema), ...prefixed('optimizer', c.optimizer)],
    {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      config: JSON.stringify(c.config),
      io: JSON.stringify(c.io),
      step: String(c.step),
      rng: JSON.stringify(c.rng),
      dropout_rng: JSON.stringify(c.dropoutRng),
      extra: JSON.stringify(c.extra ?? null),
    },
  );
}

/** What the loader should check the file against (a mismatch is an error naming each differing field). */
export interface CheckpointExpectation {
  config: NetworkConfig;
  io: NetworkIo;
}

/** Reads a checkpoint; with `expected`, a different config/io throws, listing every differing field. */
export async function loadCheckpoint(path: string, expected?: CheckpointExpectation): Promise<Checkpoint> {
  const { tensors, metadata: m } = await readSafetensors(path);
  try {
    if (m.format !== CHECKPOINT_FORMAT) throw new Error(`checkpoint ${path}: not a ${CHECKPOINT_FORMAT} file (format "${m.format}")`);
    if (m.version !== CHECKPOINT_VERSION) {
      throw new Error(`checkpoint ${path}: format version ${m.version}, this code reads version ${CHECKPOINT_VERSION}`);
    }
    const config = JSON.parse(m.config) as NetworkConfig;
    const io = JSON.parse(m.io) as NetworkIo;
    if (expected !== undefined) {
      const diffs = [...diffFields(config, expected.config, 'config'), ...diffFields(io, expected.io, 'io')];
      if (diffs.length > 0) {
        throw new Error(
          `checkpoint ${path} was written for a different network: ${diffs.join('; ')}. ` +
            'Build the network from the checkpoint config (or pass matching options), or pick another checkpoint.',
        );
      }
    }
    const group = (g: string): NamedTensor[] =>
      tensors.filter((t) => t.name.startsWith(`${g}/`)).map((t) => ({ name: t.name.slice(g.length + 1), tensor: t.tensor }));
    return {
      config,
      io,
      step: Number(m.step),
      rng: JSON.parse(m.rng),
      dropoutRng: JSON.parse(m.dropout_rng),
      weights: group('weights'),
      ema: group('ema'),
      optimizer: group('optimizer'),
      extra: JSON.parse(m.extra ?? 'null'),
    };
  } catch (e) {
    tensors.forEach((t) => t.tensor.dispose());
    throw e;
  }
}

/** Assigns named tensors to a network's weights; names and shapes must match exactly. */
export function assignWeights(net: Network, tensors: NamedTensor[]): void {
  const byName = new Map(tensors.map((t) => [t.name, t.tensor]));
  const missing = net.names.filter((n) => !byName.has(n));
  const extra = tensors.map((t) => t.name).filter((n) => !net.names.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`weights do not match the network: missing [${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}], ` +
      `unexpected [${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}]`);
  }
  net.weights.forEach((v, i) => {
    const t = byName.get(net.names[i]) as tf.Tensor;
    if (t.shape.join() !== v.shape.join()) throw new Error(`weight ${net.names[i]}: shape [${t.shape}] in file, network has [${v.shape}]`);
    v.assign(t);
  });
}

/** Paths and values where `actual` (the checkpoint) and `expected` differ, e.g. `config.channels: checkpoint 32, expected 64`. */
export function diffFields(actual: unknown, expected: unknown, path: string): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(actual) && isObj(expected)) {
    const keys = [...new Set([...Object.keys(actual), ...Object.keys(expected)])];
    return keys.flatMap((k) => diffFields(actual[k], expected[k], `${path}.${k}`));
  }
  if (JSON.stringify(actual) === JSON.stringify(expected)) return [];
  return [`${path}: checkpoint ${JSON.stringify(actual) ?? 'absent'}, expected ${JSON.stringify(expected) ?? 'absent'}`];
}
