import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { vpLogAlpha, vpStd } from '@pfgm/field';
import { describe, expect, it } from 'vitest';
import { edmConfig, pfgmConfig, pfgmppConfig, vpConfig } from './configs.js';
import { exactDivergence, hutchinsonDivergence, rademacher } from './divergence.js';
import { interpolateLatents } from './interpolate.js';
import { logLikelihood } from './likelihood.js';
import { logGamma } from './log-gamma.js';
import { makeMethod } from './make-method.js';
import { pfgmDxDz } from './pfgm.js';
import { decode, encode, sample } from './sample.js';
import { TOY_2D, toyTensor } from './toy-data.js';
import type { MethodConfig, Predictor, RawNet } from './types.js';

const METHODS: [string, MethodConfig][] = [
  ['PFGM', pfgmConfig('cifar10', { zMin: 1e-5 })],
  ['PFGM++ D = 128', pfgmppConfig(128)],
  ['EDM', edmConfig()],
  ['VP-ODE', vpConfig()],
];

describe.each(METHODS)('%s', (_name, config) => {
  const m = makeMethod(config);

  it('encode then decode returns the starting training points (oracle, RK45)', async () => {
    const ref = toyTensor(TOY_2D);
    const oracle = m.oracle(ref);
    const x = tf.tensor2d(TOY_2D.points);
    const solver = { kind: 'rk45', rtol: 1e-6, atol: 1e-6 } as const;
    const z = await encode(m, oracle.predict, x, solver);
    const back = await decode(m, oracle.predict, z.x, solver);
    const err = tf.tidy(() => tf.max(tf.norm(tf.sub(back.x, x), 'euclidean', 1)).dataSync()[0]);
    expect(err).toBeLessThan(1e-2);
    tf.dispose([ref, x, z.x, back.x]);
    oracle.dispose();
  });

  it('perturb, sample and encode leave no tensors behind', async () => {
    const ref = toyTensor(TOY_2D);
    const oracle = m.oracle(ref);
    await expectNoLeak(async () => {
      const pair = m.perturb(ref, new Rng(1), ref);
      expect(pair.input.shape).toEqual(ref.shape);
      expect(pair.target.shape).toEqual([10, m.networkIo([2]).outShape[0]]);
      tf.dispose([pair.input, pair.cond, pair.target, pair.weight]);
      const s = await sample(m, oracle.predict, { kind: 'euler', steps: 3 }, 4, [2], new Rng(2));
      const e = await encode(m, oracle.predict, ref, { kind: 'rk45', rtol: 1e-3, atol: 1e-3 });
      tf.dispose([s.x, e.x]);
    });
    tf.dispose(ref);
    oracle.dispose();
  });

  it('the raw-network target inverts the preconditioning: a net that outputs it gives the clean data (or the field)', () => {
    const y = tf.tensor2d([[0.3, -0.2]]);
    for (let k = 0; k < 5; k++) {
      const pair = m.perturb(y, new Rng(10 + k), y);
      const net: RawNet = { apply: () => tf.clone(pair.target) };
      const t = tStar(config, pair.cond.dataSync()[0]);
      // The predictor takes the method-space x; PFGM++/EDM feed the net c_in·x, so undo c_in = 1/√(σ² + σ_d²).
      const x = config.kind === 'pfgmpp' ? tf.mul(pair.input, Math.sqrt(t * t + config.sigmaData ** 2)) : tf.clone(pair.input);
      const out = m.predictor(net)(x, t);
      x.dispose();
      // PFGM predicts the field and VP the noise ε̂ (the target itself); PFGM++/EDM the clean data.
      const expected = config.kind === 'pfgmpp' ? y : pair.target;
      const err = tf.tidy(() => tf.max(tf.abs(tf.sub(out, expected))).dataSync()[0]);
      expect(err).toBeLessThan(2e-4);
      if (config.kind === 'vp') {
        // x̂₀ = (x_t − std·ε̂)/α recovers the clean data.
        const y0 = tf.tidy(() => tf.div(tf.sub(pair.input, tf.mul(out, vpStd(config, t))), Math.exp(vpLogAlpha(config, t))));
        expect(tf.tidy(() => tf.max(tf.abs(tf.sub(y0, y))).dataSync()[0])).toBeLessThan(2e-4);
        y0.dispose();
      }
      tf.dispose([pair.input, pair.cond, pair.target, pair.weight, out]);
    }
    y.dispose();
  });
});

