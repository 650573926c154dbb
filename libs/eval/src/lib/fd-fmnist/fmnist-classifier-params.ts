import * as tf from '@tensorflow/tfjs-core';
import type { StateDict } from '../state-dict.js';

/** Size of the penultimate features the FD-FMNIST statistics are taken over (dense1 output, after ReLU). */
export const FMNIST_FEATURE_DIM = 128;
/** Fashion-MNIST classes. */
export const FMNIST_CLASSES = 10;
/** Channels of the first and second conv layer. */
const C1 = 16;
const C2 = 32;

/**
 * The classifier's parameters, NHWC / tfjs layouts (conv filters [k, k, Cin, Cout], dense weights [in, out]):
 * conv 3×3 1→16 + ReLU → max-pool 2 → conv 3×3 16→32 + ReLU → max-pool 2 → dense 1568→128 + ReLU (features) → dense 128→10.
 */
export const FMNIST_CLASSIFIER_LAYOUT: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['conv1.weight', [3, 3, 1, C1]],
  ['conv1.bias', [C1]],
  ['conv2.weight', [3, 3, C1, C2]],
  ['conv2.bias', [C2]],
  ['dense1.weight', [7 * 7 * C2, FMNIST_FEATURE_DIM]],
  ['dense1.bias', [FMNIST_FEATURE_DIM]],
  ['dense2.weight', [FMNIST_FEATURE_DIM, FMNIST_CLASSES]],
  ['dense2.bias', [FMNIST_CLASSES]],
];

/** Parameter tensors by name (see {@link FMNIST_CLASSIFIER_LAYOUT}); `tf.Variable`s while training. */
export type FmnistClassifierParams = Record<string, tf.Tensor>;

/** Checks names and shapes of a state dict against the layout; throws a clear error naming what is wrong. */
export function checkFmnistStateDict(sd: StateDict, where: string): void {
  const expected = new Set(FMNIST_CLASSIFIER_LAYOUT.map(([name]) => name));
  const extra = [...sd.keys()].filter((k) => !expected.has(k));
  if (extra.length > 0) {
    throw new Error(`${where}: unexpected tensor(s) ${extra.join(', ')}; an FD-FMNIST classifier holds ${[...expected].join(', ')}`);
  }
  for (const [name, shape] of FMNIST_CLASSIFIER_LAYOUT) {
    const t = sd.get(name);
    if (t === undefined) throw new Error(`${where}: missing tensor '${name}' (shape [${shape.join(', ')}]); is this an FD-FMNIST classifier file?`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${where}: tensor '${name}' has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    const n = shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) throw new Error(`${where}: tensor '${name}' holds ${t.data.length} values, expected ${n}`);
  }
}

/** Uploads a checked state dict as tensors (the caller disposes them, e.g. with {@link disposeFmnistParams}). */
export function fmnistParamsFromStateDict(sd: StateDict, where = 'FD-FMNIST classifier'): FmnistClassifierParams {
  checkFmnistStateDict(sd, where);
  const params: FmnistClassifierParams = {};
  for (const [name, shape] of FMNIST_CLASSIFIER_LAYOUT) params[name] = tf.tensor((sd.get(name) as { data: Float32Array }).data, [...shape], 'float32');
  return params;
}

/** Downloads parameters into a state dict in layout order (for writing with `writeSafetensors`). */
export function fmnistStateDictFromParams(params: FmnistClassifierParams): StateDict {
  const sd: StateDict = new Map();
  for (const [name, shape] of FMNIST_CLASSIFIER_LAYOUT) {
    const t = params[name];
    if (t === undefined) throw new Error(`fmnistStateDictFromParams: missing parameter '${name}'`);
    sd.set(name, { shape: [...shape], data: Float32Array.from(t.dataSync() as Float32Array) });
  }
  return sd;
}

/** Disposes every parameter tensor. */
export function disposeFmnistParams(params: FmnistClassifierParams): void {
  tf.dispose(Object.values(params));
}
