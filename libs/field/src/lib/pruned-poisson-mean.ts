import * as tf from '@tensorflow/tfjs-core';
import { kernelLogits } from './kernel.js';
import type { ReferenceBatch } from './reference-batch.js';

// ----------------------------------------------------------------------------
// The Poisson-kernel mean Σ_j c_ij·y_j with negligible weights skipped. At N = 3072 the weights (d_min/d_ij)^{N+D}
// are extremely peaked: for most perturbed points only their own clean source has a weight that float32 can see.
// The distances are one dense matmul; the plan (which rows need which reference points) is read from them; the
// weighted sum then runs only over the reference points that matter (a gathered matmul), per group of rows.
// ----------------------------------------------------------------------------

/** Weights below 2^−PRUNE_LOG2 of their row's largest are skipped: in all ≤ B_L·2^−40 of the row's total weight. */
export const PRUNE_LOG2 = 40;

/** Which rows of a block are summed over which reference points (the pruned c·Y). */
export interface PrunePlan {
  /** Rows summed over `columns` only; every weight outside `columns` is below 2^−40 of the row's largest. */
  sparseRows: number[];
  /** Union of the reference points that survive in some row of `sparseRows`, ascending. */
  columns: number[];
  /** Rows summed over all B_L reference points (too many survivors to gain from gathering). */
  denseRows: number[];
  /** Reference points B_L. */
  refs: number;
  /** Entries (i, j) with a weight ≥ 2^−40 of row i's largest, as a fraction of rows·B_L. */
  keptFraction: number;
  /** Multiply-adds of the plan as a fraction of the dense c·Y: (|sparseRows|·|columns| + |denseRows|·B_L)/(rows·B_L). */
  costFraction: number;
}

/** A pruned mean: Σ_j c_ij·y_j [b, N] and how it was split. */
export interface PrunedMean {
  /** Σ_j c_ij·y_j, [b, N]. */
  mean: tf.Tensor2D;
  /** The row/column split that was used. */
  plan: PrunePlan;
}

/** Per-row reference distance and scale of the Poisson kernel's weights. */
export interface RowScales {
  /** d0_i = min_j d²_ij, [b]. */
  d0: Float64Array;
  /** max(d0_i + r_i², 1e-30), [b]. */
  denom: Float64Array;
}

/** Row minima d0_i and kernel denominators max(d0_i + r_i², 1e-30) of d² [b·l] (the official min-ratio trick). */
export function rowScales(d2: ArrayLike<number>, r2: Float64Array, l: number): RowScales {
  const b = r2.length;
  const d0 = new Float64Array(b);
  const denom = new Float64Array(b);
  for (let i = 0; i < b; i++) {
    let m = Infinity;
    for (let j = i * l, end = j + l; j < end; j++) m = d2[j] < m || d2[j] !== d2[j] ? d2[j] : m;
    d0[i] = m;
    denom[i] = Math.max(m + r2[i], 1e-30);
  }
  return { d0, denom };
}

/**
 * Plans the pruned sum for the Poisson kernel in N+D dimensions: weight w_ij = (1 + (d²_ij − d0_i)/(d0_i + r_i²))^{−(N+D)/2}
 * relative to the row's largest (1 at d0_i); entries ≥ 2^−40 survive. Rows are taken in order of survivor count
 * and split where |sparse|·|union| + |dense|·B_L is least (all rows dense when nothing is gained).
 */
export function planPrunedSum(d2: ArrayLike<number>, { d0, denom }: RowScales, l: number, N: number, D: number): PrunePlan {
  const b = d0.length;
  const qMax = Math.expm1((2 * PRUNE_LOG2 * Math.LN2) / (N + D)); // w ≥ 2^−40 ⟺ (d² − d0)/denom ≤ qMax
  const keep = new Uint8Array(b * l);
  const count = new Int32Array(b);
  let kept = 0;
  for (let i = 0; i < b; i++) {
    const t = d0[i] + qMax * denom[i];
    let c = 0;
    for (let j = i * l, end = j + l; j < end; j++) {
      if (d2[j] <= t) {
        keep[j] = 1;
        c++;
      }
    }
    count[i] = c > 0 ? c : l; // NaN rows (no survivor) are summed densely, so the NaN shows in the result
    kept += c;
  }
  const order = Array.from({ length: b }, (_, i) => i).sort((p, q) => count[p] - count[q] || p - q);
  const inUnion = new Uint8Array(l);
  let union = 0;
  let best = { k: 0, cost: b * l, union: 0 };
  for (let k = 1; k <= b; k++) {
    const i = order[k - 1];
    if (count[i] >= l) break;
    for (let j = 0; j < l; j++) {
      if (keep[i * l + j] === 1 && inUnion[j] === 0) {
        inUnion[j] = 1;
        union++;
      }
    }
    const cost = k * union + (b - k) * l;
    if (cost < best.cost) best = { k, cost, union };
  }
  const sparseRows = order.slice(0, best.k).sort((p, q) => p - q);
  const denseRows = order.slice(best.k).sort((p, q) => p - q);
  const cols = new Uint8Array(l);
  for (const i of sparseRows) for (let j = 0; j < l; j++) cols[j] |= keep[i * l + j];
  const columns: number[] = [];
  for (let j = 0; j < l; j++) if (cols[j] === 1) columns.push(j);
  return { sparseRows, columns, denseRows, refs: l, keptFraction: kept / (b * l), costFraction: best.cost / (b * l) };
}

