import * as tf from '@tensorflow/tfjs-core';
import { statSync } from 'node:fs';
import { diffFields, type NamedTensor } from '@pfgm/networks';
import { toJson } from '@pfgm/report';
import type { TrainRunConfig } from './run-config.js';

/**
 * What a run's checkpoint records about the run beside the network (the `extra` metadata of the checkpoint): the
 * method and its config, the network and the data shape. Checkpoints written before this existed hold only
 * `methodName`; they are compared on that.
 */
export interface RunCheckpointExtra {
  methodName: string;
  method?: unknown;
  netName?: string;
  dataShape?: number[];
}

/** JSON round trip that keeps ±Infinity as strings (D = ∞), so both sides compare alike. */
const plain = (v: unknown): unknown => JSON.parse(toJson(v ?? null));

/** The extra metadata a training run writes into its checkpoint. */
export function checkpointExtraFor(config: TrainRunConfig): RunCheckpointExtra {
  return plain({ methodName: config.methodName, method: config.method, netName: config.netName, dataShape: config.data.shape }) as RunCheckpointExtra;
}

/** Fields where a checkpoint's recorded run and `config` differ, e.g. `method.D: checkpoint 2048, expected 128`. */
export function checkpointMismatch(extra: unknown, config: TrainRunConfig): string[] {
  const got = (plain(extra) ?? {}) as Partial<RunCheckpointExtra>;
  const want = checkpointExtraFor(config);
  const diffs: string[] = [];
  if (got.methodName !== undefined && got.methodName !== want.methodName) diffs.push(`methodName: checkpoint "${got.methodName}", expected "${want.methodName}"`);
  const kind = (m: unknown) => (m as { kind?: string } | undefined)?.kind;
  if (got.method !== undefined && kind(got.method) !== kind(want.method)) diffs.push(`method.kind: checkpoint "${kind(got.method)}", expected "${kind(want.method)}"`);
  else if (got.method !== undefined) diffs.push(...diffFields(got.method, want.method, 'method'));
  if (got.dataShape !== undefined) diffs.push(...diffFields(got.dataShape, want.dataShape, 'data.shape'));
  return diffs;
}

/** Throws one line naming every differing field when the checkpoint at `path` belongs to another run than `config`. */
export function checkCheckpointMatches(path: string, extra: unknown, config: TrainRunConfig, configPath: string): void {
  const diffs = checkpointMismatch(extra, config);
  if (diffs.length > 0) {
    throw new Error(
      `checkpoint ${path} was trained with another setup than ${configPath} describes: ${diffs.join('; ')}. ` +
        'Put the checkpoint back beside its own config.json, or train a new run.',
    );
  }
}

/** Throws a clear error unless `path` is a regular file (a folder or device is named as such). */
export function checkIsFile(path: string, what: string): void {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) throw new Error(`${what} ${path} does not exist`);
  if (!st.isFile()) throw new Error(`${what} ${path} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; expected a checkpoint.safetensors file written by pfgm train`);
}

/** Throws naming the file and the first tensor that holds NaN or ±Infinity. */
export function checkFinite(path: string, groups: Record<string, NamedTensor[]>): void {
  for (const [group, tensors] of Object.entries(groups)) {
    for (const { name, tensor } of tensors) {
      const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(tensor))).dataSync()[0]);
      if (bad) throw new Error(`checkpoint ${path}: the ${group} weights are not finite (${name} holds NaN or Infinity); the file is damaged or came from a diverged run — use an earlier checkpoint or retrain`);
    }
  }
}
