import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { pfgmTarget, pfgmTargetWithPlan } from './pfgm-target.js';
import { planPrunedSum, PRUNE_LOG2, rowScales } from './pruned-poisson-mean.js';
import { prepareReference } from './reference-batch.js';

type Rows = number[][];

/** Official PFGM target (losses.py) in float64 over ALL reference points: min-ratio weights with the +1e-7 terms. */
function pfgmTargetRef(p: Rows, y: Rows, gamma: number): Rows {
  const N = y[0].length;
  return p.map((pi) => {
    const d = y.map((yj) => Math.sqrt(yj.reduce((s, v, k) => s + (pi[k] - v) ** 2, pi[N] * pi[N])));
    const dmin = Math.min(...d);
    const w = d.map((dj) => (dmin / (dj + 1e-7)) ** (N + 1));
    const W = w.reduce((a, b) => a + b, 0) + 1e-7;
    const E = new Array<number>(N + 1).fill(0);
    y.forEach((yj, j) => {
      for (let k = 0; k < N; k++) E[k] += (w[j] / W) * (yj[k] - pi[k]);
      E[N] -= (w[j] / W) * pi[N];
    });
    const norm = Math.hypot(...E);
    return E.map((e) => (Math.sqrt(N) * e) / (norm + gamma));
  });
}

/** Row-wise relative error max_k |a−b| / max_k |b|, worst row. */
function worstRowError(a: Rows, b: Rows): number {
  return Math.max(...a.map((ai, i) => Math.max(...ai.map((v, k) => Math.abs(v - b[i][k]))) / Math.max(...b[i].map(Math.abs))));
}

const rows = (t: tf.Tensor): Rows => t.arraySync() as Rows;

/**
 * A reference batch y ~ U[−1, 1]^N of size BL and B perturbed rows: rows listed in `near` sit close to their own
 * source (peaked weights: one survivor), the others far from every point (flat weights: all survive).
 */
function scene(seed: number, N: number, BL: number, B: number, near: (i: number) => boolean): { y: tf.Tensor2D; p: tf.Tensor2D } {
  const rng = new Rng(seed);
  const y = tf.tensor2d(Float32Array.from(rng.uniformArray(BL * N), (u) => 2 * u - 1), [BL, N]);
  const yv = y.dataSync();
  const p = new Float32Array(B * (N + 1));
  for (let i = 0; i < B; i++) {
    const [noise, z] = near(i) ? [0.05, 0.01] : [40, 50];
    for (let k = 0; k < N; k++) p[i * (N + 1) + k] = yv[i * N + k] + noise * rng.nextNormal();
    p[i * (N + 1) + N] = z * rng.next();
  }
  return { y, p: tf.tensor2d(p, [B, N + 1]) };
}

