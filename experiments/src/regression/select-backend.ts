import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@pfgm/tensor';

/** Selects the tfjs backend a baselines file was measured on (no-op when it is already active). */
export async function selectBackend(name: string): Promise<void> {
  if (tf.getBackend() !== name) await initBackend(name, { log: () => undefined });
}