/** The method time t that a training label encodes (PFGM: z; PFGM++/EDM: σ = e^{4 c_noise}; VP: t = label/999). */
function tStar(c: MethodConfig, label: number): number {
  switch (c.kind) {
    case 'pfgm':
      return c.condition === 'log-z' ? Math.exp(label) : label;
    case 'pfgmpp':
      return Math.exp(4 * label);
    case 'vp':
      return label / 999;
  }
}

describe('VP-ODE likelihood of Gaussian data with its exact score', () => {
  it.each([
    [[0], [0.5]],
    [[0, 0], [0.5, 1.5]],
  ])('mean %j, std %j: log p equals the exact log-density within 1e-3', async (mu, s) => {
    const c = vpConfig();
    const m = makeMethod(c);
    // ε̂ from the exact score of N(α·μ, α²s² + std²): ε̂ = −std·score.
    const exact: Predictor = (x, t) =>
      tf.tidy(() => {
        const a = Math.exp(vpLogAlpha(c, t));
        const sd2 = vpStd(c, t) ** 2;
        const varT = tf.tensor1d(s.map((v) => a * a * v * v + sd2));
        const score = tf.div(tf.neg(tf.sub(x, tf.tensor1d(mu.map((v) => a * v)))), varT);
        return tf.mul(score, -Math.sqrt(sd2));
      });
    const pts = [[-1.2], [0.1], [0.9]].map((p) => mu.map((v, k) => v + p[0] * s[k] * (k === 1 ? -1 : 1)));
    const x = tf.tensor2d(pts);
    const res = await logLikelihood(m, exact, x);
    pts.forEach((p, i) => {
      const lp = p.reduce((acc, v, k) => acc - 0.5 * Math.log(2 * Math.PI * s[k] ** 2) - (v - mu[k]) ** 2 / (2 * s[k] ** 2), 0);
      expect(Math.abs(res.logp[i] - lp)).toBeLessThan(1e-3);
    });
    x.dispose();
  });
});

describe('EDM likelihood of Gaussian data with its exact denoiser', () => {
  it('N(0, diag(0.5², 1.5²)): D(x, σ) = x·s²/(s² + σ²) gives the exact log-density within 1e-3', async () => {
    const m = makeMethod(edmConfig());
    const s2 = [0.25, 2.25];
    const exact: Predictor = (x, sigma) => tf.tidy(() => tf.mul(x, tf.tensor1d(s2.map((v) => v / (v + sigma * sigma)))));
    const pts = [[0.3, -1], [-0.8, 2], [0, 0.4]];
    const x = tf.tensor2d(pts);
    const res = await logLikelihood(m, exact, x);
    pts.forEach((p, i) => {
      const lp = p.reduce((acc, v, k) => acc - 0.5 * Math.log(2 * Math.PI * s2[k]) - (v * v) / (2 * s2[k]), 0);
      expect(Math.abs(res.logp[i] - lp)).toBeLessThan(1e-3);
    });
    x.dispose();
  });
});

describe('likelihood plumbing', () => {
  it('Hutchinson path equals the exact path where the Jacobian is diagonal (Rademacher ε_k² = 1), no leaks', async () => {
    const c = vpConfig();
    const m = makeMethod(c);
    const s = [0.5, 1.5];
    const exact: Predictor = (x, t) =>
      tf.tidy(() => {
        const a = Math.exp(vpLogAlpha(c, t));
        const sd2 = vpStd(c, t) ** 2;
        const score = tf.div(tf.neg(x), tf.tensor1d(s.map((v) => a * a * v * v + sd2)));
        return tf.mul(score, -Math.sqrt(sd2)); // ε̂ = −std·score
      });
    const x = tf.tensor2d([[0.3, -1], [1, 2]]);
    const a = await logLikelihood(m, exact, x);
    const b = await expectNoLeak(() => logLikelihood(m, exact, x, { divergence: { kind: 'hutchinson', probes: 1, rng: new Rng(1) } }));
    a.logp.forEach((v, i) => expect(b.logp[i]).toBeCloseTo(v, 4));
    a.bpd.forEach((v, i) => expect(v).toBeCloseTo(-a.logp[i] / (2 * Math.LN2) + 7, 10));
    x.dispose();
  });
});

