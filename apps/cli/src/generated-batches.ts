import * as tf from '@tensorflow/tfjs-core';
import { quantizeToUint8, type ImageBatches } from '@pfgm/eval';
import { decode } from '@pfgm/methods';
import type { SolverSpec } from '@pfgm/ode';
import type { OpenRun } from '@pfgm/runs';
import { Rng } from '@pfgm/tensor';

/**
 * n samples of a run, generated batch by batch (batch j's prior from stream (seed, j)), quantized to uint8 the way
 * saved images are.
 */
export function generatedBatches(run: OpenRun, solver: SolverSpec, n: number, batch: number, seed: number, onNfe?: (nfe: number) => void): { count: number; batches: ImageBatches } {
  if (run.shape.length !== 3) throw new Error(`--ckpt ${run.dir}: the run generates points of shape [${run.shape}]; FID needs images`);
  return {
    count: n,
    batches: (async function* () {
      for (let first = 0, j = 0; first < n; first += batch, j++) {
        const b = Math.min(batch, n - first);
        const x0 = run.method.prior(b, run.shape, new Rng(seed, [j]));
        const res = await decode(run.method, run.predictor, x0, solver);
        x0.dispose();
        onNfe?.(res.nfe);
        yield tf.tidy(() => quantizeToUint8(res.x)) as tf.Tensor4D;
        res.x.dispose();
      }
    })(),
  };
}
