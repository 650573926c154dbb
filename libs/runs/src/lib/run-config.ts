import type { MethodConfig } from '@pfgm/methods';
import type { NetworkConfig } from '@pfgm/networks';
import type { FitOptions } from '@pfgm/train';
import type { MethodName } from './defaults.js';

/** The resolved configuration of a training run, written to `<run>/config.json` (∞ as the string "Infinity"). */
export interface TrainRunConfig {
  /** CLI method name (edm = PFGM++ with D = ∞). */
  methodName: MethodName;
  method: MethodConfig;
  /** Network preset name (or 'custom') and its resolved config. */
  netName: string;
  net: NetworkConfig;
  data: {
    /** `--data` spec: fmnist | cifar10 | toy:<name> | folder:<path>. */
    spec: string;
    limit?: number;
    size?: number;
    channels?: 1 | 3;
    dataDir?: string;
    /** Per-sample shape of the float view. */
    shape: number[];
    /** Average L2 norm (PFGM recipe input). */
    avgNorm: number;
  };
  train: FitOptions & {
    /** PFGM large batch B_L. */
    referenceSize?: number;
    /** Random horizontal flip of images. */
    flip: boolean;
    /** Steps between checkpoints (also on Ctrl-C and at the end). */
    checkpointEvery: number;
  };
}

/** Files of a run folder. */
export const RUN_FILES = { config: 'config.json', checkpoint: 'checkpoint.safetensors', log: 'train-log.csv' } as const;
