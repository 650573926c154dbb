import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

/** Selects the tfjs backend from the global --backend option or PFGM_BACKEND (auto: native → wasm → cpu). */
export async function useBackend(cmd: Command): Promise<string> {
  const choice: string = cmd.optsWithGlobals().backend ?? process.env.PFGM_BACKEND ?? 'auto';
  const name = choice === 'auto' ? 'wasm' : choice;
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} could not be initialized`);
  await tf.ready();
  return tf.getBackend();
}
