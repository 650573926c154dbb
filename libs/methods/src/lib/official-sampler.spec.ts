import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import { describe, expect, it } from 'vitest';
import { pfgmConfig, vpConfig } from './configs.js';
import { makeMethod } from './make-method.js';
import { LIKELIHOOD_Z_EXP, pfgmDxDz } from './pfgm.js';
import { decode, sample } from './sample.js';
import { solve } from '@pfgm/ode';
import type { Predictor } from './types.js';

// The official PFGM samplers (Poisson_flow `sampling.py`, `methods.py::Poisson.ode`), recomputed by hand in float64.

/** A smooth synthetic field for N = 2: v = [a·x + b·z, −c·z·(1 + ‖x‖²/10)] (z-dependent, x-dependent, v_z < 0). */
const field = (x: number[], z: number): number[] => [0.3 * x[0] + 0.2 * z, -0.1 * x[1] + 0.05 * z, -0.4 * z * (1 + (x[0] ** 2 + x[1] ** 2) / 10)];
const predictor: Predictor = (x, z) =>
  tf.tidy(() => {
    const rows = (x.arraySync() as number[][]).map((r) => field(r, z));
    return tf.tensor2d(rows);
  });

/** `Poisson.ode`: the drift in t = ln z, z·v_x/(v_z + 1e-5) (z_exp 0, so no substitution). */
const officialDrift = (x: number[], z: number): number[] => {
  const v = field(x, z);
  return [z * (v[0] / (v[2] + 1e-5)), z * (v[1] / (v[2] + 1e-5))];
};

const config = pfgmConfig('cifar10', { zMax: 40, zMin: 1e-3, zExp: 0 });
const x0 = [[1.5, -2], [0.2, 0.7]];
const steps = 4;
const t = Array.from({ length: steps + 1 }, (_, i) => Math.log(40) + (i / steps) * (Math.log(1e-3) - Math.log(40))); // torch.linspace(ln z_max, ln ε)

function officialForwardEuler(x: number[]): number[] {
  for (let i = 0; i < steps; i++) {
    const d = officialDrift(x, Math.exp(t[i]));
    const dt = -(1 - Math.exp(t[i + 1] - t[i])); // ForwardEulerPredictor.update_fn
    x = x.map((v, k) => v + d[k] * dt);
  }
  return x;
}

function officialImprovedEuler(x: number[]): number[] {
  for (let i = 0; i < steps; i++) {
    const d = officialDrift(x, Math.exp(t[i]));
    const dt = Math.exp(t[i + 1] - t[i]) - 1; // ImprovedEulerPredictor.update_fn
    const xNew = x.map((v, k) => v + d[k] * dt);
    if (i === steps - 1) return xNew;
    const dNew = officialDrift(xNew, Math.exp(t[i + 1]));
    const dtNew = 1 - Math.exp(t[i] - t[i + 1]);
    x = x.map((v, k) => v + 0.5 * d[k] * dt + 0.5 * dNew[k] * dtNew);
  }
  return x;
}

/** Our decode with the library default (`time` absent from the overrides) or an explicit time variable. */
async function ours(solver: { kind: 'euler' | 'heun'; steps: number }, time: 'default' | 'log-z'): Promise<{ x: number[][]; nfe: number }> {
  const m = makeMethod(time === 'default' ? config : { ...config, time });
  const latents = tf.tensor2d(x0);
  const res = await decode(m, predictor, latents, solver);
  const out = { x: res.x.arraySync() as number[][], nfe: res.nfe };
  tf.dispose([latents, res.x]);
  return out;
}

const maxRel = (a: number[][], b: number[][]) => Math.max(...a.flatMap((r, i) => r.map((v, k) => Math.abs(v - b[i][k]) / Math.max(1, Math.abs(b[i][k])))));

describe('PFGM fixed-step samplers are the official ones (Euler/improved Euler in z on a grid uniform in ln z)', () => {
  it('forward Euler: x ← x + z·(dx/dz)·(e^{Δt} − 1), 4 steps, equals the hand-computed official update', async () => {
    const want = x0.map(officialForwardEuler);
    const got = await ours({ kind: 'euler', steps }, 'default');
    expect(got.nfe).toBe(steps);
    expect(maxRel(got.x, want)).toBeLessThan(1e-4);
    // The former default (Euler in t = ln z) steps x by z·(dx/dz)·Δt instead: it is not the official update.
    const lnz = await ours({ kind: 'euler', steps }, 'log-z');
    expect(maxRel(lnz.x, want)).toBeGreaterThan(1e-2);
  });

  it('improved Euler: Heun in z with a plain Euler last step, NFE 2N − 1, equals the hand-computed official update', async () => {
    const want = x0.map(officialImprovedEuler);
    const got = await ours({ kind: 'heun', steps }, 'default');
    expect(got.nfe).toBe(2 * steps - 1);
    expect(maxRel(got.x, want)).toBeLessThan(1e-4);
    const lnz = await ours({ kind: 'heun', steps }, 'log-z');
    expect(maxRel(lnz.x, want)).toBeGreaterThan(1e-3);
  });

  it('RK45 integrates in t = ln z (`get_rk45_sampler_pfgm`): the rk45 velocity at t is z·dx/dz at z = e^t', () => {
    const m = makeMethod(config);
    const x = tf.tensor2d(x0);
    const v = m.velocity(predictor, 'rk45')(x, Math.log(2.5)).arraySync() as number[][];
    x0.forEach((r, i) => officialDrift(r, 2.5).forEach((d, k) => expect(v[i][k]).toBeCloseTo(d, 4)));
    const grid = m.timeGrid(3, 'rk45');
    expect(grid[0]).toBeCloseTo(Math.log(40), 12);
    expect(m.timeGrid(3, 'euler')[0]).toBeCloseTo(40, 12);
    x.dispose();
  });
});

