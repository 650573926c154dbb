import * as tf from '@tensorflow/tfjs-core';
import type { Network } from '@pfgm/networks';
import { Rng } from '@pfgm/tensor';

/** A deliberate in-memory corruption of a loaded checkpoint, to show that the regression check catches it (specs only). */
export type CheckpointFault =
  /** The weights as loaded. */
  | { kind: 'none' }
  /** Every weight tensor W ← W + relative·rms(W)·ε, ε ~ N(0, I) from `seed` (a damaged or mis-trained file). */
  | { kind: 'weight-noise'; relative: number; seed: number };

/** Applies an in-memory fault to the network's weights (in place). */
export function corruptWeights(net: Network, fault: CheckpointFault): void {
  switch (fault.kind) {
    case 'none':
      return;
    case 'weight-noise': {
      const rng = new Rng(fault.seed);
      for (const w of net.weights) {
        const noise = rng.normal(w.shape);
        const next = tf.tidy(() => {
          const rms = tf.sqrt(tf.mean(tf.square(w)));
          return tf.add(w, tf.mul(noise, tf.mul(rms, fault.relative)));
        });
        w.assign(next);
        tf.dispose([noise, next]);
      }
    }
  }
}
