import * as tf from '@tensorflow/tfjs-core';

/**
 * A reference batch {y_j} (the "charges" of the empirical Poisson field, or the data of a posterior mean),
 * prepared once: y, its transpose and its squared norms, so that d²_ij = |x_i|² + |y_j|² − 2·x_i·y_j is one
 * untransposed matmul (PFGM §1.3; spec §8.1).
 */
export interface ReferenceBatch {
  /** The points, [B_L, N]. */
  readonly y: tf.Tensor2D;
  /** Their transpose, [N, B_L] (transposed matmuls are slow on wasm); made at once, or on first use with `lazyTranspose`. */
  readonly yT: tf.Tensor2D;
  /** Squared norms |y_j|², [B_L]. */
  readonly ySq: tf.Tensor1D;
  /** Number of points B_L. */
  readonly size: number;
  /** Data dimension N. */
  readonly dim: number;
  /** Frees y, yT and ySq (the caller's original tensor is not touched). */
  dispose(): void;
}

/** Options of {@link prepareReference}. */
export interface PrepareReferenceOptions {
  /**
   * Make yᵀ on first use instead of at once (it is then owned by the reference and freed by its `dispose`). For
   * one-shot references such as PFGM's per-step training batch, whose pruned target never needs yᵀ: the transpose of
   * [4096, 3072] costs ~95 ms on wasm. Default false.
   */
  lazyTranspose?: boolean;
}

/** Prepares a reference batch from `y` ([B_L, N] or [B_L, ...data], flattened); does not take ownership of `y`. */
export function prepareReference(y: tf.Tensor, opts: PrepareReferenceOptions = {}): ReferenceBatch {
  if (y.rank < 2 || y.shape[0] < 1) {
    throw new Error(`prepareReference: expected a batch [B_L, ...data] with B_L ≥ 1, got shape [${y.shape.join(', ')}]`);
  }
  const size = y.shape[0];
  const dim = y.size / size;
  const { y2, ySq } = tf.tidy(() => {
    const y2 = tf.cast(tf.reshape(y, [size, dim]), 'float32') as tf.Tensor2D; // [B_L, N]
    return { y2: tf.clone(y2), ySq: tf.sum(tf.square(y2), 1) as tf.Tensor1D };
  });
  let yT: tf.Tensor2D | null = opts.lazyTranspose ? null : (tf.transpose(y2) as tf.Tensor2D);
  return {
    y: y2,
    get yT(): tf.Tensor2D {
      // tf.keep: the first use may sit inside a caller's tf.tidy, which must not dispose the cached transpose.
      if (yT === null || yT.isDisposed) yT = tf.keep(tf.transpose(y2)); // [N, B_L]
      return yT;
    },
    ySq,
    size,
    dim,
    dispose() {
      tf.dispose([y2, ySq, ...(yT === null ? [] : [yT])]);
    },
  };
}

/** Squared distances d²_ij = max(|x_i|² + |y_j|² − 2·x_i·y_j, 0) between rows x [b, N] and a slice of a reference. */
export function squaredDistances(x: tf.Tensor2D, yT: tf.Tensor2D, ySq: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const xSq = tf.sum(tf.square(x), 1, true); // [b, 1]
    const xy = tf.matMul(x, yT); // [b, l]
    return tf.relu(tf.sub(tf.add(xSq, ySq), tf.mul(xy, 2))) as tf.Tensor2D; // [b, l]
  });
}