/**
 * d²_ij = max(|x_i|² + |y_j|² − 2·(y·xᵀ)ᵀ_ij, 0), [b, B_L]: the product y [B_L, N]·xᵀ [N, b] streams the reference batch
 * through XNNPACK as its input and packs only the small xᵀ as weights, where x·yᵀ would pack (and cache) all of yᵀ.
 */
export function distancesByRefRows(x: tf.Tensor2D, ref: ReferenceBatch): tf.Tensor2D {
  return tf.tidy(() => {
    const xSq = tf.sum(tf.square(x), 1, true); // [b, 1]
    const xy = tf.transpose(tf.matMul(ref.y, tf.transpose(x))); // [b, B_L]
    return tf.relu(tf.sub(tf.add(xSq, ref.ySq), tf.mul(xy, 2))) as tf.Tensor2D; // [b, B_L]
  });
}

/**
 * c·y over the whole reference batch, [f, N]. (yᵀ·cᵀ)ᵀ was faster per call (measured, 2 threads: 17 vs 23 ms at
 * f = 34) but needs yᵀ, which `prepareReference` now makes only on demand: its transpose costs ~95 ms per training step.
 */
function weightedSum(c: tf.Tensor2D, ref: ReferenceBatch): tf.Tensor2D {
  return tf.matMul(c, ref.y); // [f, N]
}

/** Softmax weights c_ij of the Poisson kernel in N+D dimensions over the columns of d² [b, l]; r: [b]. */
function poissonSoftmax(d2: tf.Tensor2D, r: tf.Tensor1D, N: number, D: number): tf.Tensor2D {
  return tf.tidy(() => {
    const logits = kernelLogits({ kind: 'poisson', D }, d2, tf.reshape(r, [-1, 1]) as tf.Tensor2D, tf.min(d2, 1, true) as tf.Tensor2D, N);
    return tf.softmax(logits) as tf.Tensor2D; // [b, l]
  });
}

/**
 * Poisson-kernel mean Σ_j c_ij·y_j over a reference batch (PFGM §1.3 with D = 1, r = z; PFGM++ §4.4 for D > 1)
 * with weights below 2^−40 of each row's largest skipped: equal to the dense sum to float32 rounding, and far
 * cheaper where weights are peaked (large N, small perturbations). x: [b, N], r: [b]. The distances are one dense
 * matmul, read back to plan the split; the weights and sums stay tensor ops, so the result is differentiable in x
 * (the plan is piecewise constant; skipped weights and their gradients are below float32 resolution).
 */
export function prunedPoissonMean(x: tf.Tensor2D, r: tf.Tensor1D, ref: ReferenceBatch, D: number): PrunedMean {
  const [b, N] = x.shape;
  const l = ref.size;
  let plan: PrunePlan | undefined;
  const mean = tf.tidy(() => {
    const d2 = distancesByRefRows(x, ref); // [b, B_L]
    const d2v = d2.dataSync();
    plan = planPrunedSum(d2v, rowScales(d2v, Float64Array.from(r.dataSync(), (v) => v * v), l), l, N, D);
    const { sparseRows, columns, denseRows } = plan;
    const parts: tf.Tensor2D[] = [];
    if (sparseRows.length > 0) {
      const all = sparseRows.length === b; // then sparseRows = 0..b−1
      const S = tf.tensor1d(sparseRows, 'int32');
      const U = tf.tensor1d(columns, 'int32');
      const c = poissonSoftmax(tf.gather(all ? d2 : tf.gather(d2, S), U, 1), all ? r : tf.gather(r, S), N, D); // [|S|, |U|]
      const mean = tf.matMul(c, tf.gather(ref.y, U)) as tf.Tensor2D; // [|S|, N]
      if (all) return mean;
      parts.push(mean);
    }
    if (denseRows.length === b) return weightedSum(poissonSoftmax(d2, r, N, D), ref); // [b, N]
    if (denseRows.length > 0) {
      const F = tf.tensor1d(denseRows, 'int32');
      parts.push(weightedSum(poissonSoftmax(tf.gather(d2, F), tf.gather(r, F), N, D), ref)); // [|F|, N]
    }
    const position = new Int32Array(b);
    [...sparseRows, ...denseRows].forEach((i, k) => (position[i] = k));
    return tf.gather(parts.length === 1 ? parts[0] : tf.concat(parts, 0), tf.tensor1d(position, 'int32')) as tf.Tensor2D; // [b, N]
  });
  if (plan === undefined) throw new Error('prunedPoissonMean: no plan (unreachable)');
  return { mean, plan };
}
