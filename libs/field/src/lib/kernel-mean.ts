import * as tf from '@tensorflow/tfjs-core';
import { kernelLogits, type FieldKernel } from './kernel.js';
import { squaredDistances, type ReferenceBatch } from './reference-batch.js';

/** Chunking of a kernel mean: the [rows, refs] blocks of distances/weights are the only large temporaries. */
export interface ChunkOptions {
  /** Most elements in one [rows × refs] block of distances/weights. Default 2^22 (16 MiB of float32). */
  maxBlock?: number;
  /** Most reference points per block (online log-sum-exp merges blocks). Default: all (B_L) if it fits. */
  refChunk?: number;
}


/**
 * Softmax-weighted mean of the reference points around each query x_i at scale s_i (PFGM §1.3, PFGM++ §4.4 `stf`):
 * c_ij = softmax_j(logit(d²_ij, s_i)). Uses d² from one matmul and Σ_j c_ij·y_j = c·Y (no [B, B_L, N] tensor),
 * processed in [rows × refs] blocks merged by an online log-sum-exp, so chunked equals unchunked up to rounding.
 * x: [B, N], s: [B] (r or σ per row). Differentiable in x (for exact divergences).
 */
export function kernelMean(
  x: tf.Tensor2D,
  s: tf.Tensor1D,
  ref: ReferenceBatch,
  kernel: FieldKernel,
  opts: ChunkOptions = {},
): tf.Tensor2D {
  const [B, N] = x.shape;
  if (N !== ref.dim) throw new Error(`kernelMean: x has dimension ${N} but the reference batch has ${ref.dim}; flatten both to [*, N]`);
  if (s.shape[0] !== B) throw new Error(`kernelMean: expected one scale per row (${B}), got ${s.shape[0]}`);
  const { refChunk, rowChunk } = blockSizes(B, ref.size, opts);
  if (refChunk >= ref.size && rowChunk >= B) return blockMean(x, s, ref.yT, ref.ySq, ref.y, kernel, N);
  return tf.tidy(() => {
    const means: tf.Tensor2D[] = [];
    for (let r0 = 0; r0 < B; r0 += rowChunk) {
      const rows = Math.min(rowChunk, B - r0);
      const xr = tf.slice(x, [r0, 0], [rows, N]);
      const sr = tf.slice(s, [r0], [rows]);
      const mean = refChunk >= ref.size ? blockMean(xr, sr, ref.yT, ref.ySq, ref.y, kernel, N) : streamMean(xr, sr, ref, kernel, N, refChunk);
      means.push(mean);
    }
    return tf.concat(means, 0) as tf.Tensor2D;
  });
}

/** Rows and refs per block for a budget of `maxBlock` elements. */
export function blockSizes(B: number, BL: number, opts: ChunkOptions = {}): { rowChunk: number; refChunk: number } {
  const maxBlock = opts.maxBlock ?? 2 ** 22;
  const refChunk = Math.max(1, Math.min(BL, opts.refChunk ?? BL, maxBlock));
  const rowChunk = Math.max(1, Math.min(B, Math.floor(maxBlock / refChunk)));
  return { rowChunk, refChunk };
}

/** One block, all references at once: softmax weights, then c·Y. */
function blockMean(x: tf.Tensor2D, s: tf.Tensor1D, yT: tf.Tensor2D, ySq: tf.Tensor1D, y: tf.Tensor2D, kernel: FieldKernel, N: number): tf.Tensor2D {
  return tf.tidy(() => {
    const d2 = squaredDistances(x, yT, ySq); // [b, l]
    const logits = kernelLogits(kernel, d2, tf.reshape(s, [-1, 1]), tf.min(d2, 1, true), N); // [b, l]
    const m = tf.max(logits, 1, true); // [b, 1]
    const w = tf.exp(tf.sub(logits, m)); // [b, l], max 1
    const sum = tf.sum(w, 1, true); // [b, 1], ≥ 1
    return tf.div(tf.matMul(w, y), sum) as tf.Tensor2D; // [b, N]
  });
}

/** References in chunks of `refChunk`, merged by an online log-sum-exp (flash-attention style). */
function streamMean(x: tf.Tensor2D, s: tf.Tensor1D, ref: ReferenceBatch, kernel: FieldKernel, N: number, refChunk: number): tf.Tensor2D {
  return tf.tidy(() => {
    const s2 = tf.reshape(s, [-1, 1]) as tf.Tensor2D;
    let m: tf.Tensor2D | null = null; // running row max of logits, [b, 1]
    let sum: tf.Tensor2D | null = null; // running Σ exp(logit − m), [b, 1]
    let acc: tf.Tensor2D | null = null; // running Σ exp(logit − m)·y_j, [b, N]
    let d0: tf.Tensor2D | null = null; // reference distance of the logits: running row min of d², [b, 1]
    for (let j0 = 0; j0 < ref.size; j0 += refChunk) {
      const l = Math.min(refChunk, ref.size - j0);
      const yT = tf.slice(ref.yT, [0, j0], [N, l]);
      const ySq = tf.slice(ref.ySq, [j0], [l]);
      const y = tf.slice(ref.y, [j0, 0], [l, N]);
      const d2 = squaredDistances(x, yT, ySq); // [b, l]
      const d0k = tf.min(d2, 1, true) as tf.Tensor2D;
      const d0New: tf.Tensor2D = d0 === null ? d0k : tf.minimum(d0, d0k);
      // Re-reference the running max to d0New: logit_new(d²) = logit_old(d²) + logit_new(d0_old), exact in log space,
      // so the logits of the competing (closest) points are always taken relative to a nearby distance.
      if (m !== null && d0 !== null) m = tf.add(m, kernelLogits(kernel, d0, s2, d0New, N)) as tf.Tensor2D;
      d0 = d0New;
      const logits = kernelLogits(kernel, d2, s2, d0, N); // [b, l]
      const mk = tf.max(logits, 1, true) as tf.Tensor2D;
      const mNew: tf.Tensor2D = m === null ? mk : tf.maximum(m, mk);
      const w = tf.exp(tf.sub(logits, mNew)); // [b, l]
      const sk = tf.sum(w, 1, true) as tf.Tensor2D;
      const ak = tf.matMul(w, y) as tf.Tensor2D; // [b, N]
      if (m === null || sum === null || acc === null) {
        sum = sk;
        acc = ak;
      } else {
        const decay = tf.exp(tf.sub(m, mNew)); // [b, 1], ≤ 1
        sum = tf.add(tf.mul(sum, decay), sk) as tf.Tensor2D;
        acc = tf.add(tf.mul(acc, decay), ak) as tf.Tensor2D;
      }
      m = mNew;
    }
    if (m === null || sum === null || acc === null) throw new Error('kernelMean: empty reference batch');
    return tf.div(acc, sum) as tf.Tensor2D; // [b, N]
  });
}