describe('image-shaped data [n, H, W, C]', () => {
  it.each(METHODS)('%s: sample, encode and likelihood keep the data shape', async (_n, config) => {
    const m = makeMethod(config);
    const data = tf.tidy(() => tf.sub(tf.mul(new Rng(1).uniform([6, 4, 4, 3]), 2), 1));
    const o = m.oracle(data);
    await expectNoLeak(async () => {
      const s = await sample(m, o.predict, { kind: 'euler', steps: 4 }, 2, [4, 4, 3], new Rng(2));
      expect(s.x.shape).toEqual([2, 4, 4, 3]);
      const z = await encode(m, o.predict, data, { kind: 'rk45', rtol: 1e-2, atol: 1e-2 });
      expect(z.x.shape).toEqual([6, 4, 4, 3]);
      const lik = await logLikelihood(m, o.predict, data, {
        solver: { kind: 'rk45', rtol: 1e-2, atol: 1e-2 },
        divergence: { kind: 'hutchinson', probes: 1, rng: new Rng(3) },
      });
      expect(lik.bpd.length).toBe(6);
      lik.bpd.forEach((b) => expect(Number.isFinite(b)).toBe(true));
      tf.dispose([s.x, z.x]);
    });
    data.dispose();
    o.dispose();
  });
});

describe('fixed-step budgets', () => {
  it('Heun: EDM/PFGM++ on the EDM grid and PFGM improved Euler cost 2n − 1 NFE (n = 18 → 35)', async () => {
    const ref = toyTensor(TOY_2D);
    for (const c of [pfgmppConfig(128), edmConfig(), pfgmConfig('cifar10', { time: 'z' })]) {
      const m = makeMethod(c);
      const o = m.oracle(ref);
      const res = await sample(m, o.predict, { kind: 'heun', steps: 18 }, 3, [2], new Rng(1));
      expect(res.nfe).toBe(35);
      res.x.dispose();
      o.dispose();
    }
    ref.dispose();
  });
});

describe('latent interpolation', () => {
  it('slerps directions, interpolates norms linearly, keeps the end points', () => {
    const a = tf.tensor2d([[3, 0]]);
    const b = tf.tensor2d([[0, 1]]);
    const out = interpolateLatents(a, b, 3).arraySync() as number[][];
    expect(out[0][0]).toBeCloseTo(3, 6);
    expect(out[2][1]).toBeCloseTo(1, 6);
    expect(Math.hypot(...out[1])).toBeCloseTo(2, 5);
    expect(out[1][0]).toBeCloseTo(out[1][1], 5); // 45°
    tf.dispose([a, b]);
  });
});

describe('divergence', () => {
  it('Hutchinson (Rademacher) is unbiased for the exact divergence (mean of 300 probes within 4 SE)', () => {
    const m = makeMethod(edmConfig());
    const ref = toyTensor(TOY_2D);
    const oracle = m.oracle(tf.concat([ref, tf.mul(ref, -0.7)], 1)); // 4-D data
    const f = m.velocity(oracle.predict, 'rk45');
    const x = new Rng(3).normal([3, 4]);
    const exact = exactDivergence(f, x, 0.8).dataSync();
    const rng = new Rng(4);
    const samples: number[][] = [[], [], []];
    for (let p = 0; p < 300; p++) {
      const eps = rademacher([3, 4], 1, rng);
      const est = hutchinsonDivergence(f, x, 0.8, eps).dataSync();
      est.forEach((v, i) => samples[i].push(v));
      eps.dispose();
    }
    samples.forEach((vals, i) => {
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / (vals.length - 1));
      expect(Math.abs(mean - exact[i])).toBeLessThan(4 * (sd / Math.sqrt(vals.length)) + 1e-6);
      expect(sd).toBeGreaterThan(0); // the probe noise is real, so the test has teeth
    });
    tf.dispose([ref, x]);
    oracle.dispose();
  });

  it('exact divergence of a linear field A·x is tr(A)', () => {
    const A = tf.tensor2d([[1, 2], [3, -4]]);
    const x = tf.tensor2d([[0.5, 1], [2, -1]]);
    const d = exactDivergence((xi) => tf.matMul(xi, A, false, true), x, 0).dataSync();
    expect(Array.from(d)).toEqual([-3, -3]);
    tf.dispose([A, x]);
  });
});

