import * as tf from '@tensorflow/tfjs-core';
import { pfgmppPerturb, pfgmppPosteriorMean, prepareReference, sampleSigmaLogNormal } from '@pfgm/field';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { pfgmppConfig } from './configs.js';
import { edmCoefficients } from './edm-precond.js';
import { makeMethod } from './make-method.js';
import type { PfgmppConfig, TrainingPair } from './types.js';

// PFGM++ `stf` target (spec §4.4, official `--stf=1`): perturb regresses the denoiser onto the posterior mean
// E[y | x, σ] over the reference batch (whose first rows are x0) instead of the clean y.

const B = 8;
const BL = 64;
const N = 3;

/** A reference batch [BL, N] ~ N(0, 0.5²) whose first B rows are the clean batch x0. */
function batches() {
  const ref = tf.tidy(() => tf.mul(new Rng(5).normal([BL, N]), 0.5)) as tf.Tensor2D;
  const x0 = tf.slice(ref, [0, 0], [B, N]) as tf.Tensor2D;
  return { ref, x0 };
}

/** What perturb draws for seed `seed`: σ per row and the perturbed x [B, N] (the same library calls, same streams). */
function draws(c: PfgmppConfig, x0: tf.Tensor2D, seed: number) {
  const rng = new Rng(seed);
  const sigma = sampleSigmaLogNormal(B, c.pMean, c.pStd, rng);
  const x = pfgmppPerturb(x0, sigma, rng, { D: c.D, clipBeta: c.D === Infinity ? 0 : c.clipBeta });
  return { sigma, x };
}

/** The denoiser value the pair teaches: D = c_skip·x + c_out·target (EDM preconditioning), float64 rows. */
function taught(pair: TrainingPair, c: PfgmppConfig, sigma: Float64Array, x: number[][]): number[][] {
  const t = pair.target.arraySync() as number[][];
  return x.map((row, i) => {
    const k = edmCoefficients(sigma[i], c.sigmaData);
    return row.map((v, j) => k.cSkip * v + k.cOut * t[i][j]);
  });
}

/** Float64 posterior mean of the reference rows around x at σ: weights ∝ (d² + r²)^{−(N+D)/2}, r = σ√D; D = ∞: e^{−d²/2σ²}. */
function posteriorMean64(x: number[], s: number, ys: number[][], D: number): number[] {
  const logits = ys.map((y) => {
    const d2 = y.reduce((a, v, j) => a + (v - x[j]) ** 2, 0);
    return D === Infinity ? -d2 / (2 * s * s) : (-(N + D) / 2) * Math.log(d2 + s * s * D);
  });
  const m = Math.max(...logits);
  const w = logits.map((l) => Math.exp(l - m));
  const total = w.reduce((a, b) => a + b, 0);
  return x.map((_, j) => ys.reduce((a, y, k) => a + (w[k] / total) * y[j], 0));
}

function disposePair(p: TrainingPair): void {
  tf.dispose([p.input, p.cond, p.target, p.weight]);
}

describe.each([
  ['D = 128', 128],
  ['D = 2048', 2048],
  ['EDM (D = ∞)', Infinity],
])("PFGM++ %s, target 'stf'", (_name, D) => {
  const clean = pfgmppConfig(D);
  const stf = pfgmppConfig(D, { target: 'stf' });

  it("teaches the field lib's posterior mean over the reference batch (and a float64 one), not y; same input, label, weight", () => {
    const { ref, x0 } = batches();
    const a = makeMethod(clean).perturb(x0, new Rng(11), ref);
    const b = makeMethod(stf).perturb(x0, new Rng(11), ref);
    for (const k of ['input', 'cond', 'weight'] as const) expect(Array.from(b[k].dataSync())).toEqual(Array.from(a[k].dataSync()));
    const { sigma, x } = draws(stf, x0, 11);
    const rb = prepareReference(ref);
    const mu = tf.tidy(() => pfgmppPosteriorMean(x, tf.tensor1d(Float32Array.from(sigma)), rb, D).arraySync()) as number[][];
    rb.dispose();
    const xs = x.arraySync() as number[][];
    const ys = ref.arraySync() as number[][];
    const y0 = x0.arraySync() as number[][];
    const viaStf = taught(b, stf, sigma, xs);
    const viaClean = taught(a, clean, sigma, xs);
    let gap = 0;
    xs.forEach((xi, i) => {
      const mu64 = posteriorMean64(xi, sigma[i], ys, D);
      xi.forEach((_, j) => {
        expect(Math.abs(viaStf[i][j] - mu[i][j])).toBeLessThan(2e-4 * (1 + sigma[i]));
        expect(Math.abs(viaStf[i][j] - mu64[j])).toBeLessThan(2e-4 * (1 + sigma[i]));
        expect(Math.abs(viaClean[i][j] - y0[i][j])).toBeLessThan(2e-4 * (1 + sigma[i]));
        gap = Math.max(gap, Math.abs(mu64[j] - y0[i][j]));
      });
    });
    expect(gap).toBeGreaterThan(0.05); // at the drawn σ (up to ≈ 1) the posterior mean is far from the own point
    tf.dispose([ref, x0, x]);
    disposePair(a);
    disposePair(b);
  });

  it('defaults the reference to x0, rejects a smaller one, leaves no tensors behind', async () => {
    const { ref, x0 } = batches();
    const m = makeMethod(stf);
    await expectNoLeak(() => {
      const a = m.perturb(x0, new Rng(3));
      const b = m.perturb(x0, new Rng(3), x0);
      expect(Array.from(a.target.dataSync())).toEqual(Array.from(b.target.dataSync()));
      disposePair(a);
      disposePair(b);
      disposePair(m.perturb(x0, new Rng(4), ref));
    });
    const small = tf.slice(ref, [0, 0], [B - 1, N]);
    expect(() => m.perturb(x0, new Rng(3), small)).toThrow(/reference batch has 7 rows, fewer than the 8 perturbed/);
    tf.dispose([ref, x0, small]);
  });
});

it("rejects an unknown PFGM++ target with a clear error", () => {
  expect(() => makeMethod(pfgmppConfig(128, { target: 'biased' as never }))).toThrow(/target must be 'clean'/);
});