describe('PFGM likelihood uses z_exp = 5 whatever the sampling z_exp (`likelihood.py:160`)', () => {
  it('with a CelebA-like sampling z_exp = 1 the likelihood drift at z = 3 still substitutes v_z', () => {
    const c = pfgmConfig('cifar10', { zExp: 1 });
    expect(LIKELIHOOD_Z_EXP).toBe(5);
    const m = makeMethod(c);
    const x = tf.tensor2d(x0);
    const f = m.likelihood([2]).velocity(predictor)(x, 3);
    const with5 = pfgmDxDz(c, predictor, x, 3, 5, true);
    const with1 = pfgmDxDz(c, predictor, x, 3, 1, true);
    const d5 = tf.tidy(() => tf.max(tf.abs(tf.sub(f, with5))).dataSync()[0]);
    const d1 = tf.tidy(() => tf.max(tf.abs(tf.sub(f, with1))).dataSync()[0]);
    expect(d5).toBeLessThan(1e-6);
    expect(d1).toBeGreaterThan(1e-3);
    tf.dispose([x, f, with5, with1]);
  });
});

describe('VP-ODE RK45 on centred data (scipy`s first-step probe reaches t < 0)', () => {
  const circle = Array.from({ length: 8 }, (_, k) => [Math.cos((2 * Math.PI * k) / 8), Math.sin((2 * Math.PI * k) / 8)]);

  it('the VP field is finite at any t the solver may probe, including t = −22 where α(t) underflows to 0', () => {
    const m = makeMethod(vpConfig());
    const data = tf.tensor2d(circle);
    const o = m.oracle(data);
    const x = new Rng(1).normal([4, 2]);
    for (const tt of [-22, -3, 0.5, 1]) {
      const v = m.velocity(o.predict, 'rk45')(x, tt);
      expect(Array.from(v.dataSync()).every(Number.isFinite)).toBe(true);
      v.dispose();
    }
    tf.dispose([data, x]);
    o.dispose();
  });

  it('oracle RK45 (rtol = atol = 1e-5) on 8 points on a circle: every one of 64 samples lands within 2e-2 of a data point', async () => {
    const m = makeMethod(vpConfig());
    const data = tf.tensor2d(circle);
    const o = m.oracle(data);
    const res = await sample(m, o.predict, { kind: 'rk45', rtol: 1e-5, atol: 1e-5 }, 64, [2], new Rng(7));
    const xs = res.x.arraySync() as number[][];
    const dist = xs.map((p) => Math.min(...circle.map((q) => Math.hypot(p[0] - q[0], p[1] - q[1]))));
    expect(Math.max(...dist)).toBeLessThan(2e-2);
    tf.dispose([data, res.x]);
    o.dispose();
  });
});

