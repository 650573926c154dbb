import * as tf from '@tensorflow/tfjs-core';
import type { VectorField } from './types.js';

// ----------------------------------------------------------------------------
// Augmented state (x, Δlog p) for likelihoods (FFJORD / score_sde `likelihood.py`):
// d/dt [x; Δlog p] = [f(x, t); ∇·f(x, t)], integrated as one [B, D + 1] tensor so that
// rk45's RMS error norm runs over x and Δlog p together, as scipy's does on the concatenation.
// ----------------------------------------------------------------------------

/** Drift of the augmented ODE: dx [B, ...] and d(Δlog p)/dt [B] (e.g. a Hutchinson divergence estimate). */
export type AugmentedField = (x: tf.Tensor, t: number) => { dx: tf.Tensor; dlogp: tf.Tensor };

/** Packs x [B, ...] and Δlog p [B] (default 0) into one state [B, D + 1], D = prod(x.shape[1:]). */
export function packAugmented(x: tf.Tensor, logp?: tf.Tensor): tf.Tensor2D {
  const [B] = x.shape;
  if (x.rank < 1) throw new RangeError(`packAugmented: x must have a batch axis, got shape [${x.shape}].`);
  if (logp !== undefined && !(logp.size === B)) {
    throw new RangeError(`packAugmented: logp has shape [${logp.shape}], expected [${B}] (one value per sample of x [${x.shape}]).`);
  }
  return tf.tidy(() => {
    const flat = tf.reshape(x, [B, -1]); // [B, D]
    const l = logp === undefined ? tf.zeros([B, 1]) : tf.reshape(logp, [B, 1]); // [B, 1]
    return tf.concat([flat, l], 1) as tf.Tensor2D;
  });
}

/** Splits a packed state [B, D + 1] into x (reshaped to `xShape` = [B, ...]) and Δlog p [B]; the caller owns both. */
export function unpackAugmented(s: tf.Tensor, xShape: readonly number[]): { x: tf.Tensor; logp: tf.Tensor1D } {
  const [B, D1] = s.shape;
  const D = xShape.slice(1).reduce((a, b) => a * b, 1);
  if (s.rank !== 2 || B !== xShape[0] || D1 !== D + 1) {
    throw new RangeError(`unpackAugmented: state has shape [${s.shape}], expected [${xShape[0]}, ${D + 1}] for x of shape [${xShape}].`);
  }
  return tf.tidy(() => ({
    x: tf.reshape(tf.slice(s, [0, 0], [B, D]), [...xShape]),
    logp: tf.reshape(tf.slice(s, [0, D], [B, 1]), [B]) as tf.Tensor1D,
  }));
}

/** The VectorField on packed states [B, D + 1] of the augmented drift g for x of shape `xShape`. */
export function augmentedField(g: AugmentedField, xShape: readonly number[]): VectorField {
  return (s, t) =>
    tf.tidy(() => {
      const { x, logp } = unpackAugmented(s, xShape);
      const { dx, dlogp } = g(x, t);
      if (!sameShape(dx.shape, x.shape) || dlogp.size !== xShape[0]) {
        throw new RangeError(`augmentedField: the drift returned dx [${dx.shape}] and dlogp [${dlogp.shape}], ` +
          `expected [${x.shape}] and [${xShape[0]}].`);
      }
      logp.dispose();
      return packAugmented(dx, dlogp);
    });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