describe('prior log-densities integrate to 1 (quadrature)', () => {
  const cases: [string, MethodConfig][] = [
    ['PFGM', pfgmConfig('cifar10')],
    ['PFGM++ D = 5', pfgmppConfig(5, { sigmaMax: 3 })],
    ['EDM', edmConfig({ sigmaMax: 3 })],
  ];
  it.each(cases)('%s, N = 1 and N = 2', (_n, config) => {
    const m = makeMethod(config);
    const scale = config.kind === 'pfgm' ? config.zMax : 3;
    for (const N of [1, 2]) {
      // Radial quadrature with R = scale·tan θ on θ ∈ (0, π/2) (midpoint rule): ∫ p(x) dx = ∫ S_{N−1} R^{N−1} p(R) dR.
      const K = 20000;
      const h = Math.PI / 2 / K;
      const R = Float32Array.from({ length: K }, (_, k) => scale * Math.tan((k + 0.5) * h));
      const pts = tf.tidy(() => tf.concat([tf.reshape(tf.tensor1d(R), [K, 1]), tf.zeros([K, N - 1])], 1));
      const lp = m.likelihood([N]).priorLogDensity(pts);
      const area = N === 1 ? 2 : 2 * Math.PI;
      let total = 0;
      for (let k = 0; k < K; k++) {
        const th = (k + 0.5) * h;
        total += area * R[k] ** (N - 1) * Math.exp(lp[k]) * scale / Math.cos(th) ** 2 * h;
      }
      expect(total).toBeCloseTo(1, 3);
      pts.dispose();
    }
  });
});

describe('limits', () => {
  it('PFGM++ with D = 1 moves along the PFGM field: dx/dr = (x − D(x, σ))/σ equals dx/dz at r = σ = z', () => {
    const ref = toyTensor(TOY_2D);
    const pfgm = makeMethod(pfgmConfig('cifar10', { zExp: 0 }));
    const pp = makeMethod(pfgmppConfig(1));
    const po = pfgm.oracle(ref);
    const qo = pp.oracle(ref);
    const x = new Rng(5).normal([6, 2]);
    for (const z of [0.05, 0.5, 3]) {
      const a = pfgmDxDz(pfgm.config as never, po.predict, x, z, 0);
      const b = pp.velocity(qo.predict, 'rk45')(x, z);
      const err = tf.tidy(() => tf.max(tf.div(tf.norm(tf.sub(a, b), 'euclidean', 1), tf.norm(b, 'euclidean', 1))).dataSync()[0]);
      expect(err).toBeLessThan(1e-3); // the official +1e-5 in v_z + 1e-5 is the only difference
      tf.dispose([a, b]);
    }
    tf.dispose([ref, x]);
    po.dispose();
    qo.dispose();
  });

  it('PFGM++ posterior mean → Gaussian posterior mean as D → ∞ (error shrinks like 1/D)', () => {
    const ref = toyTensor(TOY_2D);
    const g = makeMethod(edmConfig()).oracle(ref);
    const x = new Rng(6).normal([8, 2]);
    const errs = [1e2, 1e4, 1e6].map((D) => {
      const o = makeMethod(pfgmppConfig(D)).oracle(ref);
      const e = tf.tidy(() => tf.max(tf.abs(tf.sub(o.predict(x, 0.4), g.predict(x, 0.4)))).dataSync()[0]);
      o.dispose();
      return e;
    });
    expect(errs[2]).toBeLessThan(1e-4);
    expect(errs[1]).toBeLessThan(errs[0] / 20);
    tf.dispose([ref, x]);
    g.dispose();
  });

  it('PFGM z_exp substitution recovers the oracle field as z → 0 (it approximates ‖E‖ by ‖E_x‖: error O(z²))', () => {
    const ref = toyTensor(TOY_2D);
    const m = makeMethod(pfgmConfig('cifar10'));
    const o = m.oracle(ref);
    const x = new Rng(8).normal([5, 2]);
    const a = pfgmDxDz(m.config as never, o.predict, x, 0.01, 5);
    const b = pfgmDxDz(m.config as never, o.predict, x, 0.01, 0);
    const err = tf.tidy(() => tf.max(tf.div(tf.norm(tf.sub(a, b), 'euclidean', 1), tf.norm(b, 'euclidean', 1))).dataSync()[0]);
    expect(err).toBeLessThan(1e-4);
    tf.dispose([ref, x, a, b]);
    o.dispose();
  });
});

describe('helpers', () => {
  it('logGamma matches known values', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 10);
    expect(logGamma(1536.5) - logGamma(1536)).toBeCloseTo(0.5 * Math.log(1536) - 1 / (8 * 1536), 6);
  });
});