describe('VP fixed-step sampler is the official `get_ode_sampler` (no noise removal, improved Euler ends with Euler)', () => {
  const circle = Array.from({ length: 8 }, (_, k) => [Math.cos((2 * Math.PI * k) / 8), Math.sin((2 * Math.PI * k) / 8)]);

  it('Heun: NFE 2N − 1 and the result equals N − 1 Heun steps then one Euler step, with no final DDPM step', async () => {
    const m = makeMethod(vpConfig());
    const data = tf.tensor2d(circle);
    const o = m.oracle(data);
    const latents = new Rng(4).normal([5, 2]);
    const res = await decode(m, o.predict, latents, { kind: 'heun', steps: 6 });
    expect(res.nfe).toBe(11);
    const want = await solve({ kind: 'heun', steps: 6, lastStepEuler: true })(m.velocity(o.predict, 'heun'), latents, m.timeGrid(6, 'heun'));
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(res.x, want.x))).dataSync()[0]);
    expect(err).toBe(0);
    tf.dispose([data, latents, res.x, want.x]);
    o.dispose();
  });

  it('Euler steps Δt = −1/N at the t_i of linspace(1, ε, N + 1) (Poisson_flow `sampling.py:285`), recomputed by hand in float64', async () => {
    const c = vpConfig();
    const m = makeMethod(c);
    const data = tf.tensor2d(circle);
    const o = m.oracle(data);
    const latents = new Rng(6).normal([3, 2]);
    const N = 4;
    const res = await decode(m, o.predict, latents, { kind: 'euler', steps: N });
    // Official: x ← x + drift(x, t_i)·(−1/N), drift = −½β(t)(x + score) with the oracle's ε̂ read back per step.
    let x = latents.arraySync() as number[][];
    for (let i = 0; i < N; i++) {
      const t = 1 + (i / N) * (c.epsT - 1); // torch.linspace(sde.T, eps, N + 1)
      const beta = c.betaMin + t * (c.betaMax - c.betaMin);
      const logMean = -0.25 * t * t * (c.betaMax - c.betaMin) - 0.5 * t * c.betaMin;
      const std = Math.sqrt(1 - Math.exp(2 * logMean));
      const xt = tf.tensor2d(x);
      const eps = tf.tidy(() => o.predict(xt, t).arraySync() as number[][]);
      xt.dispose();
      x = x.map((row, b) => row.map((v, j) => v + -0.5 * beta * (v - eps[b][j] / std) * (-1 / N)));
    }
    const got = res.x.arraySync() as number[][];
    for (let b = 0; b < x.length; b++) for (let j = 0; j < 2; j++) expect(got[b][j]).toBeCloseTo(x[b][j], 4);
    // The grid spacing −(1 − ε)/N (eulerStep 'grid') is a different, measurably shorter walk.
    const g = await decode(makeMethod({ ...c, eulerStep: 'grid' }), o.predict, latents, { kind: 'euler', steps: N });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(g.x, res.x))).dataSync()[0])).toBeGreaterThan(1e-4);
    tf.dispose([data, latents, res.x, g.x]);
    o.dispose();
    expect(() => makeMethod({ ...c, eulerStep: 'half' as 'grid' })).toThrow(/^vp: eulerStep must be 'official' .* or 'grid' .*; got "half"$/);
  });

  it('Euler returns x at t = ε as it is; RK45 applies the noise-removal step (score_sde `noise_removal`)', async () => {
    const m = makeMethod(vpConfig());
    const data = tf.tensor2d(circle);
    const o = m.oracle(data);
    const latents = new Rng(5).normal([5, 2]);
    const a = await decode(m, o.predict, latents, { kind: 'euler', steps: 10 });
    const b = await decode(m, o.predict, latents, { kind: 'euler', steps: 10 }, { finalize: false });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a.x, b.x))).dataSync()[0])).toBe(0);
    const c = await decode(m, o.predict, latents, { kind: 'rk45', rtol: 1e-4, atol: 1e-4 });
    const d = await decode(m, o.predict, latents, { kind: 'rk45', rtol: 1e-4, atol: 1e-4 }, { finalize: false });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(c.x, d.x))).dataSync()[0])).toBeGreaterThan(1e-4);
    tf.dispose([data, latents, a.x, b.x, c.x, d.x]);
    o.dispose();
  });
});

describe('PFGM RK45 integrates [x, z] as `get_rk45_sampler_pfgm` (a z channel beside x, dz/dt = z)', () => {
  it('equals RK45 on the hand-built augmented state (same NFE and x); the x-only state takes a different step sequence', async () => {
    const m = makeMethod(config);
    const latents = tf.tensor4d(Array.from({ length: 2 * 3 * 3 * 2 }, (_, i) => Math.sin(i) * 3), [2, 3, 3, 2]); // [B, H, W, C]
    const p: Predictor = (x, z) =>
      tf.tidy(() => {
        const B = x.shape[0];
        const flat = tf.reshape(x, [B, -1]);
        return tf.concat([tf.add(tf.mul(flat, 0.2), 0.1 * z), tf.fill([B, 1], -0.5 * z)], 1);
      });
    const tol = { kind: 'rk45', rtol: 1e-4, atol: 1e-4 } as const;
    const ours = await decode(m, p, latents, tol);
    const f = m.velocity(p, 'rk45');
    const aug = (s: tf.Tensor, t: number) =>
      tf.tidy(() => tf.concat([f(tf.slice(s, [0, 0, 0, 0], [2, 3, 3, 2]), t), tf.fill([2, 3, 3, 1], Math.exp(t))], 3));
    const s0 = tf.concat([latents, tf.fill([2, 3, 3, 1], 40)], 3);
    const want = await solve(tol)(aug, s0, Float64Array.of(Math.log(40), Math.log(1e-3)));
    expect(ours.nfe).toBe(want.nfe);
    const wx = tf.slice(want.x, [0, 0, 0, 0], [2, 3, 3, 2]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(ours.x, wx))).dataSync()[0])).toBeLessThan(1e-5);
    const xOnly = await decode(makeMethod({ ...config, rk45State: 'x' }), p, latents, tol);
    expect(ours.ts).toEqual(want.ts);
    expect(xOnly.ts).not.toEqual(want.ts); // the error norm over x alone accepts other steps
    tf.dispose([latents, ours.x, s0, want.x, wx, xOnly.x]);
  });
});