describe('pruned PFGM target (weights < 2^-40 of the row max skipped)', () => {
  it('keeps exactly the entries with weight ≥ 2^-40 of the row maximum', () => {
    // N + D = 2: w = (1 + q)^{-1} with q = (d² − d0)/(d0 + r²); d0 = 0, r = 1 → w = 1/(1 + d²).
    const l = 5;
    const d2 = Float64Array.from([0, 2 ** 39 - 1, 2 ** 41 - 1, 2 ** 40 - 1 - 2 ** 10, 2 ** 40 - 1 + 2 ** 10]);
    const plan = planPrunedSum(d2, rowScales(d2, Float64Array.from([1]), l), l, 1, 1);
    expect(PRUNE_LOG2).toBe(40);
    expect(plan.keptFraction).toBeCloseTo(3 / 5, 12); // 1, 2^-39 and just above 2^-40 kept
    expect(plan.sparseRows).toEqual([0]);
    expect(plan.columns).toEqual([0, 1, 3]);
  });

  it('peaked rows: sums over their survivors only, equal to the dense sum within 1e-5 and to float64 within 1e-5', async () => {
    const [N, BL, B] = [256, 64, 8];
    const { y, p } = scene(1, N, BL, B, () => true);
    const ref = prepareReference(y);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    await expectNoLeak(() => {
      const { target, plans } = pfgmTargetWithPlan(p, ref);
      const dense = pfgmTarget(p, ref, { sum: 'dense' });
      expect(plans).toHaveLength(1);
      expect(plans[0].sparseRows).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(plans[0].denseRows).toEqual([]);
      expect(plans[0].columns).toEqual([0, 1, 2, 3, 4, 5, 6, 7]); // each row's own source
      expect(plans[0].costFraction).toBeCloseTo(8 / 64, 12);
      expect(worstRowError(rows(target), rows(dense))).toBeLessThan(1e-5);
      expect(worstRowError(rows(target), pfgmTargetRef(rows(p), rows(y), 5))).toBeLessThan(1e-5);
      tf.dispose([target, dense]);
    });
    tf.dispose([y, p]);
    ref.dispose();
  });

  it('flat rows fall back to the dense sum over all B_L, equal to dense within 1e-5 and to float64 within 1e-5', async () => {
    const [N, BL, B] = [50, 40, 6];
    const { y, p } = scene(2, N, BL, B, () => false);
    const ref = prepareReference(y);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    await expectNoLeak(() => {
      const { target, plans } = pfgmTargetWithPlan(p, ref);
      const dense = pfgmTarget(p, ref, { sum: 'dense' });
      expect(plans[0].sparseRows).toEqual([]);
      expect(plans[0].denseRows).toEqual([0, 1, 2, 3, 4, 5]);
      expect(plans[0].keptFraction).toBe(1);
      expect(plans[0].costFraction).toBe(1);
      expect(worstRowError(rows(target), rows(dense))).toBeLessThan(1e-5);
      expect(worstRowError(rows(target), pfgmTargetRef(rows(p), rows(y), 5))).toBeLessThan(1e-5);
      tf.dispose([target, dense]);
    });
    tf.dispose([y, p]);
    ref.dispose();
  });

  it('mixed rows: peaked ones gathered, flat ones dense, reassembled in the original row order', async () => {
    const [N, BL, B] = [64, 48, 10];
    const near = (i: number) => i % 2 === 1 || i === 8;
    const { y, p } = scene(3, N, BL, B, near);
    const ref = prepareReference(y);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    await expectNoLeak(() => {
      const { target, plans } = pfgmTargetWithPlan(p, ref);
      const dense = pfgmTarget(p, ref, { sum: 'dense' });
      expect(plans[0].sparseRows).toEqual([1, 3, 5, 7, 8, 9]);
      expect(plans[0].denseRows).toEqual([0, 2, 4, 6]);
      expect(plans[0].columns).toEqual([1, 3, 5, 7, 8, 9]);
      expect(worstRowError(rows(target), rows(dense))).toBeLessThan(1e-5);
      expect(worstRowError(rows(target), pfgmTargetRef(rows(p), rows(y), 5))).toBeLessThan(1e-5);
      tf.dispose([target, dense]);
    });
    tf.dispose([y, p]);
    ref.dispose();
  });

  it('is differentiable when asked for (cpu: wasm has no gradient for GatherV2): the VJP equals the dense one', async () => {
    const backend = tf.getBackend();
    await tf.setBackend('cpu');
    const [N, BL, B] = [64, 20, 6];
    const { y, p } = scene(5, N, BL, B, (i) => i % 3 !== 0);
    // Rows between two data points (y_2i, y_2i+1): two weights of similar size, so the gradient through c_ij matters.
    const pm = tf.tidy(() => {
      const mid = tf.add(tf.mul(tf.add(tf.slice(y, [0, 0], [B, N]), tf.slice(y, [B, 0], [B, N])), 0.5), tf.mul(tf.sin(tf.reshape(tf.range(0, B * N), [B, N])), 0.02));
      return tf.concat([mid, tf.fill([B, 1], 0.1)], 1);
    }) as tf.Tensor2D;
    const ref = prepareReference(y);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    const e = tf.tidy(() => tf.sin(tf.reshape(tf.range(0, B * (N + 1)), [B, N + 1])));
    await expectNoLeak(() => {
      const vjp = (sum: 'pruned' | 'dense', at: tf.Tensor2D) => tf.grad((q: tf.Tensor) => tf.sum(tf.mul(pfgmTarget(q as tf.Tensor2D, ref, { sum }), e)))(at);
      for (const at of [p, pm]) {
        const { plans, target } = pfgmTargetWithPlan(at, ref);
        expect(plans[0].sparseRows.length).toBeGreaterThan(0);
        if (at === pm) expect(plans[0].columns.length).toBeGreaterThan(plans[0].sparseRows.length); // mid rows keep both neighbours
        target.dispose();
        const [gp, gd] = [vjp('pruned', at), vjp('dense', at)];
        expect(worstRowError(rows(gp), rows(gd))).toBeLessThan(1e-4);
        expect(tf.tidy(() => tf.max(tf.abs(gp)).dataSync()[0])).toBeGreaterThan(0.1);
        tf.dispose([gp, gd]);
      }
    });
    tf.dispose([y, p, pm, e]);
    ref.dispose();
    await tf.setBackend(backend);
  });

  it('sums densely by default while a gradient tape records (divergences of the oracle), prunes otherwise', () => {
    const [N, BL, B] = [64, 20, 4];
    const { y, p } = scene(6, N, BL, B, () => true);
    const ref = prepareReference(y);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    const plansSeen: number[] = [];
    const g = tf.grad((q: tf.Tensor) => {
      const { target, plans } = pfgmTargetWithPlan(q as tf.Tensor2D, ref);
      plansSeen.push(plans.length);
      return tf.sum(target);
    })(p);
    const gDense = tf.grad((q: tf.Tensor) => tf.sum(pfgmTarget(q as tf.Tensor2D, ref, { sum: 'dense' })))(p);
    const { target, plans } = pfgmTargetWithPlan(p, ref);
    expect(plansSeen).toEqual([0]);
    expect(plans).toHaveLength(1);
    expect(Array.from(g.dataSync())).toEqual(Array.from(gDense.dataSync()));
    tf.dispose([g, gDense, target, y, p]);
    ref.dispose();
  });

  it('row blocks (maxBlock) give one plan each and the unchunked result; a chunked reference sums densely', async () => {
    const [N, BL, B] = [32, 24, 7];
    const { y, p } = scene(4, N, BL, B, (i) => i < 4);
    const ref = prepareReference(y);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    await expectNoLeak(() => {
      const whole = pfgmTarget(p, ref);
      const blocks = pfgmTargetWithPlan(p, ref, { maxBlock: 3 * BL });
      const streamed = pfgmTargetWithPlan(p, ref, { refChunk: 10 });
      expect(blocks.plans.map((q) => q.sparseRows.length + q.denseRows.length)).toEqual([3, 3, 1]);
      expect(streamed.plans).toEqual([]);
      expect(worstRowError(rows(blocks.target), rows(whole))).toBeLessThan(1e-6);
      expect(worstRowError(rows(streamed.target), rows(whole))).toBeLessThan(1e-5);
      tf.dispose([whole, blocks.target, streamed.target]);
    });
    tf.dispose([y, p]);
    ref.dispose();
  });

  it('a perturbed point on a data point with z = 0 gives v = 0 like the official code; NaN input stays NaN', () => {
    const y = tf.tensor2d([[0, 0], [1, 1], [3, -1]]);
    const ref = prepareReference(y);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    const p = tf.tensor2d([[1, 1, 0], [NaN, 0, 1]]);
    const v = pfgmTarget(p, ref).arraySync();
    expect(v[0]).toEqual([0, 0, -0]);
    expect(v[1].every(Number.isNaN)).toBe(true);
    tf.dispose([y, p]);
    ref.dispose();
  });

  it('an empty small batch gives an empty target', () => {
    const y = tf.tensor2d([[0, 0], [1, 1]]);
    const ref = prepareReference(y);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    const p = tf.zeros([0, 3]) as tf.Tensor2D;
    const v = pfgmTarget(p, ref);
    expect(v.shape).toEqual([0, 3]);
    tf.dispose([y, p, v]);
    ref.dispose();
  });

  it('rejects an unknown sum strategy with a clear error', () => {
    const y = tf.tensor2d([[0, 0]]);
    const ref = prepareReference(y);
    void ref.yT; // made on first use and owned by the reference (not a leak of the code under test)
    const p = tf.tensor2d([[1, 1, 1]]);
    expect(() => pfgmTarget(p, ref, { sum: 'sparse' as never })).toThrow(/sum must be 'pruned' or 'dense'/);
    tf.dispose([y, p]);
    ref.dispose();
  });
});
